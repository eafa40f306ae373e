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


@pytest.mark.parametrize(
    "text",
    [
        "知道什么时候偷懒,什么时候敷衍",  # 偷懒 is no theft
        "这家医院明目张胆偷税漏税",
        "今天在三甲医院拍了ct,肺部轻度感染",  # an x-ray or CT is no photograph of a patient
        "医生看完诊,认定孩子是过敏体质",  # an allergy as a constitution or a diagnosis is no reaction to care
        "也就是花粉过敏,但还是有种不舒服的感觉",
        "医生说里面有息肉要动手术",  # surgery, not a fight
        "因需要保险报销,再三索要发票",  # asking for an invoice is no demand for money
        "我们的钱难道是天上掉下来的吗",
        "另一间医院两床相距可要远得多两三倍",
        "不符合挂急诊的条件,得眼球出血才行",
    ],
)
def test_everyday_words_are_no_urgent_lexicon_hit(text: str) -> None:
    """Words that only look like an urgent signal in real letters match no reason."""
    assert lexicon_scan(prepare(text).plain).reasons == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("吃了止痛药胃出血", "safety"),
        ("输液后全身过敏,起了很多红疹", "safety"),
        ("护士打了三倍的剂量", "safety"),
        ("手机在病房被偷了", "theft"),
        ("厕所门有缝,还要冒着被色狼偷窥的危险", "privacy"),
        ("对方怎么知道我的电话和孩子的名字", "privacy"),
        ("家属在急诊动手打了护士", "violence"),
        ("医生向家属索要五千元好处", "bribery"),
    ],
)
def test_narrowed_urgent_patterns_still_match(text: str, reason: str) -> None:
    """The narrowed patterns keep their real signals."""
    assert reason in lexicon_scan(prepare(text).plain).reasons


def test_importing_analysis_is_cheap() -> None:
    """Importing the package loads neither jieba nor scikit-learn."""
    code = "import sys, analysis; print('jieba' in sys.modules, 'sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
