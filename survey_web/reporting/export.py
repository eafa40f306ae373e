"""A month's indicators as data: the JSON of `flask indicators`, and one long table for CSV and XLSX."""

from __future__ import annotations

from flask_babel import gettext as _

from analysis.indicators import MIN_N

from ..exports import to_csv, to_xlsx
from ..i18n import theme_name
from .figures import MODES, ROLES, Indicator, Row

DEFINITIONS = {
    "satisfaction": "share of scored answers in the top two of five (4-5); 不适用 excluded",
    "low/high": "95% Wilson score interval; pooled figures use respondents as the sample",
    "mean_score": "mean answer on 0-100 (1 -> 0, 5 -> 100)",
    "recommend": "share of 'willing' among answers to the recommend question",
    "small_n": f"fewer than {MIN_N} respondents (answers for a question): shown greyed, never ranked",
    "per_100": "effective negative theme mentions per 100 responses",
    "mode_difference": "self-completed minus volunteer-assisted satisfaction, Newcombe 95% interval",
}


def _row(row: Row) -> dict:
    return {"id": row.id, "code": row.code, "name": row.name, "parent": row.parent, "rank": row.rank,
            **row.indicator.as_dict(), "by_mode": {m: row.by_mode[m].as_dict() for m in MODES},
            "mode_difference": row.mode_difference.as_dict()}


def report_json(view) -> dict:
    """The JSON document of `flask indicators --format json`."""
    r = view.report
    return {
        "month": str(view.month),
        "live": r.live,
        "mode": r.mode or "all",
        "definitions": DEFINITIONS,
        "overall": {**r.overall.as_dict(), "by_mode": {m: r.by_mode[m].as_dict() for m in MODES},
                    "mode_difference": r.mode_difference.as_dict(),
                    "by_role": {role: r.by_role[role].as_dict() for role in ROLES},
                    "by_role_and_mode": {f"{role}/{m}": r.role_mode[(role, m)].as_dict()
                                         for role in ROLES for m in MODES}},
        "hospitals": [_row(row) for row in r.hospitals],
        "departments": [_row(row) for row in r.departments],
        "points": [_row(row) for row in r.points],
        "dimensions": [{"code": d.code, "name": d.name, **_figure(d.figure), "mean_score": _round(d.mean_score),
                        "previous": _figure(d.previous) if d.previous else None,
                        "change": d.change.as_dict() if d.change else None} for d in r.dimensions],
        "questions": [{"code": q.code, "text": q.text, "dimension": q.dimension, **_figure(q.figure),
                       "mean_score": _round(q.mean_score), "not_applicable": q.na} for q in r.questions],
        "themes": [{"theme": t.code, "name": theme_name(t.code), "negative": t.negative, "positive": t.positive,
                    "per_100": _round(t.per_100, 2), "per_100_by_mode": {m: _round(v, 2) for m, v in t.by_mode.items()}}
                   for t in r.themes],
    }


def _round(value, digits: int = 1):
    return None if value is None else round(value, digits)


def _figure(figure) -> dict:
    data = figure.as_dict()
    return {"n": data["n"], "satisfaction": data["value"], "low": data["low"], "high": data["high"],
            "small_n": data["small_n"]}


def headers() -> list[str]:
    return [_("Level"), _("Code"), _("Unit name"), _("Belongs to"), _("Mode"), _("Respondents"), _("Satisfaction %"),
            _("95% low"), _("95% high"), _("Fewer than 30"), _("Mean score (0-100)"), _("Recommend %"), _("Position"),
            _("Negative mentions"), _("Per 100 responses")]


def _p(value):
    return None if value is None else round(value * 100, 1)


def _ind(level: str, code: str, name: str, parent: str, mode: str, ind: Indicator, rank=None) -> list:
    s = ind.satisfaction
    return [level, code, name, parent, mode, ind.respondents, _p(s.value), _p(s.low), _p(s.high),
            _("yes") if s.small_n else "", _round(ind.mean_score), _p(ind.recommend.value), rank, None, None]


def flat_rows(view) -> list[list]:
    """Every figure of the month as one row of one long table (level, unit, mode...)."""
    from .figures import MODE_NAMES, ROLE_NAMES

    r = view.report
    all_modes = str(MODE_NAMES.get(r.mode, _("All modes"))) if r.mode else _("All modes")
    rows = [_ind(_("Overall"), "", str(view.month), "", all_modes, r.overall)]
    rows += [_ind(_("Overall"), m, str(MODE_NAMES[m]), "", str(MODE_NAMES[m]), r.by_mode[m]) for m in MODES]
    rows += [_ind(_("Respondent role"), role, str(ROLE_NAMES[role]), "", all_modes, r.by_role[role]) for role in ROLES]
    for level, units in ((_("Hospital"), r.hospitals), (_("Department"), r.departments), (_("Survey point"), r.points)):
        for row in units:
            rows.append(_ind(level, row.code, row.name, row.parent, all_modes, row.indicator, row.rank))
            rows += [_ind(level, row.code, row.name, row.parent, str(MODE_NAMES[m]), row.by_mode[m]) for m in MODES]
    for d in r.dimensions:
        rows.append([_("Dimension"), d.code, d.name, "", all_modes, d.figure.n, _p(d.figure.value), _p(d.figure.low),
                     _p(d.figure.high), _("yes") if d.figure.small_n else "", _round(d.mean_score), None, None,
                     None, None])
    for q in r.questions:
        rows.append([_("Question"), q.code, q.text, q.dimension or "", all_modes, q.figure.n, _p(q.figure.value),
                     _p(q.figure.low), _p(q.figure.high), _("yes") if q.figure.small_n else "",
                     _round(q.mean_score), None, None, None, None])
    for t in r.themes:
        rows.append([_("Theme"), t.code, theme_name(t.code), "", all_modes, r.respondents, None, None, None, "",
                     None, None, None, t.negative, _round(t.per_100, 2)])
    return rows


def indicator_file(view, fmt: str) -> tuple[bytes, str]:
    """(body, mimetype) of the month's indicators as json, csv or xlsx."""
    import json

    if fmt == "json":
        return json.dumps(report_json(view), ensure_ascii=False, indent=1).encode(), "application/json"
    if fmt == "csv":
        return to_csv(headers(), flat_rows(view)), "text/csv; charset=utf-8"
    title = _("Satisfaction indicators %(month)s", month=str(view.month))
    return (to_xlsx(title, headers(), flat_rows(view), widths=[10, 14, 30, 18, 12, 10, 10, 9, 9, 9, 10, 10, 7, 10, 10]),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
