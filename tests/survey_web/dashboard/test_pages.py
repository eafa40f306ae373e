"""The pages: a month at a glance, drill-down, the half-year summary and the ledger panels."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from survey_web.extensions import db as _db
from survey_web.models import UrgentAlert
from survey_web.models.problems import ProblemItem, ProblemList

from .world import beijing, login, make_world, many, respond


@pytest.fixture
def world(app, db):
    world = make_world()
    when = beijing(2025, 10, 12)
    many(world.card_point, when, 30, {"overall": 5, "nurse_communication": 4, "recommend": "willing"})
    many(world.card_point, when, 6, {"overall": 2, "nurse_communication": 2, "recommend": "unsure"},
         mode="volunteer_assisted")
    many(world.orth_point, when, 12, {"overall": 3, "nurse_communication": 1})
    respond(world.card_point, when, {"overall": 5}, comment="王医生很耐心，谢谢李护士长",
            themes={"attitude": "pos", "nursing": "pos"})
    respond(world.orth_point, when, {"overall": 1}, comment="骨科晚上太吵，停车也难",
            themes={"environment": "neg", "parking": "neg"})
    urgent = respond(world.orth_point, when, {"overall": 1}, comment="护工推床撞到老人没人管",
                     themes={"safety": "neg"}, urgent=True)
    _db.session.add(UrgentAlert(comment_id=urgent.comment.id, reason="safety"))
    praise = respond(world.orth_point, when, {"overall": 5}, comment="护士发药前核对腕带很仔细",
                     themes={"safety": "pos"}, urgent=True)
    _db.session.add(UrgentAlert(comment_id=praise.comment.id, reason="safety", false_alarm=True))
    many(world.card_point, beijing(2025, 9, 12), 40, {"overall": 4, "nurse_communication": 5})
    return world


def page(client, url: str) -> str:
    reply = client.get(url)
    assert reply.status_code == 200, url
    return reply.get_data(as_text=True)


def test_month_at_a_glance(app, world):
    """Headline figures with intervals, by mode, a trend, departments best to worst, the heat map, urgent items."""
    client = app.test_client()
    login(client, "quality")
    html = page(client, "/dashboard/?month=2025-10")
    assert "满意度" in html and "自填与志愿者协助对比" in html
    assert html.count('<svg class="chart"') == 2 and '<table class="heat" id="heat"' in html  # trend, units, heat
    assert re.search(r'<svg class="chart" id="trend"[^>]*role="img"[^>]*aria-labelledby="trend-t trend-d"', html)
    assert "<title id=\"departments-t\">" in html and '<p class="note" id="heat-d">' in html
    assert html.index("心内科", html.index('id="departments"')) < html.index("骨科", html.index('id="departments"'))
    assert "护工推床撞到老人" in html and "患者安全" in html
    assert "核对腕带" not in html, "a false alarm closed by the office is not listed as urgent"
    assert "较 2025-09 下降最多的维度" in html


def test_small_n_figures_are_greyed(app, world):
    """ORTH has 15 respondents and the assisted mode 6: both are greyed, hatched in charts, and unranked."""
    client = app.test_client()
    login(client, "quality")
    html = page(client, "/dashboard/?month=2025-10")
    assert 'url(#departments-hatch)' in html
    row = re.search(r'<tr class="small-n">.*?</tr>', html, re.S).group(0)
    assert "骨科" in row and "<td>–</td>" in row
    assert 'class="fig small-n"' in html


def test_pages_obey_the_content_security_policy(app, world):
    """No inline style or script and nothing from another host: charts are inline SVG drawn on the server."""
    client = app.test_client()
    login(client, "commission")
    urls = ["/commission/?month=2025-10", "/dashboard/reports?period=2026H1",
            "/dashboard/responses?month=2025-10"]
    login_quality = app.test_client()
    login(login_quality, "quality")
    htmls = [page(client, url) for url in urls] + [page(login_quality, "/dashboard/?month=2025-10")]
    for html in htmls:
        assert " style=" not in html and "<script" not in html
        assert not re.search(r'(src|href)="(https?:)?//', html.replace('xmlns="http://www.w3.org/2000/svg"', ""))


def test_every_figure_drills_down_to_its_responses(app, world):
    """The department, mode, dimension and theme links lead to exactly the responses behind the figure."""
    client = app.test_client()
    login(client, "quality")
    html = page(client, "/dashboard/?month=2025-10")
    links = set(re.findall(r'href="(/dashboard/responses\?[^"]+)"', html))
    assert any(f"department={world.orth.id}" in link and "theme=parking" in link for link in links)
    by_dept = page(client, f"/dashboard/responses?month=2025-10&department={world.card.id}")
    assert "共 37 份" in by_dept
    assisted = page(client, "/dashboard/responses?month=2025-10&mode=volunteer_assisted")
    assert "共 6 份" in assisted
    unhappy = page(client, "/dashboard/responses?month=2025-10&question=nurse_communication&answer=rest")
    assert "共 18 份" in unhappy
    parking = page(client, f"/dashboard/responses?month=2025-10&department={world.orth.id}&theme=parking"
                           "&polarity=neg")
    assert "共 1 份" in parking and "停车也难" in parking and "王医生" not in parking
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_half_year_summary_page_pdf_and_xlsx(app, world):
    """The summary due 10 December covers June to November: indicators, ledger, praise by name, problems."""
    client = app.test_client()
    login(client, "quality")
    html = page(client, "/dashboard/reports?period=2025H2")
    assert "2025-06" in html and "2025-11" in html and "2025-12-10" in html
    assert "王医生" in html and "李护士长" in html and "心内科" in html
    assert "整改问题清单" in html and "存在的问题" in html
    pdf = client.get("/dashboard/reports?period=2025H2&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    xlsx = client.get("/dashboard/reports?period=2025H2&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")


def _ledger(world) -> None:
    problem_list = ProblemList(hospital_id=world.h1.id, scope_key=0, month="2025-10", responses=50)
    today = date.today()
    for status, deadline, problem in (("open", today + timedelta(days=20), "病房夜间噪音"),
                                      ("in_progress", today - timedelta(days=3), "停车难"),
                                      ("closed", today - timedelta(days=9), "卫生间清洁"),
                                      ("draft", None, "草稿事项")):
        problem_list.items.append(ProblemItem(key=problem, source="manual", origin_month="2025-10", problem=problem,
                                              status=status, deadline=deadline, owner_office="后勤保障部"))
    _db.session.add(problem_list)
    _db.session.commit()


def test_open_problem_list_items_and_closure_rate(app, world):
    """The dashboard lists open ledger items, overdue first; the commission sees 1 of 3 closed (33%)."""
    _ledger(world)
    client = app.test_client()
    login(client, "quality")
    html = page(client, "/dashboard/?month=2025-10")
    panel = html[html.index("未销号的整改事项"):]
    assert "(2)" in panel[:200] and panel.index("停车难") < panel.index("病房夜间噪音")
    assert "草稿事项" not in panel and "卫生间清洁" not in panel
    commission = app.test_client()
    login(commission, "commission")
    html = page(commission, "/commission/?month=2025-10")
    row = re.search(r"<tr[^>]*>\s*<td>[^<]*</td>\s*<td><a[^>]*>第一医院.*?</tr>", html, re.S).group(0)
    assert "33%" in row and "1/3" in row and "1 项超期" in row
