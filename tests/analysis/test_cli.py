"""The ``python -m analysis classify`` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_cli_classify_keeps_order_and_count_with_malformed_line(session_model_dir: Path) -> None:
    """Every input line yields one output line in order; malformed lines carry an error."""
    lines = [
        json.dumps({"id": "a", "text": "医生很专业，但是停车太难了"}, ensure_ascii=False),
        "this is not json",
        json.dumps({"id": 3, "text": "无"}, ensure_ascii=False),
        json.dumps({"id": 4}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": None, "text": "护士发错药了"}, ensure_ascii=False),
    ]
    env = {**os.environ, "ANALYSIS_MODEL_DIR": str(session_model_dir)}
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "classify"], input="\n".join(lines) + "\n",
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=True,
    )
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    assert [o.get("id") for o in out] == ["a", None, 3, 4, None, None]
    assert "id" in out[5] and "error" not in out[5]
    assert out[0]["themes"]["parking"] == "neg" and out[0]["urgent"] is False
    assert "error" in out[1] and "error" in out[3] and "error" in out[4]
    assert out[2] == {"id": 3, "themes": {}, "urgent": False}


def test_evaluate_prints_figures_per_set_length_and_source(model, capsys) -> None:
    """`evaluate` without --file prints every set, the <=60 / >60 split and the real held-out urgent confusion."""
    from analysis import cli
    from analysis.corpus import real_files

    assert cli.main(["evaluate"]) == 0
    out = capsys.readouterr().out
    for label in ("ours-held-out", "fresh2", "short (<=60)", "long (>60)"):
        assert label in out
    if real_files():
        assert "real-held-out" in out and "per reason" in out
    assert cli.main(["evaluate", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["model_version"] == model.version and "fresh2" in card["sets"]
