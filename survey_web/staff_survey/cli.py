"""`flask staff-survey ...`: open a round, list or print its department links, close it."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy import select

from ..extensions import db
from ..models import Hospital, RoundStatus
from . import service
from .links import link_url, printed


@click.group("staff-survey")
def staff_survey_group() -> None:
    """The staff satisfaction survey (医务人员满意度)."""


def _round(hospital: str, code: str):
    try:
        return service.find_round(hospital, code)
    except service.StaffSurveyError as exc:
        raise click.ClickException(str(exc)) from exc


@staff_survey_group.command("open")
@click.argument("hospital_code")
@click.argument("code")
@click.option("--title", default=None, help="Shown to the staff (default: 医务人员满意度调查 CODE).")
def open_command(hospital_code: str, code: str, title: str | None) -> None:
    """Open round CODE in HOSPITAL_CODE with one link per department."""
    hospital = db.session.scalar(select(Hospital).where(Hospital.code == hospital_code))
    if hospital is None:
        raise click.ClickException(f"no hospital {hospital_code!r}")
    try:
        survey = service.open_round(hospital, code, title or f"医务人员满意度调查 {code}")
    except service.StaffSurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"opened {survey.code} with {len(survey.units)} department links; list them with "
               f"`flask staff-survey links {hospital_code} {code}`")


@staff_survey_group.command("add-unit")
@click.argument("hospital_code")
@click.argument("code")
@click.option("--unit", "unit_code", required=True)
@click.option("--name", required=True)
@click.option("--division", required=True, help="The division (片区/系统) a small unit merges into.")
def add_unit_command(hospital_code: str, code: str, unit_code: str, name: str, division: str) -> None:
    """Add a unit (e.g. 院办, 财务科) with its own link to round CODE."""
    survey = _round(hospital_code, code)
    try:
        unit = service.add_unit(survey, unit_code, name, division)
    except service.StaffSurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{unit.code} {unit.name}: {link_url(unit)}")


@staff_survey_group.command("links")
@click.argument("hospital_code")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--qr", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Also write a PNG and an SVG per unit and a printable A4 sheet here.")
def links_command(hospital_code: str, code: str, as_json: bool, out: Path | None) -> None:
    """List round CODE's department links (anonymous: a link names a department, never a person)."""
    from ..qr import write_all

    survey = _round(hospital_code, code)
    if survey.status == RoundStatus.CLOSED:
        click.echo(f"round {code} is closed: these links no longer take answers", err=True)
    sheets = printed(survey)
    for sheet in sheets:
        row = {"code": sheet.code, "name": sheet.name, "division": sheet.department, "url": sheet.url}
        click.echo(json.dumps(row, ensure_ascii=False) if as_json else
                   f"{sheet.code:<10} {sheet.department} · {sheet.name}  {sheet.url}")
    if out:
        files = write_all(sheets, out, template="qr/staff_sheet.html", title=survey.title)
        click.echo(f"wrote {len(files)} files to {out}; print {out / 'print-a4.html'}", err=as_json)


@staff_survey_group.command("close")
@click.argument("hospital_code")
@click.argument("code")
def close_command(hospital_code: str, code: str) -> None:
    """Close round CODE: no more answers; its results (groups of 10 or more) appear on the dashboard."""
    survey = _round(hospital_code, code)
    service.close_round(survey)
    db.session.commit()
    click.echo(f"closed {code}")


@staff_survey_group.command("reclassify")
@click.argument("hospital_code")
@click.argument("code")
def reclassify_command(hospital_code: str, code: str) -> None:
    """Give round CODE's comments their themes again after analysis/staff_taxonomy.yaml changed."""
    changed = service.reclassify(_round(hospital_code, code))
    db.session.commit()
    click.echo(f"{changed} comments changed themes")
