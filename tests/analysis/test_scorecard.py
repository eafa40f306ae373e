"""Point 5 of issue 17, pure parts: the real-held-out guard's tolerance, per-source groups, urgent per reason."""

from __future__ import annotations

from analysis.corpus import Example
from analysis.pipeline import REAL_GUARD_TOLERANCE, worse_metrics
from analysis.result import Classification
from analysis.scorecard import format_scorecard, source_groups, urgent_confusion


def test_real_guard_allows_a_small_fall_and_refuses_a_larger_one() -> None:
    """A new model may lose up to 0.01 real-held-out micro-F1; more is refused; written guards use every metric."""
    previous = {"micro_f1": 0.700, "macro_f1": 0.650, "urgent_recall": 0.900}
    assert REAL_GUARD_TOLERANCE == 0.01
    assert worse_metrics({"micro_f1": 0.691, "macro_f1": 0.1, "urgent_recall": 0.1}, previous, "real-held-out") == []
    assert worse_metrics({"micro_f1": 0.689, "macro_f1": 0.9, "urgent_recall": 1.0}, previous,
                         "real-held-out") == ["micro_f1"]
    assert worse_metrics({"micro_f1": 0.699, "macro_f1": 0.66, "urgent_recall": 0.95}, previous,
                         "ours-held-out") == ["micro_f1"]


def test_thin_sources_are_pooled_by_family() -> None:
    """Sources with fewer than ten rows in a set are reported as their family (``web-*``); ``ours`` stays."""
    sources = ["web-a"] * 10 + ["web-b"] * 3 + ["web2-c"] + ["ours"] * 2
    assert source_groups(sources) == ["web-a"] * 10 + ["web-*"] * 3 + ["web2-*"] + ["ours"] * 2


def _res(urgent: bool, reason: str | None = None) -> Classification:
    res = Classification(model_version="t")
    res.urgent, res.urgent_reason = urgent, reason
    return res


def test_urgent_confusion_counts_per_reason_and_prints() -> None:
    """Hits and misses count under the gold reason, false alarms under the reason the model gave."""
    gold = [Example("a", urgent=True, urgent_reason="bribery"), Example("b", urgent=True, urgent_reason="safety"),
            Example("c"), Example("d"), Example("e", urgent=True, urgent_reason="safety")]
    results = [_res(True, "privacy"), _res(False), _res(True, "safety"), _res(False), _res(True, "safety")]
    table = urgent_confusion(gold, results)
    assert table == {"bribery": {"tp": 1, "fn": 0, "fp": 0}, "safety": {"tp": 1, "fn": 1, "fp": 1}}
    summary = {"n": 5, "micro_f1": 0.5, "macro_f1": 0.5, "polarity_accuracy": 1.0, "urgent_recall": 2 / 3,
               "urgent_precision": 2 / 3, "urgent_support": 3, "urgent_predicted": 3}
    card = {"model_version": "t", "sets": {"real-held-out": {"all": summary, "short": summary,
                                                             "by_source": {"web-*": summary},
                                                             "urgent_by_reason": table}}}
    text = format_scorecard(card)
    assert "short (<=60)" in text and "web-*" in text
    assert "safety       tp   1  fn   1  fp   1" in text


def test_urgent_context_cues_count_outcomes_thanks_and_news() -> None:
    """The urgent stacker's context cues: an outcome and a fault; thanks (感谢, 抢救过来, 转危为安, 锦旗); news."""
    from analysis.normalize import normalize
    from analysis.urgent import CUES, cue_counts

    def cues(text: str) -> dict[str, int]:
        return dict(zip(CUES, cue_counts(normalize(text)), strict=True))

    death = cues("父亲在急诊等了三个小时没人管，最后抢救无效去世了")
    assert death["outcome"] == 2 and death["fault"] == 1 and death["thanks"] == 0
    rescue = cues("感謝急診科連夜搶救過來，轉危為安，送上錦旗")  # traditional script is normalised first
    assert rescue["thanks"] == 4 and rescue["outcome"] == 0
    assert cues("据报道，某地医院发生医闹事件，警方已介入")["reported"] == 2
    assert sum(cue_counts(normalize("医生很好"))) == 0
