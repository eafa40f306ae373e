"""Operator commands of the discharge follow-up: `flask followup ...` (JSON on stdout, no contact data)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Campaign, Department, FollowupWard, Hospital
from . import letters as letters_module
from . import lifecycle, rates, sending
from .importing import BadImport, import_file


def _echo(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=1))


def _hospital_by_code(code: str) -> Hospital:
    hospital = db.session.scalar(select(Hospital).where(Hospital.code == code))
    if hospital is None:
        raise click.ClickException(f"no hospital with code {code!r}")
    return hospital


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"no campaign {campaign_id}")
    return campaign


@click.group("followup")
def followup_group() -> None:
    """Discharge follow-up campaigns: import, send, status, close, purge, letters."""


@followup_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", "campaign_id", type=int, help="Add to this campaign.")
@click.option("--hospital", help="Or start a new campaign for this hospital code ...")
@click.option("--name", help="... with this name.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Column mapping (YAML/JSON): admission_no, name, phone, email, ward, discharged_on -> header.")
def import_command(file: Path, campaign_id: int | None, hospital: str | None, name: str | None,
                   mapping: Path | None) -> None:
    """Import a discharge list (CSV or XLSX); a re-import adds only the patients not yet in the campaign."""
    if campaign_id is not None:
        campaign = _campaign(campaign_id)
    elif hospital and name:
        campaign = lifecycle.create(_hospital_by_code(hospital), name)
    else:
        raise click.UsageError("give --campaign ID, or --hospital CODE and --name NAME for a new campaign")
    try:
        report = import_file(campaign, file, mapping)
    except BadImport as exc:
        raise click.ClickException(str(exc)) from None
    _echo({"campaign": campaign.id, **report.as_dict()})


@followup_group.command("ward")
@click.argument("department_code")
@click.option("--hospital", required=True)
@click.option("--days", type=click.IntRange(0, 60), required=True, help="Days after discharge to invite.")
def ward_command(department_code: str, hospital: str, days: int) -> None:
    """Set how many days after discharge a ward's patients are invited (default 3)."""
    department = db.session.scalar(select(Department).where(
        Department.hospital_id == _hospital_by_code(hospital).id, Department.code == department_code))
    if department is None:
        raise click.ClickException(f"no department {department_code!r}")
    setting = db.session.get(FollowupWard, department.id) or FollowupWard(department_id=department.id)
    setting.delay_days = days
    db.session.add(setting)
    db.session.commit()
    _echo({"department": department_code, "delay_days": days})


@followup_group.command("send")
@click.option("--channel", type=click.Choice(["sms", "email", "letter"]), multiple=True)
@click.option("--here", is_flag=True, help="Send in this process instead of handing the work to a worker.")
def send_command(channel: tuple[str, ...], here: bool) -> None:
    """Send the due invitations and reminders (exactly once each; see `status` for unknown outcomes)."""
    from ..jobs import campaigns as campaign_jobs

    if current_app.config.get("REDIS_URL") and not here:
        _echo({"enqueued": campaign_jobs.enqueue_sends()})
        return
    channels = list(channel) or sending.due_channels()
    _echo({name: sending.send_due(name, budget_seconds=3600) for name in channels})


@followup_group.command("reconcile")
def reconcile_command() -> None:
    """Ask the SMS gateway about messages whose outcome is unknown, and which sent ones were delivered."""
    _echo({"unknown": sending.reconcile("sms"), "delivered": sending.check_deliveries("sms")})


@followup_group.command("status")
@click.option("--campaign", "campaign_id", type=int)
@click.option("--by", type=click.Choice(rates.GROUPS), default="campaign", show_default=True)
def status_command(campaign_id: int | None, by: str) -> None:
    """Invited, delivered, opened, answered, opted out, unknown and failed, with the response rate."""
    ids = [campaign_id] if campaign_id else list(db.session.scalars(select(Campaign.id)))
    _echo([row.as_dict() for row in rates.counts(ids, by)])


@followup_group.command("close")
@click.argument("campaign_id", type=int)
def close_command(campaign_id: int) -> None:
    """Close a campaign: no more messages; its contact data goes after its retention days."""
    campaign = _campaign(campaign_id)
    _echo({"campaign": campaign_id, "dropped_messages": lifecycle.close(campaign)})


@followup_group.command("purge")
def purge_command() -> None:
    """Remove the contact data of campaigns closed longer than their retention days (the worker does it hourly)."""
    _echo({"purged": lifecycle.purge_due()})


@followup_group.command("letters")
@click.argument("campaign_id", type=int)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="letters.html or letters.pdf")
@click.option("--kind", type=click.Choice(["invite", "reminder"]), default="invite", show_default=True)
def letters_command(campaign_id: int, out: Path, kind: str) -> None:
    """The print run of a campaign's letters: one A4 letter with a QR code per patient without phone or e-mail."""
    found = letters_module.print_run(_campaign(campaign_id).id, kind)
    if out.suffix.lower() == ".pdf":
        out.write_bytes(letters_module.letters_pdf(found))
    else:
        out.write_text(letters_module.letters_html(found), encoding="utf-8")
    _echo({"letters": len(found), "file": str(out)})
