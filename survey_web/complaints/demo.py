"""Realistic complaints in the demo hospital, so a newcomer sees the feature: every channel, cases closed
with a call-back, replied, handed over, due soon, overdue and escalated; one serious."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import ComplaintCase, Hospital, User, utcnow
from . import cases, watch
from .classify import classify_pending_now

SEED = 20261205


@dataclass(frozen=True)
class Story:
    channel: str
    departments: tuple[str, ...]
    text: str
    days_ago: float
    state: str  # closed, replied, handed, open
    receiver: str = "complaints"  # username in the demo staff
    late: bool = False  # the reply came after the deadline
    serious: bool = False
    on_the_spot: bool = False


STORIES = [
    Story("onsite", ("OPD",), "在门诊二楼挂号窗口排队一个多小时，前面有人插队，工作人员也不管，老人站得腿都麻了。", 80, "closed"),
    Story("phone", ("CARD",), "我父亲住在5楼心内科，夜里按呼叫铃二十多分钟没有护士来，后来自己拔了输液针，家属很担心。", 75, "closed"),
    Story("letter", ("ORTH", "OPD"), "骨科手术前说好的自费耗材价格，出院结算时多了一千多元，没有人提前告知，要求解释并退还。", 70, "closed",
          late=True),
    Story("mailbox", ("ED",), "急诊科医生看病时一直玩手机，问诊不到两分钟就开检查单，态度非常敷衍。", 66, "closed"),
    Story("online", ("PHAR",), "药房窗口发药时没有说明用法，回家才发现两种药的剂量写反了，幸好没有吃错。", 60, "closed", serious=True),
    Story("12345", ("OPD",), "医院停车场入口长期排长队，周边道路堵到马路上，希望增加车位或者引导。", 55, "closed"),
    Story("12320", ("CARD",), "心内科病区的卫生间地面湿滑，没有防滑垫，我母亲差点摔倒。", 50, "closed"),
    Story("phone", ("OPD",), "预约了上午九点的号，十一点半才看上，叫号系统显示的顺序和实际不一致。", 45, "closed"),
    Story("onsite", ("ORTH",), "骨科病房陪护床收费不透明，护工说要另外给红包才给好的床位。", 40, "closed", serious=True),
    Story("online", ("OPD", "PHAR"), "在手机上缴费成功了，但药房说没有收到缴费记录，来回跑了三趟。", 35, "closed", late=True),
    Story("onsite", ("ED",), "急诊输液室座位不够，发烧的孩子只能站着输液。", 30, "closed", receiver="quality",
          on_the_spot=True),
    Story("mailbox", ("CARD",), "出院时护士没有交代复查时间，打电话问了三次都说不清楚。", 24, "replied"),
    Story("letter", ("ORTH",), "检查报告迟迟拿不到，说是系统故障，耽误了手术安排。", 20, "replied"),
    Story("12345", ("OPD",), "门诊自助机经常死机，老年人不会用，旁边也没有志愿者帮忙。", 16, "handed"),
    Story("phone", ("CARD", "ORTH"), "转科时两个科室互相推诿，病人在走廊等了三个小时没有床位。", 13, "handed"),
    Story("online", ("ED",), "急诊分诊护士说话很冲，家属问一句就被呵斥。", 9, "open"),
    Story("onsite", ("PHAR",), "取药排队太长，窗口只开了两个，等了五十分钟。", 6, "open"),
    Story("12320", ("OPD",), "医生开的检查太多，感觉是过度检查，想了解收费依据。", 4, "open"),
    Story("phone", ("CARD",), "病房晚上太吵，同病房的家属大声打电话，护士也不管。", 1.5, "open"),
    Story("mailbox", ("ORTH",), "骨科门诊医生解释病情很耐心，但是候诊区没有座位，建议增加椅子。", 0.5, "open"),
]
NAMES = ["王建国", "李秀英", "张伟", "刘芳", "陈军", "杨丽", "赵强", "黄敏", "周杰", "吴霞"]
REPLIES = ["已电话联系投诉人说明情况并致歉，科室已整改。", "已约投诉人面谈，解释处理意见，投诉人表示理解。",
           "已书面答复投诉人，告知调查结果和整改措施。"]
OUTCOMES = ["科室内部通报，相关人员再培训，纳入月度考核。", "调整排班和窗口设置，高峰时段增派人员。",
            "核对费用后退还多收部分，完善收费告知流程。", "增加防滑垫和提示标识，后勤每日巡查。"]


def _staff() -> dict[str, User]:
    names = ("complaints", "quality", "card", "orth")
    return {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))}


def generate_complaints(hospital: Hospital, now: datetime | None = None) -> int:
    """Add the demo complaints unless the hospital has cases already; returns how many were added."""
    if db.session.scalar(select(ComplaintCase.id).where(ComplaintCase.hospital_id == hospital.id).limit(1)):
        return 0
    rng = random.Random(SEED)
    now = now or utcnow()
    staff = _staff()
    office = staff["complaints"]
    departments = {d.code: d for d in hospital.departments}
    heads = {"CARD": staff.get("card"), "ORTH": staff.get("orth")}
    for story in STORIES:
        received = now - timedelta(days=story.days_ago, hours=rng.randint(0, 6))
        phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        case = cases.open_case(
            hospital_id=hospital.id, channel=story.channel, text=story.text, received_by=staff[story.receiver],
            departments=[departments[code] for code in story.departments], complainant=rng.choice(NAMES),
            contact=phone, contact_consent=rng.random() < 0.8, serious=story.serious,
            on_the_spot=story.on_the_spot, received_at=received)
        step = received
        head = heads.get(story.departments[0])
        if story.state in ("handed", "replied", "closed") and head is not None:
            step += timedelta(hours=rng.randint(1, 8))
            cases.hand_over(case, head, by=office, note="请科室核实情况并提出处理意见", at=step)
        if story.state in ("replied", "closed"):
            step += timedelta(days=12 if story.late else rng.randint(1, 4), hours=rng.randint(1, 5))
            cases.reply(case, rng.choice(REPLIES), by=head or office, at=step)
        if story.state == "closed":
            step += timedelta(days=rng.randint(1, 3))
            cases.record_outcome(case, rng.choice(OUTCOMES), by=head or office, at=step)
            step += timedelta(days=rng.randint(2, 5))
            cases.call_back(case, rng.choice(["satisfied", "satisfied", "basically", "dissatisfied"]), by=office,
                            at=step)
            cases.close(case, by=office, at=step + timedelta(minutes=20))
    db.session.commit()
    classify_pending_now()
    watch.check()  # the reminders and escalations the worker's tick would have recorded by now
    return len(STORIES)
