"""Findings in the demo hospital: a patient forum, a 两代表一委员 meeting, supervisors' visits and staff
walk-throughs of the last two months, on the themes the survey also hears about."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Finding, Hospital
from ..timeutil import today
from .records import NewFinding, record

# (days ago, source, department code or None, themes, text, serious)
FINDINGS = (
    (50, "forum", None, ("parking", "waiting"), "座谈会上多位家属反映早高峰停车排队超过半小时，建议开放职工停车场并错峰预约。", False),
    (50, "forum", "CARD", ("communication",), "患者代表反映出院时医生交代用药讲得太快，希望有书面的用药指导单。", False),
    (43, "deputies", None, ("elderly", "digital"), "人大代表转达：老年患者不会用手机预约，现场人工挂号窗口太少。", True),
    (43, "deputies", None, ("billing",), "政协委员反映门诊缴费需在多个楼层来回跑，建议推行诊间支付。", False),
    (35, "supervisor", "ED", ("environment", "privacy"), "行风监督员暗访：急诊留观区拥挤，患者隐私遮挡不足。", False),
    (28, "walkthrough", None, ("wayfinding",), "职工就医体验：从门诊楼到影像科的指示牌中断两处，轮椅通道被杂物阻挡。", False),
    (21, "walkthrough", "OPD", ("waiting", "tests"), "体验门诊抽血流程：早上七点半排队四十分钟，叫号屏与实际顺序不一致。", False),
    (14, "supervisor", None, ("attitude", "ethics"), "行风监督员反映收费窗口有工作人员对老人语气生硬，并有推销自费项目的情况。", True),
    (9, "forum", None, ("food",), "住院患者座谈：病号饭偏咸、送餐不准时，糖尿病饮食选择少。", False),
    (5, "walkthrough", None, ("facilities", "elderly"), "体验门诊卫生间：无障碍卫生间门锁损坏，缺少扶手和呼叫铃。", False),
)


def ensure_findings(hospital: Hospital) -> int:
    """Record the demo findings unless the hospital has findings already; returns how many were added."""
    if db.session.scalar(select(func.count()).select_from(Finding).where(Finding.hospital_id == hospital.id)):
        return 0
    departments = {d.code: d.id for d in hospital.departments}
    day = today()
    for days_ago, source, department, themes, text, serious in FINDINGS:
        record(hospital.id, NewFinding(source, day - timedelta(days=days_ago), departments.get(department or ""),
                                       themes, text, serious))
    return len(FINDINGS)
