"""`flask indicators`: a month's indicators as JSON, CSV or XLSX, and the cache of closed months."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Department, Hospital
from .cube import build, clear_cache, warm
from .export import indicator_file
from .figures import MODES
from .periods import Month
from .scope import Scope
from .service import month_report


def _scope(hospital_code: str | None, department_code: str | None) -> Scope:
    hospitals = None
    if hospital_code:
        hospital = db.session.scalar(select(Hospital).where(Hospital.code == hospital_code))
        if hospital is None:
            raise click.ClickException(f"no hospital with code {hospital_code!r}")
        hospitals = {hospital.id}
    if not department_code:
        return Scope(None if hospitals is None else frozenset(hospitals))
    query = select(Department).where(Department.code == department_code)
    if hospitals:
        query = query.where(Department.hospital_id.in_(hospitals))
    found = list(db.session.scalars(query))
    if not found:
        raise click.ClickException(f"no department with code {department_code!r}")
    if len(found) > 1:
        raise click.ClickException(f"department code {department_code!r} is used by {len(found)} hospitals: "
                                   "add --hospital CODE")
    return Scope(frozenset({found[0].hospital_id}), frozenset({found[0].id}))


def _month(_ctx, _param, value):
    if value is None:
        return None
    try:
        return Month.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group("indicators", invoke_without_command=True)
@click.option("--month", callback=_month, help="Month YYYY-MM (Asia/Shanghai).")
@click.option("--hospital", "hospital_code", help="Hospital code (default: every hospital).")
@click.option("--department", "department_code", help="Department code: that department only.")
@click.option("--mode", type=click.Choice(MODES), help="One mode only (by-mode figures are always included).")
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx", "csv"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.pass_context
@with_appcontext
def indicators_command(ctx: click.Context, month: Month | None, hospital_code: str | None,
                       department_code: str | None, mode: str | None, fmt: str, out: Path | None) -> None:
    """Satisfaction indicators of a month: overall, by mode and role, per department, point, dimension,
    question and theme, with 95% intervals."""
    if ctx.invoked_subcommand:
        return
    if month is None:
        raise click.UsageError("--month YYYY-MM is required")
    # Names and headers are translated; outside a request the locale comes from this (Chinese) context.
    with current_app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        view = month_report(_scope(hospital_code, department_code), month, mode=mode)
        body, _mimetype = indicator_file(view, fmt)
    if out:
        out.write_bytes(body)
        click.echo(f"wrote {out}", err=True)
    elif fmt == "xlsx" and sys.stdout.isatty():
        raise click.UsageError("XLSX is binary: add --out FILE or redirect stdout")
    else:
        click.echo(body, nl=fmt == "json")  # bytes go to the binary stdout untouched


@indicators_command.command("warm")
@with_appcontext
def warm_command() -> None:
    """Count missing or stale cached periods of the last 14 months (the worker does this every 10 minutes;
    without a worker, run it from cron after midnight)."""
    periods = warm()
    click.echo(f"{len(periods)} periods cached ({periods[0]} .. {periods[-1]})" if periods else "nothing closed yet")


@indicators_command.command("refresh")
@click.option("--months", default=13, show_default=True, help="Closed months to (re)build, newest first.")
@with_appcontext
def refresh(months: int) -> None:
    """Rebuild the cached counts of the last closed months (run after importing old responses)."""
    cleared = clear_cache()
    last = Month.current().shift(-1)
    for month in last.range(months):
        build(month)
    click.echo(f"cleared {cleared} cached months, built {months} ({last.shift(1 - months)} .. {last})")
