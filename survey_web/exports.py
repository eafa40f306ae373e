"""Tables out of the system: CSV, XLSX and PDF, safe against spreadsheet formula injection.

Every export of patient text goes through `safe_cell`, so a comment such as `=HYPERLINK(...)` stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

# A cell starting with one of these is read as a formula by Excel, WPS and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value):
    """VALUE ready for a spreadsheet: text that could start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel on Chinese Windows opens it without mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(_plain(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence], *, widths: Sequence[int] | None = None,
            subtitle: str | None = None) -> bytes:
    """An XLSX sheet formatted for printing: title row, bold frozen header, wrapped text, A4 landscape."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    first = 2
    if subtitle:
        sheet.append([subtitle])
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
        first = 3
    sheet.append(list(headers))
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[first]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6EE")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([safe_cell(_plain(v)) for v in row])
        for cell in sheet[sheet.max_row]:
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    for index, width in enumerate(widths or [14] * len(headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=first + 1, column=1)
    sheet.print_title_rows = f"{first}:{first}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(title: str, headers: Sequence[str], rows: Iterable[Sequence], *, subtitle: str | None = None,
           widths: Sequence[float] | None = None, notes: Sequence[str] = ()) -> bytes:
    """An A4 landscape PDF table with Chinese text (Adobe's STSong CID font: nothing to install)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=16, leading=22, alignment=1)
    sub = ParagraphStyle("sub", parent=body, fontSize=10, alignment=1)

    def para(value, style=body):
        return Paragraph(escape(str(_plain(value))).replace("\n", "<br/>"), style)

    buffer = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=title)
    usable = page[0] - 24 * mm
    if widths:
        total = sum(widths)
        col_widths = [usable * w / total for w in widths]
    else:
        col_widths = [usable / len(headers)] * len(headers)
    data = [[para(h) for h in headers]] + [[para(v) for v in row] for row in rows]
    table = Table(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6EE")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story = [para(title, head)]
    if subtitle:
        story.append(para(subtitle, sub))
    story += [Spacer(1, 4 * mm), table]
    for note in notes:
        story += [Spacer(1, 2 * mm), para(note)]
    doc.build(story)
    return buffer.getvalue()
