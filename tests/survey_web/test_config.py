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
                                     CONTACT_KEYS_FILE=str(tmp_path / "c"), PRODUCTION="1"))
    assert settings.secret_key == "x" * 40 and settings.contact_keys == (key,)


def test_postgres_urls_use_psycopg3(tmp_path):
    """postgres:// and postgresql:// URLs are mapped to the installed psycopg 3 driver."""
    settings = Settings.from_env(env(tmp_path, DATABASE_URL="postgres://u@h/db"))
    assert settings.database_url == "postgresql+psycopg://u@h/db"
