"""Hotline work orders in the demo hospital: two months of 12345 and 12320 exports imported as a complaint
office would, most older orders answered (so the replies download has content), some left overdue."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from ...extensions import db
from ...models import Hospital, HotlineOrder, User, utcnow
from ...timeutil import local
from .. import cases
from . import formats, samples
from .checking import BRACKETS, WARD_SUFFIX
from .importing import import_file

REPLIES = ("已电话联系市民，说明情况并致歉，科室已组织整改。", "已核实，向来电人解释收费明细，多收部分已退还。",
           "已答复来电人：门诊已增加自助机和引导志愿者，高峰时段增开窗口。",
           "已联系来电人，护理部对相关护士进行了服务规范培训。")


def _office_user(hospital: Hospital) -> User | None:
    for role in ("complaints", "quality"):
        user = db.session.scalar(select(User).where(User.hospital_id == hospital.id, User.role == role).limit(1))
        if user:
            return user
    return None


def ensure_hotline_orders(hospital: Hospital, per_platform: int = 24, seed: int = 12345) -> list[int]:
    """Import this and last month's demo exports (orders already there are skipped) and answer most orders
    older than a week; returns the new cases' ids (the caller commits and has them classified)."""
    user = _office_user(hospital)
    # As a platform writes them: "心血管内科", not the hospital's "心血管内科病区（5楼）".
    names = [WARD_SUFFIX.sub("", BRACKETS.sub("", d.name)) for d in hospital.departments]
    start = local(utcnow()).replace(day=1, hour=8, minute=0, second=0, microsecond=0, tzinfo=None)
    start = (start - timedelta(days=1)).replace(day=1)
    made: list[int] = []
    for offset, name in enumerate(("12345", "12320")):
        fmt = formats.get(name)
        records = samples.rows(fmt, per_platform, hospital.name, names, start, seed=seed + offset)
        latest = local(utcnow()).replace(tzinfo=None) - timedelta(hours=2)
        records = [r for r in records if datetime.strptime(r["called_at"], "%Y-%m-%d %H:%M:%S") < latest]
        data = samples.to_xlsx(fmt, records, title=f"{fmt.label} 工单导出")
        made += import_file(hospital, data, f"demo-{name}.xlsx", format_name=name, user=user).case_ids
    db.session.flush()
    if user:
        _answer(hospital, user, made, random.Random(seed))
    return made


def _answer(hospital: Hospital, user: User, case_ids: list[int], rng: random.Random) -> None:
    week_ago = utcnow() - timedelta(days=7)
    orders = db.session.scalars(select(HotlineOrder).where(HotlineOrder.case_id.in_(case_ids or [-1]))
                                .order_by(HotlineOrder.called_at))
    for order in orders:
        if order.called_at.replace(tzinfo=None) > week_ago.replace(tzinfo=None) or rng.random() > 0.85:
            continue
        case, text = order.case, rng.choice(REPLIES)
        cases.record_outcome(case, text, by=user)
        cases.reply(case, text, by=user, at=order.called_at + timedelta(days=rng.randint(1, 4)))
