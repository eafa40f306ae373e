"""The shipped service definitions restart the worker and stop its whole process group."""

from __future__ import annotations

import configparser
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def read(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False, inline_comment_prefixes=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / name)
    return parser


def test_systemd_unit_restarts_the_worker_and_kills_its_group():
    """survey-worker.service: Restart=always, no start limit, the control group killed, `flask worker` run."""
    unit = read("survey-worker.service")
    service = unit["Service"]
    assert service["Restart"] == "always" and service["KillMode"] == "control-group"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert service["ExecStart"].endswith("/flask worker")
    assert int(service["TimeoutStopSec"]) > 60, "longer than a job's timeout, so SIGTERM lets it finish"


def test_supervisord_example_restarts_the_worker_and_kills_its_group():
    """supervisord.conf: autorestart, stop and kill as a group (RQ's scheduler is a child process)."""
    program = read("supervisord.conf")["program:survey-worker"]
    assert program["autorestart"] == "true"
    assert program["stopasgroup"] == "true" and program["killasgroup"] == "true"
    assert "exec /srv/survey/.venv/bin/flask worker" in program["command"]
