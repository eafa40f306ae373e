"""Taxonomy loading and validation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.taxonomy import EXPECTED_CODES, TAXONOMY_PATH, THEMES, TaxonomyError, load_taxonomy


def test_taxonomy_has_all_20_codes_with_offices() -> None:
    """All 20 theme codes load, each with three names, a definition, words and an office."""
    assert set(THEMES) == set(EXPECTED_CODES) and len(THEMES) == 20
    for theme in THEMES.values():
        assert theme.office and theme.definition and theme.words
        assert all(theme.names[lang] for lang in ("zh-CN", "zh-TW", "en"))
    assert THEMES["parking"].office == "后勤保障部"
    assert THEMES["ethics"].office == "纪检监察室/行风办"
    assert THEMES["nursing"].office == "护理部"


def test_taxonomy_rejects_a_missing_code(tmp_path: Path) -> None:
    """Validation fails when a theme is missing."""
    data = yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8"))
    data["themes"] = [t for t in data["themes"] if t["code"] != "food"]
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TaxonomyError, match="food"):
        load_taxonomy(bad)


def test_taxonomy_rejects_a_theme_without_office(tmp_path: Path) -> None:
    """Validation fails when a theme has no owning office."""
    data = yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8"))
    del data["themes"][0]["office"]
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TaxonomyError, match="office"):
        load_taxonomy(bad)
