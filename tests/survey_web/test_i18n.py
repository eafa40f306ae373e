"""Every message shown to people has zh-CN and zh-TW translations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_is_translated():
    """scripts/i18n finds no untranslated message, and the committed catalogs match the code."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "i18n")], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for locale in ("zh_Hans_CN", "zh_Hant_TW"):
        with (ROOT / "survey_web" / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f)
        assert [m.id for m in catalog if m.id and not m.string] == []


def test_truncate_cuts_chinese_at_the_length_not_at_an_early_space(app):
    """Jinja's truncate goes back to the last space: "1. 在门诊大厅…" became "1....". Ours cuts at the length."""
    text = "1. 在门诊大厅、自助机和检查区设志愿者（医务社工）岗位，高峰时段提供导诊和自助机操作指导"
    with app.test_request_context():
        shown = app.jinja_env.from_string("{{ t|truncate(20) }}").render(t=text)
    assert shown == text[:19] + "…"
