"""The patient-experience feedback web app."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask

from .config import Settings, engine_options


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app from the environment; CONFIG overrides single keys (tests use it)."""
    settings = Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path), instance_relative_config=False)
    app.config.update(settings.flask_config())
    if config:
        app.config.update(config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    app.config.setdefault("RATELIMIT_STORAGE_URI", _limiter_storage(app.config.get("REDIS_URL")))
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 0.25, "socket_timeout": 0.5})

    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_headers(app)
    register_cli(app)
    return app


def _limiter_storage(redis_url: str | None) -> str:
    # Limits must hold across gunicorn processes, so they live in Redis whenever there is one.
    return redis_url or "memory://"


def register_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    from . import banks, dbsession, elderly, i18n, jobs, speech
    from .auth.nav import staff_nav
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    dbsession.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    app.context_processor(lambda: {"staff_nav": staff_nav})
    banks.init_app(app)
    jobs.init_app(app)
    i18n.init_app(app)
    elderly.init_app(app)
    speech.init_app(app)


def _migrations_dir():
    from .config import ROOT

    return ROOT / "migrations"


def register_blueprints(app: Flask) -> None:
    from . import inputs
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .commission import bp as commission_bp
    from .complaints_office import bp as complaints_bp
    from .dashboard import bp as dashboard_bp
    from .health import bp as health_bp
    from .kiosk import bp as kiosk_bp
    from .office import bp as office_bp
    from .survey import bp as survey_bp

    inputs.init_app(app)
    app.register_blueprint(survey_bp)
    app.register_blueprint(kiosk_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(auth_bp, url_prefix="/staff")
    app.register_blueprint(office_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(commission_bp)
    app.register_blueprint(complaints_bp)


def register_errors(app: Flask) -> None:
    from . import errors

    errors.init_app(app)


def register_headers(app: Flask) -> None:
    from . import security

    security.init_app(app)


def register_cli(app: Flask) -> None:
    from .cli import init_app

    init_app(app)
