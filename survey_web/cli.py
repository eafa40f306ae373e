"""Operator commands: `flask --app wsgi <command>`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from . import banks, speech
from .accounts import tablets
from .extensions import db
from .jobs.worker import worker_command
from .models import ROLES, Department, Hospital, SurveyPoint, User
from .problems.cli import init_app as problems_cli


def external_url(endpoint: str, **values) -> str:
    """An absolute URL under PUBLIC_BASE_URL, built outside any request."""
    with current_app.test_request_context():
        return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)


def point_url(point: SurveyPoint) -> str:
    """The full address a point's QR code encodes."""
    return external_url("survey.survey", token=point.token)


def all_points() -> list[SurveyPoint]:
    return list(db.session.scalars(
        select(SurveyPoint).options(joinedload(SurveyPoint.department).joinedload(Department.hospital))
        .where(SurveyPoint.active.is_(True)).order_by(SurveyPoint.id)
    ))


def init_app(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(points)
    app.cli.add_command(qr)
    app.cli.add_command(banks_group)
    app.cli.add_command(kiosk)
    app.cli.add_command(jobs_group)
    app.cli.add_command(users)
    app.cli.add_command(worker_command)
    from .reporting.cli import indicators_command

    app.cli.add_command(indicators_command)
    problems_cli(app)
    from .complaints.cli import init_app as complaints_cli

    complaints_cli(app)
    from .privacy.cli import retention_group

    app.cli.add_command(retention_group)
    from .campaigns.cli import followup_group

    app.cli.add_command(followup_group)

    from .staff_survey.cli import staff_survey_group

    app.cli.add_command(staff_survey_group)


@click.command()
@click.option("--days", default=92, show_default=True, help="Days of synthetic responses.")
@click.option("--per-day", default=28, show_default=True, help="Average responses per day.")
def demo(days: int, per_day: int) -> None:
    """Load the demo hospital and synthetic responses (safe to run again)."""
    from .complaints.demo import generate_complaints
    from .demo import ensure_organisation, ensure_staff, generate_responses
    from .jobs.classify import classify_pending_now
    from .jobs.problems import other_sources
    from .problems.demo import seed_history
    from .problems.generate import generate_hospital
    from .timeutil import previous_month

    if current_app.config["PRODUCTION"]:
        raise click.ClickException("the demo creates known passwords; it does not run with PRODUCTION=true")
    banks.sync_all()
    hospital = ensure_organisation()
    made = generate_responses(hospital, days=days, per_day=per_day)
    click.echo(f"demo hospital {hospital.name}: {sum(len(d.points) for d in hospital.departments)} survey points, "
               f"{made} new responses")
    classified = classify_pending_now()
    click.echo(f"classified {classified} pending comments")
    seed_history(hospital)  # the earlier month's problem list, with one specific problem closed (销号)
    sign_ins = ensure_staff(hospital)
    click.echo(f"{generate_complaints(hospital)} new complaint cases")
    orders, findings = ensure_other_sources(hospital)
    click.echo(f"{len(orders)} new hotline work orders, {findings} new findings from other sources")
    month = previous_month()  # last month's lists draw on every source: survey, complaints, hotline, findings
    for made, outcome in generate_hospital(hospital.id, month, extra_evidence=other_sources(hospital.id, month)):
        click.echo(f"problem list {month} {made.department.code if made.department else 'hospital'}: {outcome}")
    click.echo("demo sign-ins at /staff/login (username / password):")
    for username, role, password in sign_ins:
        click.echo(f"  {username:<11} {password:<22} {role}")


def ensure_other_sources(hospital) -> tuple[list[int], int]:
    """The demo's hotline work orders and findings from forums, supervisors and walk-throughs (both safe to
    run again): committed, and the new cases handed to the classifier. Here, in the composition root, because
    it starts jobs."""
    from .complaints.hotline.demo import ensure_hotline_orders
    from .findings.demo import ensure_findings
    from .jobs import wait_in_process
    from .jobs.hotline import enqueue_classify_cases

    orders, findings = ensure_hotline_orders(hospital), ensure_findings(hospital)
    db.session.commit()
    enqueue_classify_cases(orders)
    wait_in_process(current_app)
    return orders, findings


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def points(ctx: click.Context, as_json: bool) -> None:
    """List survey points and the URL each QR code encodes."""
    if ctx.invoked_subcommand:
        return
    for point in all_points():
        row = {"id": point.id, "code": point.code, "name": point.name, "department": point.department.name,
               "department_code": point.department.code, "hospital": point.department.hospital.name,
               "bank": point.bank_code, "url": point_url(point)}
        click.echo(json.dumps(row, ensure_ascii=False) if as_json else
                   f"{point.id:>4}  {point.code:<10} {point.department.name} · {point.name}  {row['url']}")


@points.command("reissue")
@click.argument("code")
def reissue(code: str) -> None:
    """Revoke the QR token of point CODE and issue a new one (reprint its code afterwards)."""
    point = db.session.scalar(select(SurveyPoint).where(SurveyPoint.code == code))
    if point is None:
        raise click.ClickException(f"no survey point with code {code!r}")
    point.reissue_token()
    db.session.commit()
    click.echo(f"{code}: new URL {point_url(point)}")


@click.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True)
def qr(out: Path) -> None:
    """Write a PNG and an SVG per survey point and a printable A4 sheet (print-a4.html)."""
    from .qr import PrintedPoint, write_all

    printed = [PrintedPoint(p.code, p.department.hospital.name, p.department.name, p.name, point_url(p))
               for p in all_points()]
    if not printed:
        raise click.ClickException("no survey points yet: run `flask demo` or create points first")
    files = write_all(printed, out)
    click.echo(f"wrote {len(files)} files for {len(printed)} points to {out}; print {out / 'print-a4.html'}")


