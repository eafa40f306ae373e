"""A platform export as rows of cell values: XLSX (openpyxl), CSV in UTF-8 (with or without BOM) or GBK,
or an HTML table saved as .xls (what many government platforms call an Excel export).

Formulas are read as their text (`=cmd|...` stays a string), never evaluated.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .formats import HotlineFormat, all_formats, guess
from .htmltable import looks_like_html, table_rows

MAX_ROWS = 20000
HEADER_SEARCH_ROWS = 10  # platforms put a title and an export date above the header row


class FileProblem(ValueError):
    """The file as a whole cannot be read; CODE names the reason (see `messages.FILE_MESSAGES`)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class Sheet:
    fmt: HotlineFormat
    headings: list[str]
    columns: dict[str, int]  # field -> index
    rows: list[tuple[int, list]]  # (row number as the user sees it in the file, cells)


def _csv_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8", data[3:])]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", data)]
    else:  # gb18030 is GBK's superset: what Excel on Chinese Windows saves as "CSV"
        candidates = [("utf-8", data), ("gb18030", data)]
    for encoding, payload in candidates:
        try:
            return payload.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise FileProblem("encoding")


def _raw_rows(data: bytes) -> list[list]:
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise FileProblem("unreadable") from exc
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem("xls")
    text = _csv_text(data)
    if looks_like_html(text):
        return table_rows(text)
    return list(csv.reader(io.StringIO(text, newline="")))


def _header(raw: list[list], fmt: HotlineFormat | None) -> tuple[int, HotlineFormat, list[str]]:
    """(index, format, headings) of the header row among the first rows; FileProblem if there is none."""
    for index, row in enumerate(raw[:HEADER_SEARCH_ROWS]):
        headings = ["" if v is None else str(v).strip() for v in row]
        found = fmt if fmt and fmt.required <= set(fmt.locate(headings)) else (None if fmt else guess(headings))
        if found:
            return index, found, headings
    raise FileProblem("no_header", formats=fmt.name if fmt else ", ".join(all_formats()))


def read(data: bytes, fmt: HotlineFormat | None = None) -> Sheet:
    """DATA as a Sheet: the header row found among the first rows (of FMT, or the format that fits it),
    then every non-blank row below it. FileProblem when that cannot be done."""
    if not data.strip():
        raise FileProblem("empty")
    raw = _raw_rows(data)
    index, found, headings = _header(raw, fmt)
    body = [(number, row) for number, row in enumerate(raw[index + 1:], start=index + 2)
            if any(v is not None and str(v).strip() for v in row)]
    if len(body) > MAX_ROWS:
        raise FileProblem("too_many_rows", limit=MAX_ROWS)
    return Sheet(found, headings, found.locate(headings), body)
