"""Operator commands of the complaint office: `flask complaints overdue`, `flask complaints tick`.

(The hotline import adds `flask complaints import-hotline FILE` to the same group.)
"""

from __future__ import annotations

import json

import click
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import ComplaintCase, Hospital
from ..models.complaints import CaseStatus
from ..timeutil import today
from . import watch


def init_app(app: Flask) -> None:
    app.cli.add_command(complaints_group)


@click.group("complaints")
def complaints_group() -> None:
    """Complaint cases (医疗机构投诉): deadlines, reminders, hotline orders."""


def _hospital_ids(code: str | None) -> set[int] | None:
    if not code:
        return None
    hospital = db.session.scalar(select(Hospital).where(Hospital.code == code))
    if hospital is None:
        raise click.ClickException(f"no hospital with code {code!r}")
    return {hospital.id}


@complaints_group.command("overdue")
@click.option("--hospital", "code", help="Only this hospital (its code).")
@click.option("--due-soon", is_flag=True, help="Also list cases due soon (COMPLAINTS_DUE_SOON_DAYS).")
@click.option("--remind", is_flag=True, help="Record the due reminders and escalations and send their notices.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of a table.")
def overdue_command(code: str | None, due_soon: bool, remind: bool, as_json: bool) -> None:
    """Open cases past their reply deadline (no complainant data is printed). Exit status 0 either way."""
    hospitals = _hospital_ids(code)
    if remind:
        from flask import current_app

        from ..jobs import wait_in_process
        from ..jobs.complaints import enqueue_notice

        notices = watch.check(hospitals)
        for notice in notices:
            enqueue_notice(notice.case_id, notice.what)
        wait_in_process(current_app._get_current_object())
        click.echo(f"{len(notices)} reminders/escalations recorded", err=True)
    query = (select(ComplaintCase).options(selectinload(ComplaintCase.departments), selectinload(ComplaintCase.owner))
             .where(ComplaintCase.status == CaseStatus.OPEN).order_by(ComplaintCase.due_on, ComplaintCase.number))
    if hospitals is not None:
        query = query.where(ComplaintCase.hospital_id.in_(hospitals))
    day = today()
    wanted = {watch.Urgency.OVERDUE, watch.Urgency.ESCALATE} | ({watch.Urgency.DUE_SOON} if due_soon else set())
    shown = 0
    for case in db.session.scalars(query):
        state = watch.urgency(case, day)
        if state not in wanted:
            continue
        shown += 1
        row = {"number": case.number, "due_on": case.due_on.isoformat(), "state": state.value,
               "departments": [d.name for d in case.departments],
               "owner": case.owner.display_name if case.owner else None, "calendar_warning": case.calendar_warning}
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            warning = f"  ! {case.calendar_warning}" if case.calendar_warning else ""
            click.echo(f"{case.number}\t{row['due_on']}\t{state.value}\t{'、'.join(row['departments']) or '-'}\t"
                       f"{row['owner'] or '-'}{warning}")
    if not as_json:
        click.echo(f"{shown} cases", err=True)


@complaints_group.command("tick")
def tick_command() -> None:
    """What the worker does every 10 minutes: 回访 cases for low scores, reminders, escalations."""
    from ..jobs.complaints import tick

    result = tick()
    click.echo(json.dumps({"revisit_cases": len(result["revisit"]), "notices": len(result["notices"])}))


# The hotline's commands live beside its import (complaints/hotline/cli.py), in this group.
from .hotline.cli import export_replies_command, import_hotline_command  # noqa: E402

complaints_group.add_command(import_hotline_command)
complaints_group.add_command(export_replies_command)
