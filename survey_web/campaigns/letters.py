"""The print run of letters (channel `letter`): one A4 letter per patient with the survey's QR code."""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select

from .. import qr
from ..exports import PdfKit
from ..extensions import db
from ..models import Invitation, Message
from ..models.campaigns import ChannelName, MessageState
from . import contacts, links


@dataclass(frozen=True)
class Letter:
    name: str
    hospital: str
    ward: str
    link: str
    optout_link: str
    svg: Markup


def print_run(campaign_id: int, kind: str = "invite") -> list[Letter]:
    """The letters of CAMPAIGN_ID's KIND messages handed to the print run (purged campaigns have none)."""
    rows = db.session.scalars(
        select(Invitation).join(Message, Message.invitation_id == Invitation.id)
        .where(Invitation.campaign_id == campaign_id, Message.channel == ChannelName.LETTER,
               Message.kind == kind, Message.state == MessageState.SENT, Invitation.admission_hash.is_not(None))
        .order_by(Invitation.department_id, Invitation.id))
    letters = []
    for invitation in rows:
        link = links.survey_url(invitation.token)
        svg = qr.svg_text(link).split("?>", 1)[-1]  # we built the SVG from our own URL: safe inline
        letters.append(Letter(contacts.opened(invitation.name_encrypted) or "", invitation.campaign.hospital.name,
                              invitation.department.name, link, links.optout_url(invitation.token), Markup(svg)))
    return letters


def letters_html(letters: list[Letter]) -> str:
    return render_template("followup/letters.html", letters=letters)


def letters_pdf(letters: list[Letter]) -> bytes:
    """The same letters as an A4 PDF (STSong, the QR code as an image)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, PageBreak, Spacer

    kit = PdfKit()
    story = []
    for letter in letters:
        greeting = f"{letter.name}：您好！" if letter.name else "您好！"
        story += [kit.para(greeting, kit.sub), Spacer(1, 4 * mm), kit.para(
            f"您近日从{letter.hospital}{letter.ward}出院。为改进服务，请您花约 2 分钟填写匿名的出院随访调查："
            "用手机微信或相机扫描下方二维码即可。"), Spacer(1, 6 * mm),
            Image(io.BytesIO(qr.png_bytes(letter.link)), width=60 * mm, height=60 * mm), Spacer(1, 4 * mm),
            kit.para(letter.link), kit.para(f"不想再收到邀请，请访问 {letter.optout_link}"), Spacer(1, 6 * mm),
            kit.para(f"祝您早日康复！\n{letter.hospital}"), PageBreak()]
    return kit.build(story[:-1] if story else [kit.para("（无信件）")], title="出院随访调查邀请信", pagesize=A4,
                     margin_mm=20)
