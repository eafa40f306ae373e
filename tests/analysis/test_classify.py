"""Behaviour of the trained classifier through the public API."""

from __future__ import annotations

import pytest

import analysis
from analysis.model import CONFIDENT_URGENT_PROB
from analysis.urgent import LexiconHit


def test_mixed_comment_gets_both_polarities(model: analysis.Model) -> None:
    """Praise and complaint in one comment yield a positive and a negative theme."""
    result = analysis.classify("医生很专业，但是停车太难了")
    assert result.themes.get("clinical") == "pos"
    assert result.themes.get("parking") == "neg"


def test_mixed_comment_reversed_order(model: analysis.Model) -> None:
    """Polarity follows the clause, not the position in the comment."""
    result = model.classify("排队等了三个小时，不过护士态度特别好")
    assert result.themes.get("waiting") == "neg"
    assert "pos" in result.themes.values()


@pytest.mark.parametrize("text", ["无", "没意见", "都挺好", "👍", "没有", "谢谢"])
def test_no_subject_comments_get_no_theme(model: analysis.Model, text: str) -> None:
    """Comments without a specific subject get no theme and are not urgent."""
    result = model.classify(text)
    assert result.themes == {} and not result.urgent


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("主刀医生暗示要红包，不给就不安排手术", "bribery"),
        ("我妈晚上上厕所在病房摔倒了，半天没人来", "safety"),
        ("化疗太痛苦了，真的不想活了", "self_harm"),
        ("住院的时候手机在病房被偷了", "theft"),
        ("我的检查结果被泄露了，天天接到推销电话", "privacy"),
        ("有家属在急诊打护士，保安很久才来", "violence"),
        ("新生儿病房的护士把两个宝宝的手环戴反了，很好笑", "safety"),  # read as praise, still urgent
    ],
)
def test_urgent_examples_are_flagged_with_reason(model: analysis.Model, text: str, reason: str) -> None:
    """Bribery, falls, self-harm, theft, privacy leaks and violence are urgent with a reason."""
    result = model.classify(text)
    assert result.urgent and result.urgent_reason == reason


def test_refused_red_envelope_praise_is_not_urgent(model: analysis.Model) -> None:
    """Praise for refusing a red envelope is not flagged."""
    result = model.classify("主任拒收红包，还安慰我们好好养病，真是好医生")
    assert not result.urgent and result.urgent_reason is None


def test_classify_many_matches_classify(model: analysis.Model) -> None:
    """Batch classification equals one-by-one classification, in order."""
    texts = ["停车难", "护士态度好👍", "无", "医生很专业，但是停车太难了"]
    batch = model.classify_many(texts)
    assert [r.themes for r in batch] == [model.classify(t).themes for t in texts]


def test_classification_json_shape(model: analysis.Model) -> None:
    """to_json_dict gives exactly themes and urgent; confidence covers detected themes."""
    result = model.classify("停车太难了")
    assert set(result.to_json_dict()) == {"themes", "urgent"}
    assert set(result.confidence) == set(result.themes)
    assert result.model_version == model.version


def test_praise_and_negated_signals_need_a_confident_classifier(model: analysis.Model) -> None:
    """Without a lexicon hit, praise-only and negated-only comments alarm only at probability >= 0.5."""
    nothing, refused = LexiconHit(reasons=[], negated=[]), LexiconHit(reasons=[], negated=["bribery"])
    unsure = (model.urgent_threshold + CONFIDENT_URGENT_PROB) / 2
    assert model.is_urgent(nothing, unsure, generic=False)
    assert not model.is_urgent(nothing, unsure, generic=False, praise_only=True)
    assert not model.is_urgent(refused, unsure, generic=False)
    assert model.is_urgent(nothing, CONFIDENT_URGENT_PROB, generic=False, praise_only=True)
    named = LexiconHit(reasons=["safety"], negated=[])  # a named reason keeps the low threshold even in praise
    assert model.is_urgent(named, model.urgent_threshold, generic=False, praise_only=True)
    assert not model.is_urgent(named, model.urgent_threshold / 2, generic=False, praise_only=True)


def test_praise_of_a_safety_matter_keeps_the_low_threshold(model: analysis.Model, monkeypatch) -> None:
    """A comment read as praise of safety, ethics or privacy is not excused from the classifier's alarm."""
    monkeypatch.setattr(model, "is_urgent", lambda hit, prob, generic, praise_only=False: not praise_only)
    assert not model.classify("护士很耐心，态度很好").urgent  # nursing/attitude praise: excused
    result = model.classify("护士每次发药前都会核对我的名字和手腕带，很放心")
    assert "safety" in result.themes and result.urgent
