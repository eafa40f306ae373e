"""A closed round's figures, cut by `groups.plan`: only groups of 10 or more, and only exact unions of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from analysis import staff as staff_themes
from analysis.indicators import wilson

from .. import banks
from ..extensions import db
from ..models import StaffAnswer, StaffCategory, StaffComment, StaffResponse, StaffSurvey, StaffUnit
from .groups import MIN_GROUP, Cell, Filter, Pair, Plan, Unit, plan

DIMENSION_ORDER = ("workload", "pay", "development", "management", "workplace", "work_safety", "overall")


def category_name(code: str) -> str:
    """A staff group's name in the page's language, as the bank's `category` question words it."""
    from ..i18n import pick

    for option in banks.staff_current().question("category").options:
        if option.value == code:
            return pick(option.label)
    return code


def all_groups() -> str:
    return _("all staff groups")


def staff_theme_name(code: str) -> str:
    """A staff theme's name in the page's language."""
    from ..i18n import BANK_TAG, current

    theme = staff_themes.theme(code)
    return theme.name(BANK_TAG.get(current(), "zh-CN")) if theme else code


def dimension_name(code: str) -> str:
    return {"workload": _("Workload"), "pay": _("Pay and benefits"), "development": _("Career development"),
            "management": _("Management and communication"), "workplace": _("Working environment"),
            "work_safety": _("Safety at work"), "overall": _("Overall")}.get(code, code)


@dataclass
class Figure:
    """Responses and, per dimension, (satisfied, answered) over 1-5 scores (4 and 5 count as satisfied)."""

    n: int = 0
    dims: dict[str, list[int]] = field(default_factory=dict)

    def add(self, other: Figure) -> None:
        self.n += other.n
        for dim, (sat, answered) in other.dims.items():
            mine = self.dims.setdefault(dim, [0, 0])
            mine[0] += sat
            mine[1] += answered

    def share(self, dim: str) -> float | None:
        sat, answered = self.dims.get(dim, (0, 0))
        return sat / answered if answered else None

    def interval(self, dim: str) -> tuple[float, float] | None:
        sat, answered = self.dims.get(dim, (0, 0))
        return wilson(sat, answered)


@dataclass
class Row:
    label: str
    figure: Figure
    cell: Cell | None = None


@dataclass
class StaffComments:
    id: int
    text: str
    themes: list[str]
    group: str
    problem_item_id: int | None


@dataclass
class Results:
    survey: StaffSurvey
    total: int
    cells: list[Row]
    views: list[Row]  # the filters that are exact unions of cells (hospital, divisions, units, categories)
    # How many filters are not shown (under 10 or cutting through a group, or nobody at all): only a count,
    # since naming them would tell which units or staff groups had anyone answer.
    hidden: int
    comments: list[StaffComments]
    theme_counts: list[tuple[str, int]]
    dimensions: tuple[str, ...] = DIMENSION_ORDER
    k: int = MIN_GROUP


def response_count(survey: StaffSurvey) -> int:
    return db.session.scalar(select(func.count(StaffResponse.id)).join(StaffUnit)
                             .where(StaffUnit.survey_id == survey.id)) or 0


def _units(survey: StaffSurvey) -> dict[str, Unit]:
    return {u.code: Unit(u.code, u.name, u.division) for u in survey.units}


def _pair_figures(survey: StaffSurvey) -> dict[Pair, Figure]:
    figures: dict[Pair, Figure] = {}
    rows = db.session.execute(select(StaffUnit.code, StaffResponse.category, func.count(StaffResponse.id))
                              .join(StaffUnit).where(StaffUnit.survey_id == survey.id)
                              .group_by(StaffUnit.code, StaffResponse.category))
    for unit, category, n in rows:
        figures[(unit, category)] = Figure(n=int(n))
    dimension = {q.code: q.dimension for q in banks.staff_current().scale_questions}
    satisfied = func.sum(case((StaffAnswer.score >= 4, 1), else_=0))
    rows = db.session.execute(
        select(StaffUnit.code, StaffResponse.category, StaffAnswer.question_code, satisfied, func.count(StaffAnswer.id))
        .select_from(StaffAnswer).join(StaffResponse).join(StaffUnit)
        .where(StaffUnit.survey_id == survey.id, StaffAnswer.score.is_not(None))
        .group_by(StaffUnit.code, StaffResponse.category, StaffAnswer.question_code))
    for unit, category, code, sat, answered in rows:
        if code in dimension:
            mine = figures[(unit, category)].dims.setdefault(dimension[code], [0, 0])
            mine[0] += int(sat or 0)
            mine[1] += int(answered)
    return figures


