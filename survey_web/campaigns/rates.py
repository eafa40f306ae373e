"""Response rates: per campaign, ward and channel, how many were invited, reached, opened, answered, opted out;
and the satisfaction of invited respondents beside the QR respondents of the same wards.

A response rate below LOW_RESPONSE_RATE greys the invited respondents' satisfaction like n < 30 does: the
few who answer an invitation are not the patients who were invited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sqlalchemy import case, distinct, func, select

from analysis.indicators import Difference, Figure, difference, proportion

from ..extensions import db
from ..models import Answer, Campaign, Department, Invitation, Message, Response, SurveyPoint
from ..models.campaigns import MessageKind, MessageState

LOW_RESPONSE_RATE = 0.3
GROUPS = ("campaign", "ward", "channel")


@dataclass(frozen=True)
class Counts:
    key: tuple
    label: str
    invitations: int
    invited: int
    delivered: int
    opened: int
    answered: int
    opted_out: int
    unknown: int
    failed: int

    @property
    def rate(self) -> Figure:
        """Answered of invited, with its interval (greyed under 30 invited, like every figure)."""
        return proportion(self.answered, self.invited)

    @property
    def low_rate(self) -> bool:
        return self.rate.value is not None and self.rate.value < LOW_RESPONSE_RATE

    def as_dict(self) -> dict:
        return {"label": self.label, "invitations": self.invitations, "invited": self.invited,
                "delivered": self.delivered, "opened": self.opened, "answered": self.answered,
                "opted_out": self.opted_out, "unknown": self.unknown, "failed": self.failed,
                "response_rate": self.rate.as_dict(), "low_response_rate": self.low_rate}


def _state_count(state, *, delivered: bool = False):
    invite = Message.kind == MessageKind.INVITE
    condition = invite & (Message.delivered_at.is_not(None) if delivered else Message.state == state)
    return func.count(distinct(case((condition, Invitation.id))))


def counts(campaign_ids: list[int], by: str, department_ids: frozenset[int] | None = None) -> list[Counts]:
    """The funnel grouped BY 'campaign', 'ward' or 'channel' over CAMPAIGN_IDS (and DEPARTMENT_IDS if given)."""
    column = {"campaign": Invitation.campaign_id, "ward": Invitation.department_id,
              "channel": Invitation.channel}[by]
    query = (select(column,
                    func.count(distinct(Invitation.id)),
                    _state_count(MessageState.SENT),
                    _state_count(None, delivered=True),
                    func.count(distinct(case((Invitation.opened_at.is_not(None), Invitation.id)))),
                    func.count(distinct(case((Invitation.answered_at.is_not(None), Invitation.id)))),
                    func.count(distinct(case((Invitation.opted_out_at.is_not(None), Invitation.id)))),
                    _state_count(MessageState.UNKNOWN),
                    _state_count(MessageState.FAILED))
             .outerjoin(Message, Message.invitation_id == Invitation.id)
             .where(Invitation.campaign_id.in_(campaign_ids)).group_by(column).order_by(column))
    if department_ids is not None:
        query = query.where(Invitation.department_id.in_(department_ids))
    labels = _labels(by, campaign_ids)
    return [Counts((by, key), labels.get(key, str(key)), *values) for key, *values in db.session.execute(query)]


def _labels(by: str, campaign_ids: list[int]) -> dict:
    if by == "campaign":
        return dict(db.session.execute(select(Campaign.id, Campaign.name).where(Campaign.id.in_(campaign_ids))).all())
    if by == "ward":
        return dict(db.session.execute(select(Department.id, Department.name)).all())
    return {}


def _satisfaction(query) -> Figure:
    top, answers, respondents = db.session.execute(query).one()
    return proportion(int(top or 0), int(answers or 0), int(respondents or 0))


def _scored(*conditions):
    return (select(func.sum(case((Answer.score >= 4, 1), else_=0)), func.count(Answer.score),
                   func.count(distinct(Response.id)))
            .join(Response, Response.id == Answer.response_id).where(Answer.score.is_not(None), *conditions))


@dataclass(frozen=True)
class Comparison:
    """Invited respondents against QR respondents of the same wards over the campaign's discharges."""

    invited: Figure
    qr: Figure
    gap: Difference
    greyed: bool  # the invited figure rests on a low response rate


def compare(campaign: Campaign, rate: Counts) -> Comparison:
    invited = _satisfaction(_scored(Response.campaign_id == campaign.id))
    wards = select(Invitation.department_id).where(Invitation.campaign_id == campaign.id).distinct()
    first, last = db.session.execute(select(func.min(Invitation.discharged_on), func.max(Invitation.discharged_on))
                                     .where(Invitation.campaign_id == campaign.id)).one()
    conditions = [Response.campaign_id.is_(None), Response.point_id.in_(
        select(SurveyPoint.id).where(SurveyPoint.department_id.in_(wards)))]
    if first is not None:
        conditions += [Response.submitted_at >= datetime.combine(first, time(), tzinfo=UTC),
                       Response.submitted_at < datetime.combine(last, time.max, tzinfo=UTC)]
    qr = _satisfaction(_scored(*conditions))
    return Comparison(invited, qr, difference(invited, qr), rate.low_rate or invited.small_n)


@dataclass
class CampaignPanel:
    campaign: Campaign
    total: Counts
    wards: list[Counts] = field(default_factory=list)
    channels: list[Counts] = field(default_factory=list)
    comparison: Comparison | None = None


def panel(hospital_ids: frozenset[int] | None, department_ids: frozenset[int] | None, limit: int = 3
          ) -> list[CampaignPanel]:
    """The latest LIMIT campaigns the reader may see, each with its funnel by ward and channel."""
    query = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc()).limit(limit)
    if hospital_ids is not None:
        query = query.where(Campaign.hospital_id.in_(hospital_ids))
    panels = []
    for campaign in db.session.scalars(query):
        totals = counts([campaign.id], "campaign", department_ids)
        if not totals:
            continue
        panels.append(CampaignPanel(campaign, totals[0], counts([campaign.id], "ward", department_ids),
                                    counts([campaign.id], "channel", department_ids),
                                    compare(campaign, totals[0]) if department_ids is None else None))
    return panels
