"""Shared fixtures: the app on SQLite and on the real PostgreSQL, a client that speaks CSRF."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

# Under pytest-xdist (scripts/test runs the suite on several worker processes) each worker is "gw0", "gw1"...:
# it gets a database, a Redis database number and server ports of its own, so workers never share state.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER.removeprefix("gw")) if WORKER.startswith("gw") else 0
WORKER_COUNT = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
REDIS_DATABASES = 16  # redis-server's default `databases`


def _redis_url_of_worker(url: str) -> str:
    """TEST_REDIS_URL's database number plus the worker's index: a run of N workers takes N numbers from there
    up, or from there down when the numbers above run out (the default, 15, gives 15, 14, 13)."""
    base, _, number = url.rpartition("/")
    if not number.isdigit():
        base, number = url.rstrip("/"), "0"
    first = int(number)
    db = first + WORKER_INDEX if first + WORKER_COUNT <= REDIS_DATABASES else first - WORKER_INDEX
    if not 0 <= db < REDIS_DATABASES:
        raise RuntimeError(f"{WORKER_COUNT} workers do not fit Redis databases from {url}")
    return f"{base}/{db}"


PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_DB = os.environ.get("TEST_PG_DB", "survey_test") + (f"_{WORKER}" if WORKER else "")
REDIS_TEST_URL = _redis_url_of_worker(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
BACKENDS = [b for b in os.environ.get("TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


def _pg_url() -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{PG_DB}"


def _ensure_pg_database() -> None:
    from sqlalchemy import create_engine

    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_DB}):
            conn.execute(text(f'CREATE DATABASE "{PG_DB}"'))
    engine.dispose()


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("instance")
    os.environ["INSTANCE_PATH"] = str(path)
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("ANALYSIS_MODEL_DIR", str(Path(__file__).resolve().parent.parent / "instance" / "models"))
    return path


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, instance_dir) -> str:
    """Each database-backed test runs once on SQLite and once on PostgreSQL, migrated from empty."""
    if request.param == "sqlite":
        url = f"sqlite:///{instance_dir / 'test.db'}"
    else:
        _ensure_pg_database()
        url = _pg_url()
    _migrate_from_empty(url)
    return url


def _migrate_from_empty(url: str) -> None:
    """Wipe the database completely (not just known tables), then upgrade, downgrade and upgrade again."""
    from flask_migrate import downgrade, upgrade

    from survey_web import create_app

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from survey_web.extensions import db

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        downgrade(revision="base")
        upgrade(revision="heads")
        db.engine.dispose()


TEST_CONFIG = {
    "TESTING": True,
    "MIN_FILL_SECONDS": 0,
    "RATE_LIMIT_POINT": "10000/minute",
    "RATE_LIMIT_IP": "10000/minute",
    "PUBLIC_BASE_URL": "http://survey.test",
    # Two-step sign-in has its own tests (test_two_factor.py); elsewhere a password signs staff in.
    "TWO_FACTOR_ROLES": (),
}


class FreshClient(FlaskClient):
    """A test client whose every request starts with an empty `g`.

    Tests hold an app context (the `db` fixture) and Flask reuses it for requests made inside it, so
    per-request state such as Flask-WTF's cached CSRF token would otherwise leak between requests.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(vars(g)):
                delattr(g, name)
        return super().open(*args, **kwargs)


@pytest.fixture
def make_app(database_url):
    """Build an app on the current backend with extra CONFIG; tables are emptied after the test."""
    from survey_web import banks, create_app
    from survey_web.extensions import db, limiter
    from survey_web.privacy import device_keys

    apps = []

    def factory(**overrides):
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
        app.test_client_class = FreshClient
        apps.append(app)
        return app

    yield factory
    # Every app's in-process jobs finish before any table is emptied: a test that builds its own app
    # beside the `app` fixture's would otherwise be classifying while the first one truncates (deadlock).
    for app in apps:
        runner = app.extensions["jobs"]["runner"]
        if runner:
            runner.executor.shutdown(wait=True)
    for app in apps:
        if app.config["SQLALCHEMY_DATABASE_URI"] != database_url:
            continue
        with app.app_context():
            db.session.remove()
            _empty_tables(db)
            with contextlib.suppress(Exception):  # an app pointed at a dead Redis has nothing to reset
                limiter.reset()
            db.engine.dispose()
    banks.clear_caches()
    device_keys.clear_cache()


def _empty_tables(db) -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def db(app):
    from survey_web.extensions import db as database

    with app.app_context():
        yield database


@pytest.fixture
def client(app):
    return app.test_client()




def hidden_fields(html: str) -> dict[str, str]:
    """The csrf_token and form_token a rendered survey form carries."""
    found = {}
    for match in re.finditer(r"<input[^>]*>", html):
        tag = match.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) in ("csrf_token", "form_token"):
            found[name.group(1)] = value.group(1) if value else ""
    return found
