"""The half-year summary as tables: one list of sections feeds the PDF and the XLSX alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from analysis.indicators import Difference, Figure

from ..exports import PdfKit, cells, never_formulas, xlsx_bytes
from ..i18n import theme_name
from .figures import MODE_NAMES
from .format import diff_interval, pct, points, score
from .summary import HalfYearSummary


@dataclass
class Section:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _fig(figure: Figure | None) -> str:
    if figure is None or figure.value is None:
        return "–"
    text = f"{pct(figure.value)} ({figure.low * 100:.1f}–{figure.high * 100:.1f})"
    return text + (" *" if figure.small_n else "")


def _chg(diff: Difference | None) -> str:
    if diff is None or diff.value is None:
        return "–"
    mark = (" ▲" if diff.value > 0 else " ▼") if diff.clear else ""
    return f"{points(diff)} {diff_interval(diff)}{mark}"


def sections(s: HalfYearSummary) -> list[Section]:
    r, b = s.report, s.before
    out = []
    indicators = Section(_("Indicators and their change"), [_("Indicator"), str(s.period), str(s.previous),
                                                           _("Change (points, 95% interval)")],
                         notes=[_("* fewer than 30 answers: for reading only. ▲▼ a change beyond chance.")])
    indicators.rows = [
        [_("Respondents"), r.respondents, b.respondents, ""],
        [_("Satisfaction"), _fig(r.overall.satisfaction), _fig(b.overall.satisfaction), _chg(r.change)],
        [_("Mean score (0–100)"), score(r.overall.mean_score), score(b.overall.mean_score), ""],
        [_("Would recommend"), _fig(r.overall.recommend), _fig(b.overall.recommend), ""],
    ]
    for key, name in MODE_NAMES.items():
        indicators.rows.append([str(name), _fig(r.by_mode[key].satisfaction), _fig(b.by_mode[key].satisfaction), ""])
    indicators.rows.append([_("Self-completed minus volunteer-assisted"), _chg(r.mode_difference),
                            _chg(b.mode_difference), ""])
    out.append(indicators)
    units = Section(_("By department") if len(s.org.hospitals) == 1 else _("By hospital"),
                    [_("Position"), _("Unit name"), "n", _("Satisfaction"), str(s.previous), _("Change")])
    units.rows = [[u.row.rank or "–", u.row.name, u.row.indicator.respondents, _fig(u.row.indicator.satisfaction),
                   _fig(u.previous.indicator.satisfaction) if u.previous else "–", _chg(u.change)] for u in s.units]
    out.append(units)
    dims = Section(_("Dimensions"), [_("Dimension"), str(s.period), str(s.previous), _("Change")])
    dims.rows = [[d.name, _fig(d.figure), _fig(d.previous), _chg(d.change)] for d in r.dimensions]
    out.append(dims)
    out.append(_ledger(s))
    out.append(_highlights(s))
    problems = Section(_("Open problems"), [_("Theme"), _("Negative mentions"), _("Per 100 responses"),
                                            str(s.previous)])
    problems.rows = [[theme_name(t.code), t.negative, _rate(t.per_100), _rate(t.previous)] for t in s.themes]
    problems.notes = [f"{item.deadline or ''} {item.problem} · {item.owner_office or ''}" for item in s.open_items]
    out.append(problems)
    return out


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _ledger(s: HalfYearSummary) -> Section:
    section = Section(_("Problem list: items raised in the period"),
                      [_("Hospital"), _("Put on the ledger"), _("Closed"), _("Still open"), _("Overdue"), _("Closure rate")])
    for hospital_id, c in sorted(s.closure.items(), key=lambda i: s.org.hospitals[i[0]].code
                                 if i[0] in s.org.hospitals else ""):
        name = s.org.hospitals[hospital_id].name if hospital_id in s.org.hospitals else str(hospital_id)
        section.rows.append([name, c.total, c.closed, c.open, c.overdue, pct(c.rate, 0)])
    total = s.ledger
    section.rows.append([_("Total"), total.total, total.closed, total.open, total.overdue, pct(total.rate, 0)])
    section.notes = [_("Closed (销号) during the period, whenever raised: %(n)d. Still open today: %(open)d.",
                       n=s.closed_in_period, open=s.open_count)]
    return section


def _highlights(s: HalfYearSummary) -> Section:
    section = Section(_("Highlights and praised staff (选树先进典型)"), [_("What"), _("Department or person"), _("Figure")])
    for d in s.improved:
        section.rows.append([_("Dimension improved"), d.name, _chg(d.change)])
    for u in s.units:
        if u.change is not None and u.change.clear and u.change.value > 0:
            section.rows.append([_("Satisfaction improved"), u.row.name, _chg(u.change)])
    for name, rate, n in s.praise_departments:
        section.rows.append([_("Praise per 100 responses"), name, f"{rate:.1f} (n={n})"])
    for department, name, count in s.praised_staff:
        section.rows.append([_("Praised by name"), f"{department} · {name}", _("%(n)d comments", n=count)])
    section.notes = [f"{department}: “{text}”" for department, text in s.quotes]
    return section


def to_xlsx(title: str, parts: list[Section]) -> bytes:
    """One sheet per section; patient text goes through safe_cell like every export."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for number, part in enumerate(parts, start=1):
        # Excel forbids : \ / ? * [ ] in sheet names and allows 31 characters.
        sheet = book.create_sheet("".join(ch for ch in f"{number} {part.title}" if ch not in ':\\/?*[]')[:31])
        sheet.append([title])
        sheet["A1"].font = Font(size=13, bold=True)
        sheet.append([part.title])
        sheet.append(part.headers)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in part.rows:
            sheet.append(cells(row))
        for note in part.notes:
            sheet.append(cells([note]))
        for column in "ABCDEF":
            sheet.column_dimensions[column].width = 26
        for row in sheet.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            never_formulas(row)
    return xlsx_bytes(book)


def to_pdf(title: str, subtitle: str, parts: list[Section]) -> bytes:
    """An A4 PDF, a heading and a table per section."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    kit = PdfKit()
    h2 = ParagraphStyle("h2", parent=kit.body, fontSize=12, leading=16, spaceBefore=6)
    story = [kit.para(title, kit.head), kit.para(subtitle, ParagraphStyle("sub", parent=kit.body, alignment=1)),
             Spacer(1, 4 * mm)]
    for part in parts:
        story.append(kit.para(part.title, h2))
        if part.rows:
            story.append(kit.table(part.headers, part.rows))
        for note in part.notes:
            story.append(kit.para(note))
    return kit.build(story, title=title, pagesize=A4, margin_mm=14)
