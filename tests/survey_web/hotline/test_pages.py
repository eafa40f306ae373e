"""The complaint office's hotline page: upload with a per-row report, the check-only mode, replies, access."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from redis import Redis
from sqlalchemy import func, select

from survey_web import jobs
from survey_web.complaints import cases
from survey_web.complaints.hotline import formats, samples
from survey_web.models import ComplaintCase, HotlineOrder

from ...conftest import REDIS_TEST_URL
from ..complaints.world import complaint_world, csrf_of, login
from .files import good, with_bad_rows

FMT = formats.get("12345")


@pytest.fixture
def world(app, db):
    return complaint_world()


def upload(client, data: bytes, filename: str, **fields):
    return client.post("/complaints/hotline", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(client, "/complaints/hotline"), "file": (io.BytesIO(data), filename), **fields})


def cases_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ComplaintCase))


def test_upload_shows_each_bad_row_and_stores_the_good_ones(client, world, db):
    """The complaint office uploads a 5,000-row-style export: the report lists row, column and reason in Chinese."""
    login(client, "tsb")
    records, bad = with_bad_rows()
    reply = upload(client, samples.to_xlsx(FMT, records), "12345工单.xlsx")
    assert reply.status_code == 302
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "导入 6 条" in page and "6 行有问题（未导入）" in page
    assert "<td class=\"num\">5</td><td>来电时间</td><td>“2026-13-45 25:00” 不是有效的日期时间" in page
    assert "<td class=\"num\">8</td><td>涉及单位/科室</td><td>“测试市人民医院/皮肤科” 不是本院科室" in page
    assert records[0]["phone"] not in page
    assert cases_count(db) == 6
    listing = client.get("/complaints/hotline").get_data(as_text=True)
    assert records[0]["order_no"] in listing and "12345工单.xlsx" in listing


def test_check_only_stores_nothing(client, world, db):
    """'Only check': the report, and no case, no import record."""
    login(client, "tsb")
    records, _bad = with_bad_rows()
    reply = upload(client, samples.to_csv(FMT, records, "gbk"), "a.csv", check_only="y")
    assert reply.status_code == 200 and "未保存任何数据" in reply.get_data(as_text=True)
    assert cases_count(db) == 0


def test_a_big_file_imports_and_each_case_waits_in_redis_for_classification(make_app, world, db):
    """A 1,500-row CSV (over the app's 256 KB form limit) imports through the page, and each new case's
    classification job waits in Redis with its id only (production mode: Redis and workers)."""
    redis = Redis.from_url(REDIS_TEST_URL)
    redis.flushdb()
    try:
        client = make_app(REDIS_URL=REDIS_TEST_URL).test_client()
        login(client, "tsb")
        data = samples.to_csv(FMT, good(count=1500))
        assert len(data) > 256 * 1024
        assert upload(client, data, "big.csv").status_code == 302 and cases_count(db) == 1500
        queued = jobs.queue(jobs.QUEUE_CLASSIFY, redis).jobs
        assert sorted(job.args[0] for job in queued) == sorted(db.session.scalars(select(ComplaintCase.id)))
        assert {(job.func_name, job.timeout, job.retries_left) for job in queued} == {
            ("survey_web.jobs.complaints.classify_case", jobs.JOB_TIMEOUT, 3)}
    finally:
        redis.flushdb()


def test_with_redis_down_the_orders_are_stored_and_wait_for_the_sweeper(make_app, world, db):
    """Redis unreachable after the commit: the import still succeeds; the cases stay pending for the sweeper."""
    client = make_app(REDIS_URL="redis://127.0.0.1:1/0").test_client()
    login(client, "tsb")
    assert upload(client, samples.to_csv(FMT, good(count=3)), "a.csv").status_code == 302
    assert set(db.session.scalars(select(ComplaintCase.classify_status))) == {"pending"} and cases_count(db) == 3


def test_no_file_is_a_clear_message(client, world, db):
    """Submitting without a file: 400 with the form's message."""
    login(client, "tsb")
    reply = client.post("/complaints/hotline", data={"csrf_token": csrf_of(client, "/complaints/hotline")})
    assert reply.status_code == 400 and "请选择要导入的文件" in reply.get_data(as_text=True)


def test_replies_download_has_the_platform_columns(client, world, db):
    """After a reply, the download has 工单编号 ... 答复内容 and masks the caller."""
    login(client, "tsb")
    records = good(count=2)
    upload(client, samples.to_xlsx(FMT, records), "a.xlsx")
    order = db.session.scalar(select(HotlineOrder).where(HotlineOrder.order_no == records[0]["order_no"]))
    cases.record_outcome(order.case, "已整改", by=world.users["tsb"])
    cases.reply(order.case, "已电话答复市民，说明整改措施", by=world.users["tsb"])
    db.session.commit()
    reply = client.post("/complaints/hotline/replies", data={
        "csrf_token": csrf_of(client, "/complaints/hotline"), "platform": "12345", "kind": "xlsx"})
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(reply.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "工单编号" and rows[0][-3] == "答复内容"
    assert [r[0] for r in rows[1:]] == [records[0]["order_no"]] and rows[1][-3] == "已电话答复市民，说明整改措施"
    assert records[0]["phone"] not in str(rows)


@pytest.mark.parametrize(("username", "status"), [("card", 403), ("commission", 403), ("volunteer", 403)])
def test_only_the_offices_may_import(client, world, username, status):
    """Department heads, the commission and volunteers cannot open the hotline page."""
    login(client, username)
    assert client.get("/complaints/hotline").status_code == status


def test_another_hospitals_import_report_is_a_404(app, client, world, db):
    """H2's quality office cannot read H1's import report."""
    login(client, "tsb")
    location = upload(client, samples.to_csv(FMT, good(count=1)), "a.csv").headers["Location"]
    other = app.test_client()
    login(other, "quality2")
    assert other.get(location).status_code == 404 and client.get(location).status_code == 200


def test_the_case_page_shows_the_platform_deadline(client, world, db):
    """An imported order's case shows 平台办理时限 with the order number, overdue once it has passed."""
    login(client, "tsb")
    records = good(count=1)
    upload(client, samples.to_csv(FMT, records), "a.csv")
    order = db.session.scalar(select(HotlineOrder))
    page = client.get(f"/complaints/{order.case_id}").get_data(as_text=True)
    shown = re.search(r"平台办理时限</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert records[0]["order_no"] in shown and records[0]["due_at"][:16] in shown
    assert "已超期" in shown, "November's deadline has passed by December"
