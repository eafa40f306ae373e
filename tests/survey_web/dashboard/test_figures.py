"""Indicators computed in SQL from constructed responses: every figure checked against hand arithmetic."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from analysis.indicators import wilson
from survey_web.extensions import db as _db
from survey_web.jobs import wait_in_process
from survey_web.jobs.reporting import enqueue_warming
from survey_web.models.indicators import IndicatorPeriod
from survey_web.models.review import CommentReview
from survey_web.reporting.cube import warm
from survey_web.reporting.periods import Month
from survey_web.reporting.scope import Scope
from survey_web.reporting.service import month_report, trend

from .world import beijing, make_world, many, respond

OCTOBER = Month(2025, 10)


def indicators(app, *args) -> dict:
    result = app.test_cli_runner().invoke(args=["indicators", "--month", "2025-10", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads(result.output)


def october(world) -> None:
    """CARD: 30 self (20 satisfied with food n/a, 10 not), 10 assisted all satisfied; ORTH: 5, all satisfied."""
    when = beijing(2025, 10, 10)
    many(world.card_point, when, 20, {"overall": 5, "food": "na", "recommend": "willing"})
    many(world.card_point, when, 10, {"overall": 2, "food": 4, "recommend": "unwilling"})
    many(world.card_point, when, 10, {"overall": 4, "recommend": "willing"}, mode="volunteer_assisted", role="family")
    many(world.orth_point, when, 5, {"overall": 5})


def test_indicators_json_matches_hand_arithmetic(app, db):
    """Top-two-box without 不适用, 0-100 mean, Wilson on respondents, recommend share, modes and roles."""
    world = make_world()
    october(world)
    data = indicators(app, "--hospital", "H1")
    assert data["month"] == "2025-10"
    overall = data["overall"]
    # 45 respondents; scale answers: 45 overall + 10 food (20 n/a left out) = 55, of which 4-5: 35 + 10 = 45.
    assert (overall["n"], overall["answers"], overall["not_applicable"]) == (45, 55, 20)
    assert overall["satisfaction"] == round(45 / 55, 4)
    low, high = wilson(45 / 55 * 45, 45)
    assert (overall["low"], overall["high"]) == (round(low, 4), round(high, 4))
    assert overall["mean_score"] == round(((20 * 5 + 10 * 2 + 10 * 4 + 10 * 4 + 5 * 5) / 55 - 1) * 25, 1)
    assert overall["recommend"] == round(30 / 40, 4) and overall["recommend_n"] == 40
    self_ = overall["by_mode"]["self"]
    assisted = overall["by_mode"]["volunteer_assisted"]
    assert (self_["n"], self_["satisfaction"]) == (35, round(35 / 45, 4))
    assert (assisted["n"], assisted["satisfaction"], assisted["small_n"]) == (10, 1.0, True)
    difference = overall["mode_difference"]
    assert difference["value"] == round(35 / 45 - 1, 4) and not difference["comparable"]
    assert overall["by_role"]["family"]["n"] == 10 and overall["by_role"]["patient"]["n"] == 35


def test_small_departments_are_greyed_and_never_ranked(app, db):
    """ORTH has 5 respondents at 100%: listed after CARD, with no rank and small_n set."""
    world = make_world()
    october(world)
    departments = indicators(app, "--hospital", "H1")["departments"]
    assert [(d["code"], d["rank"], d["small_n"]) for d in departments] == [("CARD", 1, False), ("ORTH", None, True)]
    card = departments[0]
    assert (card["n"], card["satisfaction"]) == (40, round(40 / 50, 4))
    assert card["by_mode"]["volunteer_assisted"]["n"] == 10


def test_dimensions_and_questions(app, db):
    """The food question is answered 10 times (20 n/a); overall 45 times."""
    world = make_world()
    october(world)
    data = indicators(app, "--hospital", "H1")
    questions = {q["code"]: q for q in data["questions"]}
    assert (questions["food"]["n"], questions["food"]["satisfaction"], questions["food"]["not_applicable"]) == \
        (10, 1.0, 20)
    assert questions["food"]["small_n"] and questions["overall"]["n"] == 45
    dimensions = {d["code"]: d for d in data["dimensions"]}
    assert dimensions["overall"]["satisfaction"] == round(35 / 45, 4)
    assert "recommend" not in questions


def test_months_are_beijing_months(app, db):
    """23:30 on 31 October in Beijing is October although it is stored as 15:30 UTC; 00:30 on 1 November is not."""
    world = make_world()
    respond(world.card_point, beijing(2025, 10, 31, 23, 30), {"overall": 5})
    respond(world.card_point, beijing(2025, 11, 1, 0, 30), {"overall": 1})
    respond(world.card_point, beijing(2025, 10, 1, 0, 5), {"overall": 5})
    assert indicators(app)["overall"]["n"] == 2
    result = app.test_cli_runner().invoke(args=["indicators", "--month", "2025-11"])
    assert json.loads(result.output)["overall"]["satisfaction"] == 0.0


def test_closed_months_are_cached_and_recounted_when_a_late_response_arrives(app, db):
    """A closed month is counted once; a response stored for it afterwards (an import) is picked up."""
    world = make_world()
    october(world)
    with app.test_request_context("/"):
        first = month_report(Scope(), OCTOBER).report
        assert _db.session.scalar(select(IndicatorPeriod.period).where(IndicatorPeriod.period == "2025-10"))
        respond(world.orth_point, beijing(2025, 10, 20), {"overall": 1})
        again = month_report(Scope(), OCTOBER).report
        live = month_report(Scope(), OCTOBER, live=True).report
    assert first.respondents == 45 and again.respondents == 46 == live.respondents
    assert again.overall == live.overall and again.departments[0].indicator == live.departments[0].indicator


def test_running_month_from_cached_days_equals_counting_it_live(app, db):
    """Mid-month the closed days come from the cache and today is counted live; the sum is the same."""
    world = make_world()
    for day in (2, 9, 19, 20):
        many(world.card_point, beijing(2025, 10, day, 9), 3, {"overall": 4 if day % 2 else 2, "food": "na"})
    now = beijing(2025, 10, 20, 15)
    with app.test_request_context("/"):
        running = month_report(Scope(), OCTOBER, now=now).report
        live = month_report(Scope(), OCTOBER, live=True).report
    assert running.live and running.respondents == 12 == live.respondents
    assert running.overall == live.overall
    cached = set(_db.session.scalars(select(IndicatorPeriod.period)))
    assert {"2025-10-19", "2025-10~19"} <= cached and not {"2025-10-20", "2025-10"} & cached
    respond(world.orth_point, beijing(2025, 10, 9, 10), {"overall": 1})  # late, for a day already counted
    with app.test_request_context("/"):
        again = month_report(Scope(), OCTOBER, now=now).report
    assert again.respondents == 13 and again.departments[-1].name == "骨科"


def test_negative_mentions_use_effective_themes_per_100_responses(app, db):
    """Staff-reviewed comments count with the staff's themes (or none); per 100 responses, not comments."""
    world = make_world()
    when = beijing(2025, 10, 8)
    many(world.card_point, when, 7, {"overall": 4})
    respond(world.card_point, when, {"overall": 2}, comment="停车太难", themes={"parking": "neg"})
    respond(world.card_point, when, {"overall": 2}, comment="停车难，排队久", themes={"parking": "neg"},
            staff_themes={"parking": "neg", "waiting": "neg"})
    reviewed = respond(world.card_point, when, {"overall": 3}, comment="一般", themes={"attitude": "neg"})
    _db.session.add(CommentReview(comment_id=reviewed.comment.id))
    _db.session.commit()
    themes = {t["theme"]: t for t in indicators(app)["themes"]}
    assert themes["parking"]["negative"] == 2 and themes["parking"]["per_100"] == 20.0
    assert themes["waiting"]["per_100"] == 10.0 and "attitude" not in themes


