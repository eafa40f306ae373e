"""Tables out of the system: CSV, XLSX and PDF, safe against spreadsheet formula injection.

Every export of patient text goes through `safe_cell`, so a comment such as `=HYPERLINK(...)` stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from copy import copy
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


def cells(row: Sequence) -> list:
    """One spreadsheet row: dates as text, None as empty, formula-like text defused."""
    return [safe_cell(_plain(v)) for v in row]


def never_formulas(row) -> None:
    """Mark every text cell of ROW (openpyxl cells) as a string, never a formula, whatever the text."""
    for cell in row:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def xlsx_bytes(book) -> bytes:
    """The saved workbook BOOK."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence], *, widths: Sequence[int] | None = None,
            subtitle: str | None = None) -> bytes:
    """An XLSX sheet formatted for printing: title row, bold frozen header, wrapped text, A4 landscape."""
    from openpyxl import Workbook
    from openpyxl.cell import Cell
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
    # Styled cells are made before they are appended: reading a row back (`sheet[sheet.max_row]`) scans
    # every cell of the sheet, which made n rows cost O(n²) (a 1,250-row complaint register took 30 s).
    # Each style assignment is looked up in the workbook's style table; a copy of a styled cell's style
    # indices is not (openpyxl's own idiom for copying styles), which halves the time of a long sheet.
    styled = Cell(sheet)
    styled.border, styled.alignment = border, Alignment(vertical="top", wrap_text=True)
    for row in rows:
        made = [Cell(sheet, value=value) for value in cells(row)]
        for cell in made:
            cell._style = copy(styled._style)
        never_formulas(made)
        sheet.append(made)
    for index, width in enumerate(widths or [14] * len(headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=first + 1, column=1)
    sheet.print_title_rows = f"{first}:{first}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return xlsx_bytes(book)


class PdfKit:
    """What every Chinese PDF here is made of: Adobe's STSong CID font (nothing to install), a body and a
    heading style, paragraphs that keep line breaks, and grey-ruled tables with a shaded header row."""

    def __init__(self):
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        self.body = ParagraphStyle("body", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
        self.head = ParagraphStyle("head", parent=self.body, fontSize=16, leading=22, alignment=1)
        self.sub = ParagraphStyle("sub", parent=self.body, fontSize=10, alignment=1)

    def para(self, value, style=None):
        """VALUE as a paragraph (escaped; line breaks kept)."""
        from xml.sax.saxutils import escape

        from reportlab.platypus import Paragraph

        return Paragraph(escape(str(_plain(value))).replace("\n", "<br/>"), style or self.body)

    def table(self, headers: Sequence[str], rows: Iterable[Sequence], col_widths=None):
        """A table repeating its header row on every page."""
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        data = [[self.para(h) for h in headers]] + [[self.para(v) for v in row] for row in rows]
        table = Table(data, colWidths=col_widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6EE")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return table

    @staticmethod
    def build(story: list, *, title: str, pagesize, margin_mm: float) -> bytes:
        """The PDF of STORY on pages of PAGESIZE with MARGIN_MM all round."""
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate

        buffer = io.BytesIO()
        margin = margin_mm * mm
        SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=margin,
                          bottomMargin=margin, title=title).build(story)
        return buffer.getvalue()


def to_pdf(title: str, headers: Sequence[str], rows: Iterable[Sequence], *, subtitle: str | None = None,
           widths: Sequence[float] | None = None, notes: Sequence[str] = ()) -> bytes:
    """An A4 landscape PDF table with Chinese text."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    kit = PdfKit()
    page = landscape(A4)
    usable = page[0] - 24 * mm
    if widths:
        total = sum(widths)
        col_widths = [usable * w / total for w in widths]
    else:
        col_widths = [usable / len(headers)] * len(headers)
    story = [kit.para(title, kit.head)]
    if subtitle:
        story.append(kit.para(subtitle, kit.sub))
    story += [Spacer(1, 4 * mm), kit.table(headers, rows, col_widths)]
    for note in notes:
        story += [Spacer(1, 2 * mm), kit.para(note)]
    return kit.build(story, title=title, pagesize=page, margin_mm=12)
