"""Realistic platform exports (for the demo hospital, the tests and the benchmark): the columns and the
kind of text a 12345/12320 platform sends a hospital, in CSV (UTF-8 with BOM, or GBK) or XLSX."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta

from .formats import FIELDS, HotlineFormat

TEXTS = (
    ("市民来电反映：在{dept}排队挂号等候两个多小时，自助机故障无人处理，要求医院改进。", "投诉"),
    ("来电人称其母亲在{dept}住院期间，夜班护士态度生硬，呼叫铃响很久无人应答，希望核实处理。", "投诉"),
    ("市民反映医院停车场排队进场需要四十分钟，周边道路拥堵，建议增加车位或错峰预约停车。", "建议"),
    ("来电人反映在{dept}就诊时被多收检查费用，要求退费并给予解释。", "投诉"),
    ("市民反映预约挂号后到院仍需长时间等候，预约时段形同虚设，要求医院说明。", "投诉"),
    ("来电人称{dept}医生问诊不足三分钟，未解释病情和用药注意事项，诉求医院加强医患沟通。", "投诉"),
    ("市民反映门诊卫生间脏乱、缺少纸巾，老年人如厕不便，请医院整改。", "建议"),
    ("来电人反映住院部食堂饭菜价格高、品种少，患者订餐不方便。", "建议"),
    ("市民反映医院指示标识不清，在门诊楼和住院楼之间多次走错，希望增设导引。", "求助"),
    ("来电人反映{dept}的检查报告出具时间过长，等待一周仍未拿到。", "投诉"),
    ("市民咨询医保异地就医结算如何办理，医院收费窗口答复不一致。", "咨询"),
    ("来电人表扬{dept}医护人员耐心细致，特致电感谢。", "表扬"),
)
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"


def order_number(fmt: HotlineFormat, called: datetime, seq: int) -> str:
    prefix = "GD" if fmt.channel == "12345" else "WJ"
    return f"{prefix}{called:%Y%m%d}{seq:06d}"


def rows(fmt: HotlineFormat, count: int, hospital: str, departments: list[str], start: datetime,
         seed: int = 15) -> list[dict[str, object]]:
    """COUNT orders as {field: value}: calls spread over the days from START, due 5 days later (3 for 求助)."""
    rng = random.Random(seed)
    made = []
    for seq in range(1, count + 1):
        called = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 28))
        called = called.replace(hour=8 + called.hour % 10, second=0, microsecond=0)
        dept = rng.choice(departments)
        text, kind = rng.choice(TEXTS)
        due = (called + timedelta(days=3 if kind == "求助" else 5)).replace(hour=17, minute=30)
        where = rng.choice((f"{hospital}/{dept}", dept, hospital))
        made.append({"order_no": order_number(fmt, called, seq), "called_at": called.strftime("%Y-%m-%d %H:%M:%S"),
                     "text": text.format(dept=dept), "due_at": due.strftime("%Y-%m-%d %H:%M:%S"),
                     "caller": rng.choice(SURNAMES) + rng.choice(("先生", "女士")),
                     "phone": f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}", "department": where,
                     "order_type": kind})
    return made


def headings(fmt: HotlineFormat) -> list[str]:
    return [fmt.heading(field) for field in FIELDS if field in fmt.columns]


def to_csv(fmt: HotlineFormat, records: list[dict], encoding: str = "utf-8-sig") -> bytes:
    """RECORDS as the platform's CSV (ENCODING "utf-8-sig" or "gbk")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings(fmt))
    for record in records:
        writer.writerow([record.get(field, "") for field in FIELDS if field in fmt.columns])
    return buffer.getvalue().encode(encoding)


def to_xlsx(fmt: HotlineFormat, records: list[dict], title: str | None = None) -> bytes:
    """RECORDS as the platform's XLSX, a title row above the header as platforms write it; a value
    starting with "=" is written as what the platform would hold (a formula cell)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "工单"
    if title:
        sheet.append([title])
    sheet.append(headings(fmt))
    for record in records:
        sheet.append([record.get(field, "") for field in FIELDS if field in fmt.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