@pytest.mark.parametrize("fmt, magic", [("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK")])
def test_indicators_files(app, db, tmp_path, fmt, magic):
    """CSV (with a BOM for Excel) and XLSX carry the same long table, one department's alone if asked."""
    world = make_world()
    october(world)
    out = tmp_path / f"x.{fmt}"
    result = app.test_cli_runner().invoke(args=["indicators", "--month", "2025-10", "--department", "CARD",
                                                "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    body = out.read_bytes()
    assert body.startswith(magic)
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        assert "心内科" in text and "骨科" not in text and "普外科" not in text


def test_indicators_command_refuses_bad_input(app, db):
    """A malformed month, an unknown department and a missing --month are errors, not empty figures."""
    make_world()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["indicators", "--month", "2025-13"]).exit_code != 0
    assert "no department" in runner.invoke(args=["indicators", "--month", "2025-10", "--department", "XX"]).output
    assert runner.invoke(args=["indicators"]).exit_code != 0


def test_warming_counts_what_the_dashboard_reads_before_anyone_opens_it(app, db):
    """After warm(), the default month, its trend, the month before and the running month's closed days
    are cached: the first view builds nothing, and warming again changes nothing."""
    world = make_world()
    october(world)
    many(world.card_point, beijing(2025, 9, 12), 4, {"overall": 3})
    many(world.card_point, beijing(2025, 11, 1, 9), 2, {"overall": 5})
    now = beijing(2025, 11, 2, 15)
    periods = warm(now)
    assert {"2025-10", "2025-09", "2024-10", "2025-11~01"} <= set(periods) and "2025-11-02" not in periods
    built = dict(_db.session.execute(select(IndicatorPeriod.period, IndicatorPeriod.built_at)).all())
    assert warm(now) == periods
    with app.test_request_context("/"):
        view = month_report(Scope(), OCTOBER, now=now)
        trend(view, Scope())
    assert view.report.respondents == 45
    assert dict(_db.session.execute(select(IndicatorPeriod.period, IndicatorPeriod.built_at)).all()) == built


def test_warming_job_fills_the_cache_in_the_background(app, db):
    """The worker's tick enqueues warming; the job counts last month into the cache (here in-process)."""
    world = make_world()
    last = Month.current().shift(-1)
    many(world.card_point, last.start + timedelta(days=3), 3, {"overall": 4})
    assert enqueue_warming()
    wait_in_process(app)
    cached = dict(_db.session.execute(select(IndicatorPeriod.period, IndicatorPeriod.responses)).all())
    assert cached[str(last)] == 3
