"""Configuration fails loudly on bad values."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from survey_web.config import ConfigError, Settings


def env(tmp_path, **values):
    return {"INSTANCE_PATH": str(tmp_path), **values}


def test_defaults_give_an_embedded_sqlite_app(tmp_path):
    """With nothing set: SQLite under instance/, no Redis, generated and persisted secrets."""
    first = Settings.from_env(env(tmp_path))
    second = Settings.from_env(env(tmp_path))
    assert first.database_url == f"sqlite:///{tmp_path / 'survey.db'}"
    assert first.redis_url is None
    assert first.secret_key == second.secret_key and first.contact_keys == second.contact_keys


@pytest.mark.parametrize("name, value, message", [
    ("DATABASE_URL", "mysql://x", "DATABASE_URL must start with"),
    ("REDIS_URL", "http://localhost", "REDIS_URL must start with"),
    ("DUPLICATE_WINDOW_HOURS", "a day", "is not an integer"),
    ("DUPLICATE_WINDOW_HOURS", "-1", "must be at least 0"),
    ("PRODUCTION", "maybe", "is not a boolean"),
    ("SECRET_KEY", "short", "at least 24 characters"),
    ("CONTACT_KEYS", "not-a-key", "not a Fernet key"),
    ("PUBLIC_BASE_URL", "survey.example", "must start with http"),
    ("RATE_LIMIT_POINT", "40 a minute", "RATE_LIMIT_POINT='40 a minute' is not a rate limit"),
    ("RATE_LIMIT_IP", "300/fortnight", "RATE_LIMIT_IP='300/fortnight' is not a rate limit"),
    ("TRUSTED_PROXIES", "nginx", "TRUSTED_PROXIES='nginx' is not an integer"),
    ("TRUSTED_PROXIES", "-1", "must be at least 0"),
    ("SESSION_IDLE_MINUTES", "0", "must be at least 1"),
    ("SESSION_MAX_HOURS", "half a day", "is not an integer"),
    ("HEALTHZ_TOKEN", "short", "at least 16 characters"),
    ("TWO_FACTOR_ROLES", "admin,root", "unknown roles: root"),
])
def test_bad_values_stop_start_up(tmp_path, name, value, message):
    """Each malformed setting raises ConfigError naming the variable."""
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env(tmp_path, **{name: value}))


def test_production_requires_explicit_secrets(tmp_path):
    """PRODUCTION=true refuses to invent secrets."""
    with pytest.raises(ConfigError, match="requires SECRET_KEY"):
        Settings.from_env(env(tmp_path, PRODUCTION="true"))


def test_secrets_can_come_from_files(tmp_path):
    """SECRET_KEY_FILE and CONTACT_KEYS_FILE are read, e.g. from mounted secrets."""
    (tmp_path / "s").write_text("x" * 40)
    key = Fernet.generate_key().decode()
    (tmp_path / "c").write_text(key + "\n")
    settings = Settings.from_env(env(tmp_path, SECRET_KEY_FILE=str(tmp_path / "s"),
                                     CONTACT_KEYS_FILE=str(tmp_path / "c"), PRODUCTION="1",
                                     PUBLIC_BASE_URL="https://survey.example"))
    assert settings.secret_key == "x" * 40 and settings.contact_keys == (key,)


def test_postgres_urls_use_psycopg3(tmp_path):
    """postgres:// and postgresql:// URLs are mapped to the installed psycopg 3 driver."""
    settings = Settings.from_env(env(tmp_path, DATABASE_URL="postgres://u@h/db"))
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_production_requires_an_https_public_url(tmp_path):
    """PRODUCTION=true with an http:// PUBLIC_BASE_URL stops start-up (no Secure cookie, no HSTS otherwise)."""
    secrets = {"SECRET_KEY": "x" * 40, "CONTACT_KEYS": Fernet.generate_key().decode(), "PRODUCTION": "true"}
    with pytest.raises(ConfigError, match="requires an https:// PUBLIC_BASE_URL"):
        Settings.from_env(env(tmp_path, **secrets))
    with pytest.raises(ConfigError, match="requires an https:// PUBLIC_BASE_URL"):
        Settings.from_env(env(tmp_path, PUBLIC_BASE_URL="http://survey.example", **secrets))
    settings = Settings.from_env(env(tmp_path, PUBLIC_BASE_URL="https://survey.example", **secrets))
    assert settings.flask_config()["SESSION_COOKIE_SECURE"] is True


def test_security_settings_are_read(tmp_path):
    """Proxy count, session limits, the health token and the two-factor roles reach the Flask config."""
    config = Settings.from_env(env(tmp_path, TRUSTED_PROXIES="1", SESSION_IDLE_MINUTES="15", SESSION_MAX_HOURS="8",
                                   HEALTHZ_TOKEN="t" * 20, TWO_FACTOR_ROLES="admin, dept_head",
                                   RATE_LIMIT_POINT="20 per minute")).flask_config()
    assert (config["TRUSTED_PROXIES"], config["SESSION_IDLE_MINUTES"], config["PERMANENT_SESSION_LIFETIME"]) == \
        (1, 15, 8 * 3600)
    assert config["HEALTHZ_TOKEN"] == "t" * 20 and config["TWO_FACTOR_ROLES"] == ("admin", "dept_head")
    assert config["RATE_LIMIT_POINT"] == "20 per minute"
    defaults = Settings.from_env(env(tmp_path)).flask_config()
    assert (defaults["TRUSTED_PROXIES"], defaults["SESSION_IDLE_MINUTES"]) == (0, 30)
    assert defaults["TWO_FACTOR_ROLES"] == ("admin", "quality", "complaints") and defaults["HEALTHZ_TOKEN"] is None
    assert Settings.from_env(env(tmp_path, TWO_FACTOR_ROLES="none")).two_factor_roles == ()
