"""Role scoping of every figure: each role sees exactly its hospitals and departments, nothing else."""

from __future__ import annotations

import json

import pytest

from .world import beijing, login, make_world, many

URLS = ["/dashboard/?month=2025-10", "/dashboard/responses?month=2025-10", "/dashboard/reports?period=2026H1",
        "/dashboard/indicators.json?month=2025-10", "/commission/?month=2025-10"]


@pytest.fixture
def world(app, db):
    world = make_world()
    when = beijing(2025, 10, 12)
    many(world.card_point, when, 31, {"overall": 5}, comment="心内科护士很好", themes={"nursing": "pos"})
    many(world.orth_point, when, 32, {"overall": 3}, comment="骨科病房太吵", themes={"environment": "neg"})
    many(world.gen_point, when, 33, {"overall": 1}, comment="普外科排队太久", themes={"waiting": "neg"})
    return world


@pytest.mark.parametrize("username, allowed", [
    ("admin", URLS), ("quality", URLS[:4]), ("card", URLS[:4]), ("commission", URLS[1:3] + URLS[4:]),
    ("volunteer", []),
])
def test_each_role_reaches_only_its_pages(app, world, username, allowed):
    """Office roles get the dashboard; the commission its hospital view, reports and drill-down; volunteers none."""
    client = app.test_client()
    login(client, username)
    for url in URLS:
        assert client.get(url).status_code == (200 if url in allowed else 403), (username, url)


def test_signed_out_visitors_are_sent_to_sign_in(app, world):
    """No figure is public."""
    client = app.test_client()
    for url in URLS:
        assert client.get(url).status_code == 302


def _figures(client) -> dict:
    return json.loads(client.get("/dashboard/indicators.json?month=2025-10").get_data(as_text=True))


def test_quality_office_sees_its_own_hospital_only(app, world):
    """Every figure of the quality office of H1 is made of H1's 63 responses; H2's department never shows."""
    client = app.test_client()
    login(client, "quality")
    data = _figures(client)
    assert data["overall"]["n"] == 63 and {d["code"] for d in data["departments"]} == {"CARD", "ORTH"}
    assert {t["theme"] for t in data["themes"]} == {"nursing", "environment"}
    page = client.get("/dashboard/?month=2025-10").get_data(as_text=True)
    assert "心内科" in page and "骨科" in page and "普外科" not in page
    listing = client.get("/dashboard/responses?month=2025-10&comments=1").get_data(as_text=True)
    assert "共 63 份" in listing and "普外科排队太久" not in listing


def test_department_head_sees_their_department_only(app, world):
    """The head of cardiology: 31 responses, one department, no other department's comments or names."""
    client = app.test_client()
    login(client, "card")
    data = _figures(client)
    assert data["overall"]["n"] == 31 and [d["code"] for d in data["departments"]] == ["CARD"]
    assert [t["theme"] for t in data["themes"]] == ["nursing"]
    for url in ("/dashboard/?month=2025-10", "/dashboard/responses?month=2025-10&comments=1",
                "/dashboard/reports?period=2026H1"):
        page = client.get(url).get_data(as_text=True)
        assert "骨科" not in page and "普外科" not in page, url


def test_guessed_ids_outside_the_scope_are_not_found(app, world):
    """Drilling into another department, point or hospital is a 404, the same as one that does not exist."""
    client = app.test_client()
    login(client, "card")
    assert client.get(f"/dashboard/responses?month=2025-10&department={world.card.id}").status_code == 200
    for query in (f"department={world.orth.id}", f"point={world.orth_point.id}", f"hospital={world.h2.id}",
                  "department=99999"):
        assert client.get(f"/dashboard/responses?month=2025-10&{query}").status_code == 404, query


def test_commission_sees_its_hospitals_side_by_side(app, world):
    """A commission account overseeing H1 and H2 sees both, ranked, and H2's themes in its drill-down."""
    client = app.test_client()
    login(client, "commission")
    page = client.get("/commission/?month=2025-10").get_data(as_text=True)
    assert "第一医院" in page and "第二医院" in page
    assert page.index("第一医院") < page.index("第二医院")  # best first
    listing = client.get(f"/dashboard/responses?month=2025-10&hospital={world.h2.id}&comments=1")
    assert "排队" in listing.get_data(as_text=True) and "共 33 份" in listing.get_data(as_text=True)


def test_commission_gets_aggregated_themes_never_individual_comments(app, world):
    """PIPL art. 23: the commission's drill-down (any hospital, department or point) shows theme counts, never
    a comment, an answer sheet or a time; groups under 10 responses show nothing; its reports quote nobody."""
    many(world.card_point, beijing(2025, 10, 13), 3, {"overall": 5}, comment="感谢心内科王护士，非常耐心",
         themes={"nursing": "pos"})
    many(world.gen_point, beijing(2025, 11, 2), 4, {"overall": 2}, comment="普外科饭菜太凉", themes={"food": "neg"})
    client = app.test_client()
    login(client, "commission")
    urls = [f"/dashboard/responses?month=2025-10&hospital={world.h2.id}&comments=1",
            f"/dashboard/responses?month=2025-10&department={world.card.id}",
            f"/dashboard/responses?month=2025-10&point={world.orth_point.id}&comments=1",
            "/dashboard/responses?month=2025-10&theme=waiting&polarity=neg"]
    for url in urls:
        page = client.get(url).get_data(as_text=True)
        for text in ("普外科排队太久", "心内科护士很好", "骨科病房太吵", "王护士", "<time"):
            assert text not in page, (url, text)
    card = client.get(urls[1]).get_data(as_text=True)
    assert "护理" in card and ">34<" in card, "34 positive nursing mentions in cardiology"
    small = client.get(f"/dashboard/responses?month=2025-11&department={world.gen.id}").get_data(as_text=True)
    assert "饭菜" not in small and "不足 10 份" in small
    report = client.get("/dashboard/reports?period=2025H2").get_data(as_text=True)
    assert "王护士，非常耐心" not in report
    quality = app.test_client()
    login(quality, "quality")
    assert "王护士，非常耐心" in quality.get("/dashboard/reports?period=2025H2").get_data(as_text=True)


def test_bad_arguments_are_refused(app, world):
    """A malformed month, mode or period is a 400, never silently replaced by a default."""
    client = app.test_client()
    login(client, "quality")
    for url in ("/dashboard/?month=2025-13", "/dashboard/?mode=phone", "/dashboard/reports?period=2026H3",
                "/dashboard/responses?month=2025-10&answer=maybe"):
        assert client.get(url).status_code == 400, url