@click.group("banks")
def banks_group() -> None:
    """Question banks."""


@banks_group.command("sync")
def banks_sync() -> None:
    """Validate every bank file, store a new version of each one that changed, render read-aloud clips."""
    for code, version_id in banks.sync_all():
        click.echo(f"{code}: version row {version_id}")
    try:
        made, kept = speech.render_clips(speech.everything(banks.all_current().values()))
    except RuntimeError as exc:
        click.echo(f"read-aloud clips not made: {exc}; pages use the device's own voice only", err=True)
        return
    click.echo(f"read-aloud clips: {made} made, {kept} already there in {speech.audio_dir()}")


@click.group()
def kiosk() -> None:
    """Shared tablets used by volunteers."""


@kiosk.command("enrol")
@click.argument("name")
@click.option("--hours", type=click.IntRange(1, 24 * 14), default=None,
              help="How long the link stays valid (default KIOSK_ENROL_HOURS, 24).")
def kiosk_enrol(name: str, hours: int | None) -> None:
    """Make a one-time link that registers a tablet as kiosk NAME; open it on the tablet and confirm."""
    _device, token = tablets.create(name, hours)
    db.session.commit()
    click.echo(external_url("kiosk.enrol", token=token))


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs."""


@jobs_group.command("sweep")
def jobs_sweep() -> None:
    """Enqueue comments left pending too long (the worker also does this every minute)."""
    from .jobs.sweeper import sweep_pending

    click.echo(f"enqueued {sweep_pending()} stale comments")


@jobs_group.command("retry-failed")
@click.option("--id", "comment_ids", type=int, multiple=True, help="Only this comment (repeatable).")
def jobs_retry_failed(comment_ids: tuple[int, ...]) -> None:
    """Classify dead letters again (comments whose job kept failing), once the cause is fixed."""
    from .jobs import wait_in_process
    from .jobs.dead_letters import retry_failed

    retried = retry_failed(list(comment_ids) or None)
    wait_in_process(current_app)
    click.echo(f"re-enqueued {retried} failed comments")


@jobs_group.command("status")
def jobs_status() -> None:
    """Print queue depth, oldest pending comment and worker count as JSON."""
    from .health import status

    click.echo(json.dumps(status(), ensure_ascii=False))


@click.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--hospital", "hospital_code", help="Hospital code (all roles but admin; repeat for commission).",
              multiple=True)
@click.option("--department", "department_code", help="Department code (required for dept_head).")
@click.password_option(envvar="NEW_USER_PASSWORD", help="Prompted if not given (or NEW_USER_PASSWORD).")
def users_create(username: str, display_name: str | None, role: str, hospital_code: tuple[str, ...],
                 department_code: str | None, password: str) -> None:
    """Create a staff account."""
    from . import audit
    from .accounts.passwords import hash_password, password_problem

    if problem := password_problem(password, username):
        raise click.BadParameter(problem, param_hint="password")
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.ClickException(f"user {username!r} already exists")
    hospitals = [db.session.scalar(select(Hospital).where(Hospital.code == code)) for code in hospital_code]
    if None in hospitals:
        raise click.ClickException(f"unknown hospital code in {', '.join(hospital_code)}")
    if role != "admin" and not hospitals:
        raise click.ClickException("--hospital is required for this role")
    department = None
    if department_code:
        department = db.session.scalar(select(Department).where(
            Department.code == department_code, Department.hospital_id == hospitals[0].id))
        if department is None:
            raise click.ClickException(f"no department {department_code!r} in {hospitals[0].name}")
    if role == "dept_head" and department is None:
        raise click.ClickException("--department is required for dept_head")
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=hash_password(password), hospital=hospitals[0] if hospitals else None,
                department=department, hospitals=hospitals if role == "commission" else [])
    db.session.add(user)
    db.session.flush()
    audit.record("create", "user", user.id, after={"username": username, "role": role,
                                                   "department": department_code})
    db.session.commit()
    click.echo(f"created {role} {username}")
