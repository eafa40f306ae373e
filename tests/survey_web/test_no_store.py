"""Staff pages and every export say `Cache-Control: no-store`: patient comments stay out of browser and proxy
caches; public survey pages may be cached as before."""

from __future__ import annotations

from .test_auth import login, make_user

STAFF_URLS = ["/staff/account", "/staff/account/password", "/office/", "/office/comments", "/office/comments/export.csv",
              "/office/comments/export.xlsx", "/office/urgent", "/office/problems", "/dashboard/",
              "/dashboard/indicators.csv", "/dashboard/indicators.xlsx", "/dashboard/indicators.json",
              "/dashboard/reports", "/dashboard/reports?format=xlsx", "/dashboard/reports?format=pdf", "/admin/",
              "/admin/audit", "/commission/"]


def test_staff_pages_and_exports_are_not_stored(app, db, client):
    """Every staff page and export, for an admin, carries no-store."""
    make_user(role="admin", username="admin")
    login(client, username="admin")
    for url in STAFF_URLS:
        reply = client.get(url)
        assert reply.status_code == 200, (url, reply.status_code)
        assert reply.headers.get("Cache-Control") == "no-store", url
    assert client.get("/staff/login").headers.get("Cache-Control") == "no-store"
