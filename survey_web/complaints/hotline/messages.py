"""The per-row report in the user's language (pages and the CLI word the same codes)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .checking import Problem

ROW_MESSAGES = {
    "missing": _l("empty"),
    "too_long": _l("too long (%(value)s characters)"),
    "bad_order_no": _l("“%(value)s” is not a work-order number (letters, digits and dashes; a number Excel shortened to 1.2E+16 must be exported again as text)"),
    "duplicate_in_file": _l("%(value)s appears again (first in row %(other)s); this row is not imported"),
    "bad_date": _l("“%(value)s” is not a date and time (e.g. 2026-11-03 09:15)"),
    "implausible_date": _l("“%(value)s” is before 2000 or in the future"),
    "due_before_call": _l("“%(value)s” is before the call"),
    "bad_phone": _l("not a telephone number"),
    "unknown_department": _l("“%(value)s” is not a department of this hospital"),
}
FILE_MESSAGES = {
    "empty": _l("The file is empty."),
    "encoding": _l("The file is neither UTF-8 nor GBK text; save it as CSV (UTF-8) or XLSX."),
    "unreadable": _l("The file cannot be opened as an XLSX workbook."),
    "xls": _l("Old .xls workbooks cannot be read; save the file as .xlsx or CSV."),
    "no_header": _l("No header row with the work-order columns was found in the first rows (formats: %(formats)s)."),
    "too_many_rows": _l("The file has more than %(limit)d rows; split it."),
    "unknown_format": _l("Unknown format %(name)s."),
}


def reason(problem: Problem) -> str:
    """Why PROBLEM's cell was refused, in the user's language."""
    return str(ROW_MESSAGES[problem.code]) % {"value": problem.value, "other": problem.other_row}


def file_message(code: str, **params) -> str:
    """The file-level problem CODE as a sentence."""
    return str(FILE_MESSAGES[code]) % params


def report_items(report: dict) -> list[tuple[int, str, str]]:
    """The stored report's bad cells as (row, column, reason)."""
    return [(row, column, reason(Problem(row, column, code, value, other)))
            for row, column, code, value, other in report.get("problems", [])]


def report_lines(report: dict) -> list[str]:
    """The stored report of an import as sentences: the file's problem, or one line per bad cell."""
    if report.get("file"):
        return [file_message(report["file"], **report.get("params", {}))]
    return [_("Row %(row)d, %(column)s: %(problem)s", row=row, column=column, problem=text)
            for row, column, text in report_items(report)]


def summary(record, stored: bool = True) -> str:
    """One line: how many rows, imported, already there, refused."""
    if record.report.get("file"):
        return _("Nothing imported from %(file)s.", file=record.filename)
    if not stored:
        return _("%(file)s checked: %(rows)d rows, %(good)d good and new, %(already)d imported before, "
                 "%(bad)d with problems. Nothing was stored.", file=record.filename, rows=record.rows,
                 good=record.rows - record.bad - record.already, already=record.already, bad=record.bad)
    return _("%(file)s: %(rows)d rows, %(imported)d imported, %(already)d imported before (skipped), "
             "%(bad)d with problems (not imported).", file=record.filename, rows=record.rows,
             imported=record.imported, already=record.already, bad=record.bad)
