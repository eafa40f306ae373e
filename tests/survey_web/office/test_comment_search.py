"""The comment keyword is posted and kept in the session: it never appears in a URL (proxy and server logs)."""

from __future__ import annotations

import pytest

from .world import add_response, at, csrf_of, login, make_world


@pytest.fixture
def world(app, db):
    w = make_world()
    add_response(w.card_point, at("2025-10"), comment="停车太难了", themes={"parking": "neg"})
    add_response(w.orth_point, at("2025-10"), comment="骨科病房太吵了", themes={"environment": "neg"})
    add_response(w.orth_point, at("2025-09"), comment="九月病房很干净", themes={"environment": "pos"})
    return w


def search(client, **fields):
    """Post the filter form as the browser does; returns the redirect."""
    return client.post("/office/comments", data={"csrf_token": csrf_of(client, "/office/comments"), **fields})


def test_keyword_is_posted_and_never_in_a_url(app, world):
    """The search redirects to a URL with the other filters but not the keyword; list, pages and exports
    use the keyword from the session; links on the page carry no keyword either."""
    client = app.test_client()
    login(client, "quality")
    reply = search(client, q="病房", month="2025-10")
    location = reply.headers["Location"]
    assert reply.status_code == 303 and "month=2025-10" in location
    assert "q=" not in location and "%E7%97%85" not in location
    page = client.get(location).get_data(as_text=True)
    assert "骨科病房太吵了" in page and "停车太难了" not in page and "九月病房很干净" not in page
    assert 'value="病房"' in page, "the search box shows the keyword in force"
    assert "q=" not in "".join(part.split('"')[0] for part in page.split('href="')[1:])
    csv_body = client.get("/office/comments/export.csv?month=2025-10").get_data().decode("utf-8-sig")
    assert "骨科病房太吵了" in csv_body and "停车太难了" not in csv_body


def test_a_keyword_in_the_url_is_ignored(app, world):
    """GET /office/comments?q=... does not search (old bookmarks and log-replayed URLs find nothing special)."""
    client = app.test_client()
    login(client, "quality")
    page = client.get("/office/comments?q=病房").get_data(as_text=True)
    assert "停车太难了" in page and "骨科病房太吵了" in page


def test_clear_forgets_the_keyword_and_wildcards_are_text(app, world):
    """Clear drops the keyword and the filters; % and _ in a keyword match themselves only."""
    client = app.test_client()
    login(client, "quality")
    search(client, q="%")
    assert "停车太难了" not in client.get("/office/comments").get_data(as_text=True)
    reply = search(client, q="%", clear="1")
    assert reply.headers["Location"].endswith("/office/comments")
    assert "停车太难了" in client.get("/office/comments").get_data(as_text=True)


def test_search_needs_csrf(app, world):
    """The search POST without the CSRF token is refused."""
    client = app.test_client()
    login(client, "quality")
    assert client.post("/office/comments", data={"q": "病房"}).status_code == 400
