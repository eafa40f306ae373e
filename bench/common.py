"""What every bench shares: a fresh, migrated PostgreSQL database of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_ADMIN = f"{PG_SERVER}/test"


def database_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def fresh_database(name: str) -> str:
    """Drop and recreate database NAME, migrate it to the newest schema; returns its URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = database_url(name)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("REDIS_URL", None)  # migrating needs no queue
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, check=True,
                   capture_output=True, env=env)
    return url
