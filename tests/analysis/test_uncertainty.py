"""Uncertainty sampling: the closest call decides, and the ranking puts the least sure first."""

from __future__ import annotations

import numpy as np

import analysis
from analysis.evidence import Stacker, best_clause, length_feature, stack_features
from analysis.uncertainty import least_sure, uncertainty


def test_uncertainty_is_one_at_a_threshold_and_falls_with_the_margin() -> None:
    """A probability on its theme's threshold is a coin toss; clear decisions are near zero."""
    thresholds = np.array([0.0, 2.0])  # log-odds: p = 0.5 and p = 0.88
    probs = np.array([[0.5, 0.01], [0.99, 0.01], [0.99, 0.88], [0.7, 0.01]])
    u = uncertainty(probs, thresholds, np.array([0.001, 0.001, 0.001, 0.001]), 0.5)
    assert np.isclose(u[0], 1.0) and np.isclose(u[2], 1.0, atol=0.02)
    assert u[1] < 0.02 and u[1] < u[3] < u[0]
    assert np.isclose(uncertainty(probs[1:2], thresholds, np.array([0.2]), 0.2)[0], 1.0)  # the urgent call


def test_least_sure_orders_by_uncertainty_and_skips_unscored() -> None:
    """Ids come least sure first, ties in the given order, unscored ones left out, at most k."""
    scored = [("a", 0.1), ("b", 0.9), ("c", None), ("d", 0.9), ("e", 0.5)]
    assert least_sure(scored) == ["b", "d", "e", "a"]
    assert least_sure(scored, 2) == ["b", "d"]


def test_classifications_carry_uncertainty(model: analysis.Model) -> None:
    """Every classification has an uncertainty in [0, 1]; a no-subject comment is sure."""
    results = model.classify_many(["无", "停车太难了", "医生说话有点那个，检查也还行吧"])
    assert results[0].uncertainty == 0.0
    assert all(0.0 <= r.uncertainty <= 1.0 for r in results)
    assert "uncertainty" not in results[1].to_json_dict()


def test_best_clause_takes_the_strongest_clause_per_theme() -> None:
    """A comment's clause evidence is its best clause; comments without clauses keep their own score."""
    scores = np.array([[0.1, -1.0], [2.0, -3.0], [-0.5, 0.4]])
    doc = np.array([[9.0, 9.0], [7.0, 7.0]])
    out = best_clause([range(0, 3), range(3, 3)], scores, doc)
    assert out.tolist() == [[2.0, 0.4], [7.0, 7.0]]
    assert length_feature([range(0, 1), range(0, 16)]).tolist() == [0.0, 1.0]


def test_unfitted_stacker_passes_the_comment_score_through() -> None:
    """Before fitting (or for a theme with one class) the stacker's log-odds are the comment score."""
    doc = np.array([[1.5, -2.0]])
    feats = stack_features(doc, np.array([[3.0, 0.0]]), np.array([1.0]))
    assert np.allclose(Stacker(2).logit(feats), doc)


def test_urgent_threshold_is_the_highest_meeting_the_recall_target() -> None:
    """The threshold is the score of the positive that brings weighted recall to the target; zero-weight
    rows (written text when tuning on real) do not count."""
    from analysis.train import urgent_threshold

    prob = np.array([0.9, 0.8, 0.6, 0.3, 0.031, 0.5, 0.2, 0.99])
    y = np.array([1, 1, 1, 1, 1, 0, 0, 1])
    w = np.array([1, 1, 1, 1, 1, 1, 1, 0.0])
    assert urgent_threshold(prob, y, w, 0.8) == 0.3
    assert urgent_threshold(prob, y, w, 0.9) == 0.031
    assert urgent_threshold(prob, y, np.zeros(8), 0.9) == 0.5
