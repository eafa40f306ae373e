"""`flask complaints import-hotline FILE` and `flask complaints export-hotline-replies` (in the complaints group)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask_babel import force_locale

from ...clitools import hospital_by_code
from ...extensions import db
from ...jobs.hotline import enqueue_classify_cases
from . import formats, replies
from .importing import import_and_commit
from .messages import report_lines, summary


@click.command("import-hotline")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "format_name", type=click.Choice(sorted(formats.all_formats())),
              help="The platform's column mapping (default: recognised from the header row).")
@click.option("--hospital", "code", help="Hospital code (needed when there are several).")
@click.option("--check", "check_only", is_flag=True, help="Only check the file and print the report; store nothing.")
@click.option("--lang", type=click.Choice(["zh_CN", "zh_TW", "en"]), default="zh_CN", show_default=True,
              help="Language of the report.")
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
def import_hotline_command(file: Path, format_name: str | None, code: str | None, check_only: bool, lang: str,
                           as_json: bool) -> None:
    """Import a 12345/12320 work-order export (XLSX or CSV) as complaint cases.

    Every row is checked first; bad rows are reported (row, column, reason) and never stored, the good
    new ones are stored in one transaction, orders imported before are skipped. Exit status: 0 all rows
    good, 1 some rows reported, 2 the file could not be read.
    """
    hospital = hospital_by_code(code)
    result = import_and_commit(hospital, file.read_bytes(), file.name, format_name=format_name, store=not check_only)
    enqueue_classify_cases(result.case_ids)
    record = result.record
    with force_locale(lang):
        if as_json:
            click.echo(json.dumps({"platform": record.platform, "rows": record.rows, "imported": record.imported,
                                   "already": record.already, "bad": record.bad, "stored": not check_only,
                                   "report": report_lines(record.report)}, ensure_ascii=False))
        else:
            click.echo(summary(record, stored=not check_only))
            for line in report_lines(record.report):
                click.echo(f"  {line}")
    if record.report["file"]:
        raise SystemExit(2)
    if record.bad:
        raise SystemExit(1)


@click.command("export-hotline-replies")
@click.option("--format", "format_name", type=click.Choice(sorted(formats.all_formats())), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (.xlsx or .csv).")
@click.option("--hospital", "code", help="Hospital code (needed when there are several).")
@click.option("--all", "include_exported", is_flag=True, help="Also the replies exported before.")
def export_replies_command(format_name: str, out: Path, code: str | None, include_exported: bool) -> None:
    """Write the replied work orders in the platform's shape, for upload back; marks them exported."""
    hospital = hospital_by_code(code)
    fmt = formats.get(format_name)
    orders = replies.replied_orders(hospital.id, fmt, include_exported)
    out.write_bytes(replies.export(fmt, orders, "csv" if out.suffix.lower() == ".csv" else "xlsx"))
    db.session.commit()
    click.echo(f"{len(orders)} replies written to {out}")
