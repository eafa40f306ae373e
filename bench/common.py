"""What every bench shares: a fresh, migrated PostgreSQL database of its own, opened forms, /proc readings."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
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


FORM_TOKENS = re.compile(r'name="(csrf_token|form_token)" type="hidden" value="([^"]*)"')


def open_form(base_url: str, token: str, answers: dict) -> tuple[str, str, str]:
    """GET survey TOKEN as a new phone; returns (path, Cookie header, urlencoded body) for one valid POST."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    path = f"/s/{token}"
    html = opener.open(f"{base_url}{path}", timeout=10).read().decode()
    body = urllib.parse.urlencode({**dict(FORM_TOKENS.findall(html)), **answers})
    return path, "; ".join(f"{c.name}={c.value}" for c in jar), body


def rss_kib(pid: int) -> int | None:
    """Resident set size of PID in KiB (VmRSS in /proc/PID/status); None once the process is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else None


def child_pids(pid: int) -> list[int]:
    """Direct children of PID, read from /proc/*/stat (no psutil needed)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while we looked
        # The command name may hold spaces and parentheses; the fields after its last ')' are fixed.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


def server_env(db_url: str, redis_url: str) -> dict:
    """The environment of a bench's gunicorn and worker: its database and Redis, no fill time or rate limits."""
    return {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url, "MIN_FILL_SECONDS": "0",
            "RATE_LIMIT_POINT": "1000000/minute", "RATE_LIMIT_IP": "1000000/minute", "PYTHONPATH": str(ROOT)}


def start_gunicorn(app: str, port: int, env: dict, workers: int, threads: int, ready_path: str) -> subprocess.Popen:
    """gunicorn (gthread) serving APP on 127.0.0.1:PORT; returns once READY_PATH answers."""
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-k", "gthread",
                             "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                             app], cwd=ROOT, env=env)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it lingers."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
