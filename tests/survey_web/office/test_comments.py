"""Comment review: filters and paging, masked text, staff corrections kept apart, the labels export."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from analysis.corpus import parse_example
from analysis.taxonomy import CODES
from survey_web.extensions import db as _db
from survey_web.models import AuditEvent, CommentTheme

from .world import add_response, at, csrf_of, login, make_world


@pytest.fixture
def world(app, db):
    w = make_world()
    w.parking = add_response(w.card_point, at("2025-10"), comment="停车太难了，请回电13812345678",
                             themes={"parking": "neg"})
    w.praise = add_response(w.card_point, at("2025-10"), comment="护士很耐心", themes={"nursing": "pos"},
                            mode="volunteer_assisted")
    w.orth_comment = add_response(w.orth_point, at("2025-10"), comment="骨科病房太吵了", themes={"environment": "neg"})
    w.september = add_response(w.card_point, at("2025-09"), comment="九月的停车问题", themes={"parking": "neg"})
    w.urgent = add_response(w.card_point, at("2025-10"), comment="护士拿错药了", themes={"medication": "neg"},
                            urgent="safety")
    return w


def listed(client, query: str = "") -> str:
    reply = client.get(f"/office/comments{query}")
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("?month=2025-10", ["停车太难了", "骨科病房"], ["九月的停车问题"]),
    ("?theme=parking&polarity=neg", ["停车太难了", "九月的停车问题"], ["护士很耐心", "骨科病房"]),
    ("?polarity=pos", ["护士很耐心"], ["停车太难了"]),
    ("?urgent=yes", ["护士拿错药了"], ["停车太难了"]),
    ("?urgent=no", ["停车太难了"], ["护士拿错药了"]),
    ("?mode=volunteer_assisted", ["护士很耐心"], ["停车太难了"]),
])
def test_filters_narrow_the_list(app, world, query, shown, hidden):
    """Month, theme with polarity, urgent and mode each narrow the list."""
    client = app.test_client()
    login(client, "quality")
    page = listed(client, query)
    for text in shown:
        assert text in page, (query, text)
    for text in hidden:
        assert text not in page, (query, text)


def test_department_and_point_filters_and_scope(app, world):
    """Filters by department and point; a department head sees only theirs, even with a guessed filter."""
    client = app.test_client()
    login(client, "quality")
    assert "停车太难了" not in listed(client, f"?department={world.orth.id}")
    assert "骨科病房" in listed(client, f"?point={world.orth_point.id}")
    head = app.test_client()
    login(head, "card")
    page = listed(head, f"?department={world.orth.id}")
    assert "骨科病房" not in page and "停车太难了" in page, "a department outside the choices is ignored"


def test_paging(app, world):
    """Fifty comments a page, newest first, with links to the next page."""
    for i in range(55):
        add_response(world.orth_point, at("2025-11"), comment=f"第{i:02d}条意见", commit=False)
    _db.session.commit()
    client = app.test_client()
    login(client, "quality")
    first, second = listed(client, "?month=2025-11"), listed(client, "?month=2025-11&page=2")
    assert first.count("条意见") == 50 and second.count("条意见") == 5
    assert "第 1 / 2 页 · 共 55 条" in first and "page=2" in first and "month=2025-11" in first


def test_phone_numbers_are_masked_on_screen_and_in_exports(app, world):
    """The list, the detail page and both exports show 138****5678, never the number."""
    client = app.test_client()
    login(client, "quality")
    pages = [listed(client), client.get(f"/office/comments/{world.parking.comment.id}").get_data(as_text=True)]
    csv_body = client.get("/office/comments/export.csv").get_data().decode("utf-8-sig")
    book = load_workbook(io.BytesIO(client.get("/office/comments/export.xlsx").get_data()))
    xlsx_text = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value)
    for text in [*pages, csv_body, xlsx_text]:
        assert "13812345678" not in text and "138****5678" in text


def test_export_defends_against_formula_injection(app, world):
    """A comment starting with = is exported as text, not as a formula."""
    add_response(world.card_point, at("2025-10"), comment='=HYPERLINK("http://evil","点我")')
    client = app.test_client()
    login(client, "quality")
    csv_body = client.get("/office/comments/export.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_body
    book = load_workbook(io.BytesIO(client.get("/office/comments/export.xlsx").get_data()))
    cells = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.value.startswith("'=") and c.data_type == "s" for c in cells)


def _correct(client, comment_id: int, labels: dict[str, str], note: str = ""):
    page = f"/office/comments/{comment_id}"
    data = {f"theme_{code}": labels.get(code, "") for code in CODES} | {"note": note}
    return client.post(f"{page}/themes", data={"csrf_token": csrf_of(client, page), **data})


def test_correction_is_kept_apart_from_the_model_and_audited(app, world):
    """Staff labels go in as source='staff'; model rows stay; filters follow the correction; reset undoes it."""
    client = app.test_client()
    login(client, "card")
    comment_id = world.parking.comment.id
    reply = _correct(client, comment_id, {"parking": "neg", "communication": "neg"}, note="也在抱怨没人解释")
    assert reply.status_code == 302
    rows = {(t.theme, t.polarity, t.source) for t in _db.session.scalars(
        select(CommentTheme).where(CommentTheme.comment_id == comment_id))}
    assert rows == {("parking", "neg", "model"), ("parking", "neg", "staff"), ("communication", "neg", "staff")}
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "correct_themes"))
    assert event.before == {"themes": {"parking": "neg"}} and event.after["themes"] == {"parking": "neg",
                                                                                        "communication": "neg"}
    assert event.user_id == world.users["card"].id
    assert "停车太难了" in listed(client, "?theme=communication&reviewed=yes")
    assert _correct(client, comment_id, {}).status_code == 302
    assert "停车太难了" not in listed(client, "?theme=parking"), "reviewed with no theme: the model's no longer counts"
    page = f"/office/comments/{comment_id}"
    assert client.post(f"{page}/reset", data={"csrf_token": csrf_of(client, page)}).status_code == 302
    assert "停车太难了" in listed(client, "?theme=parking&reviewed=no")


def test_bad_polarity_is_refused(app, world):
    """Only pos, neg or nothing may be posted for a theme."""
    client = app.test_client()
    login(client, "quality")
    page = f"/office/comments/{world.parking.comment.id}"
    reply = client.post(f"{page}/themes", data={"csrf_token": csrf_of(client, page), "theme_parking": "maybe"})
    assert reply.status_code == 400


def test_export_labels_command_writes_masked_corpus_lines(app, world, tmp_path):
    """`flask export-labels` writes reviewed comments in the corpus format, text masked, model labels beside."""
    client = app.test_client()
    login(client, "quality")
    _correct(client, world.parking.comment.id, {"parking": "neg", "attitude": "neg"})
    _correct(client, world.praise.comment.id, {})
    out = tmp_path / "labels.jsonl"
    result = app.test_cli_runner().invoke(args=["export-labels", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [world.parking.comment.id, world.praise.comment.id]
    first = lines[0]
    assert first["themes"] == {"parking": "neg", "attitude": "neg"} and first["model_themes"] == {"parking": "neg"}
    assert "13812345678" not in first["text"] and "138****5678" in first["text"]
    assert lines[1]["themes"] == {} and lines[1]["model_themes"] == {"nursing": "pos"}
    for line in lines:
        parse_example(line, set(CODES))


def search(client, keyword: str, export: str | None = None) -> str:
    """The comment list (or its CSV export) for a keyword search, as text: the keyword is posted (it is
    kept in the session, never in a URL), then the list or export is fetched."""
    client.post("/office/comments", data={"csrf_token": csrf_of(client, "/office/"), "q": keyword})
    reply = client.get(f"/office/comments{'/export.' + export if export else ''}")
    assert reply.status_code == 200
    return reply.get_data().decode("utf-8-sig")


def test_search_cannot_recover_masked_digits(app, world):
    """A keyword is matched against the masked text: digit-by-digit probing of 138****5678 finds nothing."""
    add_response(world.card_point, at("2025-10"), comment="身份证110101199003071234，请核实")
    client = app.test_client()
    login(client, "quality")
    assert "停车太难了" in search(client, "138")
    for probe in ("1381", "13812345678", "请回电1381234", "12345678"):
        assert "停车太难了" not in search(client, probe), probe
    assert "停车太难了" in search(client, "138****5678") and "停车太难了" in search(client, "回电138")
    assert "核实" not in search(client, "110101199003071234", export="csv")
    assert "核实" not in search(client, "19900307", export="csv")
    assert "核实" in search(client, "核实", export="csv")


def test_keyword_searches_are_audited_without_the_number(app, world):
    """Every keyword search and export leaves an audit event: who, the keyword redacted, digits, matches."""
    client = app.test_client()
    login(client, "quality")
    search(client, "1381234")
    search(client, "停车", export="csv")
    events = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "comments.search")
                                 .order_by(AuditEvent.id)).all()
    assert [e.after["digits"] for e in events] == [7, 0]
    assert events[0].after["q"] == "138****" and events[0].after["matches"] == 0
    assert events[1].after == {"q": "停车", "digits": 0, "matches": 2, "export": "csv"}
    assert all(e.user_id == world.users["quality"].id for e in events)


def test_confirm_queue_lists_unreviewed_uncertain_comments_least_sure_first(app, world):
    """请确认 shows unreviewed comments over the uncertainty floor, the least sure first."""
    from survey_web.models import Comment

    sure = add_response(world.card_point, at("2025-10"), comment="食堂的饭菜很好吃", themes={"food": "pos"})
    unsure = {world.parking.comment.id: 0.95, world.orth_comment.comment.id: 0.6,
              world.praise.comment.id: 0.8, sure.comment.id: 0.05}
    for comment_id, value in unsure.items():
        _db.session.get(Comment, comment_id).uncertainty = value
    _db.session.commit()
    client = app.test_client()
    login(client, "quality")
    _correct(client, world.praise.comment.id, {"nursing": "pos"})  # reviewed: leaves the queue
    page = listed(client, "?reviewed=confirm")
    assert page.index("停车太难了") < page.index("骨科病房太吵了")
    assert "护士很耐心" not in page and "食堂的饭菜" not in page and "九月的停车问题" not in page
    assert "骨科病房太吵了" not in listed(client, "?reviewed=confirm&month=2025-09")
