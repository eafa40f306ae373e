"""A closed round's results as an XLSX sheet: the same groups the dashboard shows, nothing finer."""

from __future__ import annotations

from flask_babel import gettext as _

from ..exports import to_xlsx
from .results import Results, dimension_name


def results_xlsx(res: Results) -> bytes:
    headers = [_("Kind"), _("Group"), _("Responses")] + [f"{dimension_name(d)} %" for d in res.dimensions]
    rows = []
    for kind, group in ((_("Group"), res.cells), (_("Filter"), res.views)):
        for row in group:
            rows.append([kind, row.label, row.figure.n] + [_percent(row.figure.share(d)) for d in res.dimensions])
    subtitle = _("Satisfaction = share of answers of 4 or 5 out of 5. Groups under %(k)d responses are merged "
                 "upward and never shown; %(n)d responses in all.", k=res.k, n=res.total) + " " + _(
        "%(n)d filters not shown: they would reveal a group under %(k)d", n=res.hidden, k=res.k)
    return to_xlsx(res.survey.title, headers, rows, widths=[10, 44, 10] + [12] * len(res.dimensions),
                   subtitle=subtitle)


def _percent(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None
