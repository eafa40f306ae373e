"""Normalisation, clause splitting and lexicons (no model needed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis.lexicon import is_no_subject
from analysis.normalize import normalize
from analysis.segment import prepare
from analysis.urgent import lexicon_scan


def test_traditional_and_fullwidth_are_normalised() -> None:
    """Traditional characters become simplified and full-width ASCII becomes half-width."""
    assert normalize("醫生態度很好，ＡＰＰ掛號方便") == "医生态度很好,app挂号方便"


def test_clauses_split_on_punctuation_and_contrast_words() -> None:
    """A contrast word starts a new clause."""
    prep = prepare("医生很专业但是停车太难了")
    assert prep.clause_texts == ["医生很专业", "但是停车太难了"]


def test_emoji_is_stripped_from_text_but_kept_as_cue() -> None:
    """Emoji are removed from the character text and become a sentiment token."""
    prep = prepare("护士态度好👍")
    assert "👍" not in prep.text and "emo_pos" in prep.tokens


@pytest.mark.parametrize("text", ["无", "没意见", "都挺好", "👍", "谢谢！", "暂无。"])
def test_generic_comments_have_no_subject(text: str) -> None:
    """Comments without a specific subject are recognised."""
    assert is_no_subject(prepare(text).plain)


def test_specific_comment_has_a_subject() -> None:
    """A comment naming a subject is not generic."""
    assert not is_no_subject(prepare("医生都挺好").plain)


def test_refused_red_envelope_is_a_negated_lexicon_hit() -> None:
    """拒收红包 does not count as a bribery hit; 收红包 does."""
    assert lexicon_scan(prepare("主任拒收红包，真是好医生").plain).reasons == []
    assert lexicon_scan(prepare("主任收红包").plain).reasons == ["bribery"]


def test_importing_analysis_is_cheap() -> None:
    """Importing the package loads neither jieba nor scikit-learn."""
    code = "import sys, analysis; print('jieba' in sys.modules, 'sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
