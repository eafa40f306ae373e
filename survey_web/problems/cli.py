"""Operator commands of the office: `flask problem-list ...` and `flask export-labels`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from analysis.deidentify import deidentify

from ..clitools import hospital_by_code
from ..extensions import db
from ..models import Department, Hospital
from ..models.problems import ProblemList
from ..timeutil import previous_month, valid_month
from . import listexport
from .generate import generate_hospital, generate_list

FORMATS = {"json": None, "csv": listexport.to_csv, "xlsx": listexport.to_xlsx, "pdf": listexport.to_pdf}


def init_app(app: Flask) -> None:
    """Register the office's commands on APP's CLI."""
    app.cli.add_command(problem_list_group)
    app.cli.add_command(export_labels)


def _month(value: str | None) -> str:
    if value in (None, "prev"):
        return previous_month()
    month = valid_month(value)
    if month is None:
        raise click.BadParameter(f"{value!r} is not a month like 2025-10 (or 'prev')", param_hint="--month")
    return month


def _department(hospital: Hospital, code: str | None) -> Department | None:
    if not code:
        return None
    department = db.session.scalar(select(Department).where(Department.hospital_id == hospital.id,
                                                            Department.code == code))
    if department is None:
        raise click.ClickException(f"no department {code!r} in {hospital.name}")
    return department


@click.group("problem-list", invoke_without_command=True)
@click.option("--month", help="YYYY-MM (default: last month).")
@click.option("--hospital", "hospital_code", help="Hospital code (needed when there are several).")
@click.option("--department", "department_code", help="A department's list instead of the hospital's.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
@click.pass_context
def problem_list_group(ctx: click.Context, month: str | None, hospital_code: str | None,
                       department_code: str | None, fmt: str, output: Path | None) -> None:
    """Print or save a month's problem list (整改问题清单), generating it first if needed."""
    if ctx.invoked_subcommand:
        return
    month = _month(month)
    hospital = hospital_by_code(hospital_code)
    department = _department(hospital, department_code)
    found = db.session.scalar(select(ProblemList).where(
        ProblemList.hospital_id == hospital.id, ProblemList.scope_key == (department.id if department else 0),
        ProblemList.month == month))
    if found is None:
        found, _outcome = generate_list(hospital.id, month, department.id if department else None)
        click.echo(f"generated the {month} list", err=True)
    if fmt == "json":
        data = (json.dumps(listexport.as_dict(found), ensure_ascii=False, indent=2) + "\n").encode()
    else:
        data = FORMATS[fmt](found)
    if output is not None:
        output.write_bytes(data)
        click.echo(f"wrote {output}", err=True)
    elif fmt in ("xlsx", "pdf"):
        raise click.UsageError(f"--format {fmt} needs -o FILE")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@problem_list_group.command("generate")
@click.option("--month", "month_text", default="prev", show_default=True, help="YYYY-MM or 'prev'.")
@click.option("--hospital", "hospital_code", help="One hospital (default: every hospital).")
@click.option("--regenerate", is_flag=True, help="Refresh drafts of lists that exist already.")
def generate_command(month_text: str, hospital_code: str | None, regenerate: bool) -> None:
    """Generate the hospital and department lists of a month (idempotent: cron may run it daily)."""
    from ..jobs.problems import other_sources  # it joins the other domains' evidence

    month = _month(month_text)
    hospitals = [hospital_by_code(hospital_code)] if hospital_code else list(db.session.scalars(select(Hospital)))
    for hospital in hospitals:
        extra = other_sources(hospital.id, month)
        for made, outcome in generate_hospital(hospital.id, month, refresh=regenerate, extra_evidence=extra):
            scope = made.department.code if made.department else "hospital"
            click.echo(f"{hospital.code} {month} {scope}: {outcome}, {len(made.items)} items")


@problem_list_group.command("remind")
def remind_command() -> None:
    """Record reminders on overdue ledger items (at most every PROBLEM_REMIND_DAYS days per item)."""
    from ..jobs.problems import remind_overdue

    click.echo(f"{remind_overdue()} reminders recorded")


@problem_list_group.command("tick")
def tick_command() -> None:
    """Enqueue last month's missing lists and record due reminders (what the schedule runs)."""
    from ..jobs import wait_in_process
    from ..jobs.problems import tick

    done = tick()
    wait_in_process(current_app._get_current_object(), timeout=600)  # embedded mode: finish before exiting
    click.echo(json.dumps(done, ensure_ascii=False))


@click.command("export-labels")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
def export_labels(output: Path | None) -> None:
    """Staff-corrected comment labels as JSON Lines in the corpus format, for `python -m analysis train --labels`."""
    from ..responses.themes import labelled_examples

    lines = []
    for row, labels in labelled_examples():
        urgent = bool(row.urgent) and not row.false_alarm  # the office's "not urgent" overrides the model
        lines.append(json.dumps({
            "id": row.id, "text": deidentify(row.text), "themes": labels["staff"], "urgent": urgent,
            "urgent_reason": row.urgent_reason if urgent else None, "model_themes": labels["model"],
            "model_version": row.model_version,
            "reviewed_at": row.reviewed_at.isoformat() if row.reviewed_at else None,
        }, ensure_ascii=False))
    text = "".join(line + "\n" for line in lines)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(lines)} labelled comments to {output}", err=True)
    else:
        click.echo(text, nl=False)