def cell_label(cell: Cell, the_plan: Plan, hospital: str) -> str:
    """What a cell holds, in words: the hospital, a division, or the units by name; then the categories."""
    units = the_plan.units
    answered_units = {u for (u, _c) in the_plan.counts}
    divisions = {units[u].division for u in cell.units}
    if set(cell.units) == answered_units:
        org = hospital
    elif len(divisions) == 1 and {u for u in answered_units if units[u].division in divisions} == set(cell.units) \
            and len(cell.units) > 1:
        org = divisions.pop()
    else:
        names = [units[u].name for u in cell.units]
        org = "、".join(names) if len(names) <= 3 else _("%(names)s and %(n)d more units",
                                                         names="、".join(names[:3]), n=len(names) - 3)
    present = {c for (u, c) in the_plan.counts if u in cell.units}
    if set(cell.categories) == present:
        return f"{org} · {all_groups()}"
    return f"{org} · {'、'.join(category_name(c) for c in cell.categories)}"


def filter_label(view: Filter, hospital: str, units: dict[str, Unit]) -> str:
    kind, _sep, value = view.org.partition(":")
    org = {"division": value, "unit": units[value].name if value in units else value}.get(kind, hospital)
    return f"{org} · {category_name(view.category) if view.category else all_groups()}"


def results(survey: StaffSurvey) -> Results:
    """The figures of SURVEY a dashboard may show (call only for a closed round)."""
    pairs = _pair_figures(survey)
    units = _units(survey)
    the_plan = plan(units.values(), {pair: fig.n for pair, fig in pairs.items()})
    hospital = survey.hospital.name
    cell_rows, cell_of_pair = [], {}
    for cell in the_plan.cells:
        figure = Figure()
        for pair in cell.pairs():
            if pair in pairs:
                figure.add(pairs[pair])
                cell_of_pair[pair] = len(cell_rows)
        cell_rows.append(Row(cell_label(cell, the_plan, hospital), figure, cell))
    views, hidden = [], 0
    for view in the_plan.filters(list(StaffCategory)):
        cells = the_plan.cells_of(view)
        if cells is None:
            hidden += 1
            continue
        figure = Figure()
        for cell in cells:
            figure.add(cell_rows[the_plan.cells.index(cell)].figure)
        views.append(Row(filter_label(view, hospital, units), figure))
    comments = _comments(survey, cell_rows, cell_of_pair)
    counts: dict[str, int] = {}
    for comment in comments:
        for code in comment.themes:
            counts[code] = counts.get(code, 0) + 1
    order = [t.code for t in staff_themes.load()]
    theme_counts = sorted(counts.items(), key=lambda kv: (-kv[1], order.index(kv[0]) if kv[0] in order else 99))
    return Results(survey, the_plan.total, cell_rows, views, hidden, comments, theme_counts)


def _comments(survey: StaffSurvey, cells: list[Row], cell_of_pair: dict[Pair, int]) -> list[StaffComments]:
    """Comments labelled with their group (never their unit when the unit is under 10), in text order:
    nothing shows the order they came in."""
    if not cells:
        return []
    rows = db.session.execute(select(StaffComment.id, StaffComment.text, StaffComment.themes,
                                     StaffComment.problem_item_id, StaffUnit.code, StaffResponse.category)
                              .join(StaffResponse, StaffResponse.id == StaffComment.response_id).join(StaffUnit)
                              .where(StaffUnit.survey_id == survey.id, StaffComment.text != "")  # "": removed
                              .order_by(StaffComment.text))
    return [StaffComments(cid, text, list(themes or []), cells[cell_of_pair[(unit, cat)]].label, item)
            for cid, text, themes, item, unit, cat in rows]
