"""The quarterly complaint analysis (投诉分析) in the half-year summary's machinery: a list of sections that
`reporting.report_files` turns into the PDF and the XLSX alike.

By channel, by department (on-time rate, hours to the first reply), by theme, and recurring problems: a
theme raised again in the same department within the quarter, or raised in the previous quarter too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _

from analysis.deidentify import excerpt

from ..i18n import theme_name
from ..models import ComplaintCase
from ..reporting.periods import Quarter
from ..reporting.report_files import Section
from ..timeutil import today
from .classify import effective_themes
from .labels import CHANNEL_LABELS, KIND_LABELS, SATISFACTION_LABELS
from .stats import Breakdown, Handling, breakdown, cases_between


@dataclass
class Recurring:
    department: str
    theme: str
    cases: int
    previous: int  # cases of the same department and theme in the previous quarter
    example: str


@dataclass
class QuarterAnalysis:
    quarter: Quarter
    now: Breakdown
    before: Breakdown
    satisfaction: Counter
    recurring: list[Recurring]


def _pairs(cases: list[ComplaintCase]) -> dict[tuple[str, str], list[ComplaintCase]]:
    pairs = defaultdict(list)
    for case in cases:
        for code, polarity in effective_themes(case).items():
            if polarity == "neg":
                for department in case.departments or [None]:
                    pairs[(department.name if department else "—", code)].append(case)
    return pairs


def analyse(hospital_ids: set[int] | None, quarter: Quarter) -> QuarterAnalysis:
    """The figures of QUARTER for HOSPITAL_IDS (None: all), beside the previous quarter's."""
    day = today()
    now_cases = cases_between(hospital_ids, quarter.start, quarter.end)
    previous = quarter.previous()
    before_cases = cases_between(hospital_ids, previous.start, previous.end)
    now_pairs, before_pairs = _pairs(now_cases), _pairs(before_cases)
    recurring = [Recurring(department, code, len(found), len(before_pairs.get((department, code), [])),
                           excerpt(found[-1].text, 80))
                 for (department, code), found in now_pairs.items()
                 if len(found) >= 2 or (department, code) in before_pairs]
    recurring.sort(key=lambda r: (-(r.cases + r.previous), r.department, r.theme))
    satisfaction = Counter(c.satisfaction for c in now_cases if c.satisfaction)
    return QuarterAnalysis(quarter, breakdown(now_cases, day), breakdown(before_cases, day), satisfaction, recurring)


def _rate(handling: Handling) -> str:
    return f"{handling.on_time_rate * 100:.0f}% ({handling.on_time}/{handling.decided})" if handling.decided else "–"


def _hours(handling: Handling) -> str:
    return f"{handling.median_hours:.1f}" if handling.median_hours is not None else "–"


def sections(a: QuarterAnalysis) -> list[Section]:
    """The analysis as sections for report_files.to_xlsx / to_pdf."""
    now, before = a.now.overall, a.before.overall
    overview = Section(_("Overview"), [_("Figure"), str(a.quarter), str(a.quarter.previous())])
    overview.rows = [
        [_("Cases received"), now.cases, before.cases],
        *[[str(KIND_LABELS[k]), a.now.by_kind.get(k, 0), a.before.by_kind.get(k, 0)] for k in KIND_LABELS],
        [_("Replied"), now.replied, before.replied],
        [_("On-time rate of the first reply"), _rate(now), _rate(before)],
        [_("Median hours to the first reply"), _hours(now), _hours(before)],
        [_("Complaint closed"), now.closed, before.closed],
        *[[_("Call-back: %(answer)s", answer=label), a.satisfaction.get(key, 0), ""]
          for key, label in SATISFACTION_LABELS.items()],
    ]
    overview.notes = [_("On time: the complainant heard the handling within 5 working days, or 10 when several "
                        "departments had to act (《医疗机构投诉管理办法》); a case still open past its deadline counts "
                        "as late.")]
    channels = Section(_("By channel"), [_("Channel"), str(a.quarter), str(a.quarter.previous())])
    channels.rows = [[str(label), a.now.by_channel.get(key, 0), a.before.by_channel.get(key, 0)]
                     for key, label in CHANNEL_LABELS.items() if a.now.by_channel.get(key) or a.before.by_channel.get(key)]
    departments = Section(_("By department"), [_("Department"), _("Cases"), _("On-time rate"),
                                               _("Median hours to the first reply"), _("Waiting for a reply")])
    departments.rows = [[department.name if department else _("No department"), h.cases, _rate(h), _hours(h), h.open]
                        for department, h in a.now.by_department]
    themes = Section(_("By theme (negative)"), [_("Theme"), str(a.quarter), str(a.quarter.previous())])
    themes.rows = [[theme_name(code), count, a.before.by_theme.get(code, 0)]
                   for code, count in a.now.by_theme.most_common()]
    recurring = Section(_("Recurring problems"), [_("Department"), _("Theme"), _("Cases this quarter"),
                                                  _("Cases last quarter"), _("Latest complaint (de-identified)")])
    recurring.rows = [[r.department, theme_name(r.theme), r.cases, r.previous, r.example] for r in a.recurring]
    recurring.notes = [_("A theme raised at least twice in one department this quarter, or raised there last "
                         "quarter as well.")]
    return [overview, channels, departments, themes, recurring]


def title(hospital_name: str, quarter: Quarter) -> str:
    return _("%(hospital)s complaint analysis, %(quarter)s", hospital=hospital_name, quarter=str(quarter))
