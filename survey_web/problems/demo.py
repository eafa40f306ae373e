"""The demo hospital's specific problems: two months of recognisable complaints and their history.

`seed_voices` adds, to the random demo comments, the comments of a few concrete problems in the
two months before the current one (pending: the classifier labels them like any other comment).
`seed_history`, run after classification, generates the earlier month's lists and closes (销号)
the hot-water problem there, so that last month shows new, rising and recurring problems.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from sqlalchemy import select

from analysis.ledger import ItemStatus
from analysis.problem_list import shift_month

from .. import banks
from ..extensions import db
from ..models import Comment, Hospital, Response, utcnow
from ..models.problems import ProblemList
from ..timeutil import month_window, this_month
from .generate import generate_hospital

HOT_WATER = ["心内科病房晚上没有热水，洗不了澡", "五楼病房夜里热水就停了，家属没法洗漱", "晚上十点以后病房就没热水了",
             "病区热水时有时无，晚上根本没有热水", "夜间没有热水，陪护的家属只能用冷水", "病房开水间晚上没热水",
             "住院这几天晚上都没有热水洗澡", "5楼热水器坏了，晚上一直没热水", "热水供应太差了，晚上洗澡都没有热水"]
MACHINES = ["门诊自助机老是故障，也没人指导", "门诊大厅自助机坏了好几台，没有人帮忙", "自助挂号机经常黑屏，旁边没有工作人员",
            "自助机不会用，找不到人问", "自助缴费机故障多，排了半天队", "自助机刷医保卡总失败，旁边没人指导",
            "老人不会用自助机，也没有志愿者帮忙", "自助机故障，只能去窗口重新排队", "门诊自助机太少还经常坏"]
LIFT = ["住院部电梯太少了，等了二十分钟", "电梯总是满的，推轮椅根本进不去", "骨科病区电梯等很久，上下楼太难了",
        "住院楼电梯坏了一台，等了好久"]
FOOD = ["送来的饭菜都是凉的", "病号饭太咸了，老人吃不下", "饭菜送到病房已经凉透了", "食堂的饭菜又凉又油腻"]
TOILETS = ["门诊厕所太脏了，还很臭", "门诊卫生间没有纸，也没有洗手液", "厕所里没有洗手液，味道很大", "门诊一楼厕所又脏又臭"]
# (department code, texts, comments two months ago, comments last month)
PLAN = [("CARD", HOT_WATER, 5, 9), ("OPD", MACHINES, 2, 16), ("ORTH", LIFT, 0, 4), ("CARD", FOOD, 4, 4),
        ("OPD", TOILETS, 0, 4)]


def seed_voices(hospital: Hospital, seed: int = 14) -> int:
    """Add the comments of the planned problems (pending) to the two months before this one."""
    rng = random.Random(seed)
    departments = {d.code: d for d in hospital.departments}
    made = 0
    for back, column in ((2, 0), (1, 1)):
        start, end = month_window(shift_month(this_month(), -back))
        for code, texts, *counts in PLAN:
            points = departments[code].points
            for i in range(counts[column]):
                point = points[i % len(points)]
                version = banks.ensure_version(banks.current(point.bank_code))
                when = start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds()) - 1))
                response = Response(point_id=point.id, bank_version_id=version, role="patient", language="zh_CN",
                                    mode="self", started_at=when - timedelta(minutes=4), submitted_at=when,
                                    submission_key=uuid.UUID(int=rng.getrandbits(128)).hex, contact_consent=False)
                response.comment = Comment(text=texts[i % len(texts)], created_at=when, status="pending")
                db.session.add(response)
                made += 1
    db.session.commit()
    return made


def seed_history(hospital: Hospital) -> None:
    """Generate the lists of two months ago and close its hot-water problem (after classification)."""
    month = shift_month(this_month(), -2)
    generate_hospital(hospital.id, month)
    hospital_list = db.session.scalar(select(ProblemList).where(
        ProblemList.hospital_id == hospital.id, ProblemList.scope_key == 0, ProblemList.month == month))
    for item in hospital_list.items:
        if item.source == "cluster" and "热水" in (item.evidence or {}).get("title", "") \
                and item.status == ItemStatus.DRAFT:
            item.status, item.closed_at = ItemStatus.CLOSED, utcnow()
            item.measure = "后勤保障部检修心内科病区热水系统，更换5楼热水器"
            item.owner_office, item.measure_taken = "后勤保障部", "已更换5楼热水器并调整夜间供水时间"
            item.closure_evidence = "维修单及病区护士长确认"
    db.session.commit()

