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
