"""Indicators of a scope and period, composed from the cells SQL counted (`reporting.cube`).

Everything here sums small sets of pre-counted cells and hands the sums to `analysis.indicators`, which
holds the arithmetic. Pooled figures (a department, a hospital, a month) use the number of respondents
as the sample of their interval; question figures use the answers to that question; a dimension
counts each respondent once however many of its questions they answered (see `_question_weights`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from analysis.indicators import Counts, Difference, Figure, difference, per_100, proportion, rank

from .. import banks
from .cube import Cell, Cube
from .scope import Org

RECOMMEND = "recommend"
MODES = ("self", "volunteer_assisted")
ROLES = ("patient", "family")
MODE_NAMES = {"self": _l("Self-completed"), "volunteer_assisted": _l("Volunteer-assisted")}
ROLE_NAMES = {"patient": _l("Patients"), "family": _l("Family members")}
DIMENSION_NAMES = {
    "appointment": _l("Appointments"), "waiting": _l("Waiting"), "environment": _l("Environment and toilets"),
    "wayfinding": _l("Signs and guidance"), "privacy": _l("Privacy"), "doctor": _l("Doctors"),
    "nurse": _l("Nurses"), "tests": _l("Tests"), "pharmacy": _l("Pharmacy and medicines"),
    "billing": _l("Billing"), "food": _l("Food"), "parking": _l("Parking"), "family": _l("Family members' experience"),
    "overall": _l("Overall"), "recommend": _l("Recommendation"), "admission": _l("Admission"),
    "discharge": _l("Discharge"), "followup": _l("Follow-up"),
}


@dataclass(frozen=True)
class Indicator:
    """The figures of one unit: satisfaction, mean score and willingness to recommend."""

    respondents: int
    answers: int
    na: int
    satisfaction: Figure
    mean_score: float | None
    recommend: Figure

    @property
    def small_n(self) -> bool:
        return self.satisfaction.small_n

    def as_dict(self) -> dict:
        sat, rec = self.satisfaction.as_dict(), self.recommend.as_dict()
        return {"n": self.respondents, "satisfaction": sat["value"], "low": sat["low"], "high": sat["high"],
                "small_n": sat["small_n"], "answers": self.answers, "not_applicable": self.na,
                "mean_score": None if self.mean_score is None else round(self.mean_score, 1),
                "recommend": rec["value"], "recommend_low": rec["low"], "recommend_high": rec["high"],
                "recommend_n": rec["n"]}


def _add(sums: dict, key: Hashable, counts: Counts) -> None:
    """Add COUNTS to SUMS[KEY] in place (lists, not Counts: this runs for every cell of a city's month)."""
    entry = sums.get(key)
    if entry is None:
        sums[key] = [counts.answers, counts.top, counts.score_sum, counts.na]
    else:
        entry[0] += counts.answers
        entry[1] += counts.top
        entry[2] += counts.score_sum
        entry[3] += counts.na


def _counts(sums: dict) -> dict:
    return {key: Counts(*entry) for key, entry in sums.items()}


def indicator(cells: Iterable[Cell], respondents: int) -> Indicator:
    sums: dict[bool, list] = {}
    for cell in cells:
        _add(sums, cell.question == RECOMMEND, cell.counts)
    totals = _counts(sums)
    return _indicator(totals.get(False, EMPTY), totals.get(True, EMPTY), respondents)


def _indicator(scale: Counts, recommend: Counts, respondents: int) -> Indicator:
    return Indicator(respondents, scale.answers, scale.na, proportion(scale.top, scale.answers, n=respondents),
                     scale.mean_score, proportion(recommend.top, recommend.answers))


@dataclass
class Tallies:
    """A cube collapsed to (point, role, mode): what every unit-level figure is summed from."""

    scale: dict[tuple[int, str, str], Counts] = field(default_factory=dict)
    recommend: dict[tuple[int, str, str], Counts] = field(default_factory=dict)
    respondents: dict[tuple[int, str, str], int] = field(default_factory=dict)

    @classmethod
    def of(cls, cube: Cube) -> Tallies:
        t = cls()
        scale: dict = {}
        recommend: dict = {}
        for cell in cube.cells:
            _add(recommend if cell.question == RECOMMEND else scale, (cell.point_id, cell.role, cell.mode),
                 cell.counts)
        t.scale, t.recommend = _counts(scale), _counts(recommend)
        for rc in cube.responses:
            key = (rc.point_id, rc.role, rc.mode)
            t.respondents[key] = t.respondents.get(key, 0) + rc.responses
        return t

    def grouped(self, key: Callable[[int, str, str], Hashable]) -> dict[Hashable, Indicator]:
        """Indicators per KEY(point id, role, mode); a key None is left out."""
        sums: dict[Hashable, list] = {}
        for unit, n in self.respondents.items():
            k = key(*unit)
            if k is None:
                continue
            entry = sums.setdefault(k, [Counts(), Counts(), 0])
            entry[0] += self.scale.get(unit, EMPTY)
            entry[1] += self.recommend.get(unit, EMPTY)
            entry[2] += n
        return {k: _indicator(scale, rec, n) for k, (scale, rec, n) in sums.items()}


EMPTY = Counts()


@dataclass
class Row:
    """A department, point or hospital with its figures, split by mode, and its rank (None: unranked)."""

    id: int
    code: str
    name: str
    indicator: Indicator
    by_mode: dict[str, Indicator]
    parent: str = ""
    rank: int | None = None

    @property
    def mode_difference(self) -> Difference:
        return difference(self.by_mode["self"].satisfaction, self.by_mode["volunteer_assisted"].satisfaction)


@dataclass
class DimensionRow:
    code: str
    name: str
    figure: Figure
    mean_score: float | None
    previous: Figure | None = None
    change: Difference | None = None


@dataclass
class QuestionRow:
    code: str
    text: str
    dimension: str | None
    figure: Figure
    mean_score: float | None
    na: int


@dataclass
class ThemeRow:
    code: str
    negative: int
    positive: int
    per_100: float | None
    by_mode: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Report:
    """All indicators of one scope and period (optionally one mode)."""

    respondents: int
    overall: Indicator
    by_mode: dict[str, Indicator]
    mode_difference: Difference
    by_role: dict[str, Indicator]
    role_mode: dict[tuple[str, str], Indicator]
    hospitals: list[Row]
    departments: list[Row]
    points: list[Row]
    dimensions: list[DimensionRow]
    questions: list[QuestionRow]
    themes: list[ThemeRow]
    heat: dict[tuple[int, str], tuple[int, float | None]]
    praise: dict[tuple[int, str], tuple[int, float | None]] = field(default_factory=dict)
    live: bool = False
    mode: str | None = None
    previous: Indicator | None = None

    @property
    def change(self) -> Difference | None:
        """Satisfaction now minus in the previous period."""
        if self.previous is None:
            return None
        return difference(self.overall.satisfaction, self.previous.satisfaction)


def _only_mode(cube: Cube, mode: str | None) -> Cube:
    if mode is None:
        return cube
    return Cube([c for c in cube.cells if c.mode == mode], [r for r in cube.responses if r.mode == mode], cube.live)


def _rows(tallies: Tallies, unit: Callable[[int], int | None], names: dict) -> list[Row]:
    """Rows for each unit (department, point, hospital), best to worst, small-n last and unranked."""
    overall = tallies.grouped(lambda p, _r, _m: unit(p))
    split = tallies.grouped(lambda p, _r, m: (unit(p), m) if unit(p) is not None else None)
    empty = indicator((), 0)
    rows = []
    for unit_id, ind in overall.items():
        code, name, parent = names[unit_id]
        rows.append(Row(unit_id, code, name, ind, {m: split.get((unit_id, m), empty) for m in MODES}, parent))
    ordered = rank(rows, lambda row: row.indicator.satisfaction)
    for position, row in ordered:
        row.rank = position
    return [row for _position, row in ordered]


def _question_weights(version_ids: Iterable[int]) -> dict[tuple[int, str], tuple[str | None, float]]:
    """(version, question) -> (dimension, weight): a dimension with k questions in a bank weighs each 1/k.

    So a respondent who answers both nurse questions of the inpatient bank counts once towards the nurse
    dimension's sample, and one who answered only one of them counts a half: the interval errs on the
    wide side rather than pretending that two answers of one person are two people.
    """
    weights = {}
    for version_id in set(version_ids):
        try:
            bank = banks.for_version(version_id)
        except LookupError:
            continue
        sizes = defaultdict(int)
        for q in bank.scale_questions:
            sizes[q.dimension] += 1
        for q in bank.scale_questions:
            weights[(version_id, q.code)] = (q.dimension, 1 / sizes[q.dimension])
    return weights


def dimension_figures(cube: Cube) -> dict[str, tuple[Counts, float]]:
    """{dimension: (counts, effective respondents)} of the cube's scale answers."""
    weights = _question_weights({c.version_id for c in cube.cells})
    sums: dict[str, list] = {}
    effective: dict[str, float] = defaultdict(float)
    for cell in cube.cells:
        dimension, weight = weights.get((cell.version_id, cell.question), (None, 1.0))
        if dimension is None or cell.question == RECOMMEND:
            continue
        _add(sums, dimension, cell.counts)
        effective[dimension] += cell.counts.answers * weight
    return {d: (counts, effective[d]) for d, counts in _counts(sums).items()}


def _dimension_rows(cube: Cube, previous: Cube | None) -> list[DimensionRow]:
    now = dimension_figures(cube)
    before = dimension_figures(previous) if previous is not None else {}
    rows = []
    for code, (counts, eff) in now.items():
        figure = proportion(counts.top, counts.answers, n=round(eff))
        row = DimensionRow(code, str(DIMENSION_NAMES.get(code, code)), figure, counts.mean_score)
        if code in before:
            prev_counts, prev_eff = before[code]
            row.previous = proportion(prev_counts.top, prev_counts.answers, n=round(prev_eff))
            row.change = difference(figure, row.previous)
        rows.append(row)
    rows.sort(key=lambda r: (r.figure.small_n, -(r.figure.value or 0)))
    return rows


def _question_rows(cube: Cube) -> list[QuestionRow]:
    weights = _question_weights({c.version_id for c in cube.cells})
    sums: dict[str, list] = {}
    dims: dict[str, str | None] = {}
    for cell in cube.cells:
        if cell.question == RECOMMEND:
            continue
        _add(sums, cell.question, cell.counts)
        if cell.question not in dims:
            dims[cell.question] = weights.get((cell.version_id, cell.question), (None, 1))[0]
    rows = [QuestionRow(code, banks.question_text(code), dims.get(code), proportion(c.top, c.answers), c.mean_score, c.na)
            for code, c in _counts(sums).items()]
    rows.sort(key=lambda r: (r.figure.small_n, -(r.figure.value or 0)))
    return rows


def build_report(cube: Cube, org: Org, *, theme_cells=(), previous: Cube | None = None,
                 mode: str | None = None) -> Report:
    """The report of CUBE inside ORG; MODE limits every figure but the by-mode ones to one mode."""
    everything = Tallies.of(cube)
    by_mode = everything.grouped(lambda _p, _r, m: m)
    empty = indicator((), 0)
    by_mode = {m: by_mode.get(m, empty) for m in MODES}
    role_mode = everything.grouped(lambda _p, r, m: (r, m))
    chosen = _only_mode(cube, mode)
    tallies = Tallies.of(chosen) if mode else everything
    respondents = sum(r.responses for r in chosen.responses)
    by_role = tallies.grouped(lambda _p, r, _m: r)
    departments = {d.id: (d.code, d.name, org.hospitals[d.hospital_id].name) for d in org.departments.values()}
    points = {p.id: (p.code, p.name, org.departments[p.department_id].name) for p in org.points.values()
              if p.department_id in org.departments}
    hospitals = {h.id: (h.code, h.name, "") for h in org.hospitals.values()}
    themes, heat, praise = _themes(theme_cells, chosen, org, mode)
    before = _only_mode(previous, mode) if previous is not None else None
    return Report(
        respondents=respondents,
        overall=tallies.grouped(lambda *_unit: "all").get("all", empty),
        by_mode=by_mode,
        mode_difference=difference(by_mode["self"].satisfaction, by_mode["volunteer_assisted"].satisfaction),
        by_role={r: by_role.get(r, empty) for r in ROLES},
        role_mode={(r, m): role_mode.get((r, m), empty) for r in ROLES for m in MODES},
        hospitals=_rows(tallies, org.hospital_of, hospitals),
        departments=_rows(tallies, org.department_of, departments),
        points=_rows(tallies, lambda p: p if p in points else None, points),
        dimensions=_dimension_rows(chosen, before),
        questions=_question_rows(chosen),
        themes=themes, heat=heat, praise=praise, live=cube.live, mode=mode,
        previous=Tallies.of(before).grouped(lambda *_unit: "all").get("all") if before else None,
    )


def _themes(theme_cells, cube: Cube, org: Org, mode: str | None):
    """Theme rows (negative mentions per 100 responses) and department x theme maps of negative and
    positive mentions: (count, per 100 responses of the department)."""
    responses_by_mode: dict[str, int] = defaultdict(int)
    responses_by_dept: dict[int, int] = defaultdict(int)
    for rc in cube.responses:
        responses_by_mode[rc.mode] += rc.responses
        responses_by_dept[org.department_of(rc.point_id)] += rc.responses
    total = sum(responses_by_mode.values())
    neg: dict[str, int] = defaultdict(int)
    pos: dict[str, int] = defaultdict(int)
    neg_mode: dict[tuple[str, str], int] = defaultdict(int)
    neg_dept: dict[tuple[int, str], int] = defaultdict(int)
    pos_dept: dict[tuple[int, str], int] = defaultdict(int)
    for cell in theme_cells:
        if mode is not None and cell.mode != mode:
            continue
        if cell.polarity == "neg":
            neg[cell.theme] += cell.count
            neg_mode[(cell.mode, cell.theme)] += cell.count
            neg_dept[(org.department_of(cell.point_id), cell.theme)] += cell.count
        else:
            pos[cell.theme] += cell.count
            pos_dept[(org.department_of(cell.point_id), cell.theme)] += cell.count
    rows = [ThemeRow(code, neg.get(code, 0), pos.get(code, 0), per_100(neg.get(code, 0), total),
                     {m: per_100(neg_mode.get((m, code), 0), responses_by_mode.get(m, 0)) for m in MODES})
            for code in set(neg) | set(pos)]
    rows.sort(key=lambda r: (-r.negative, r.code))
    def per_department(counts):
        return {(dept, theme): (count, per_100(count, responses_by_dept.get(dept, 0)))
                for (dept, theme), count in counts.items() if dept is not None}
    return rows, per_department(neg_dept), per_department(pos_dept)
