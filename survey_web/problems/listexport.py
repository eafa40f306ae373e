"""A month's problem list as JSON, XLSX, CSV and PDF: the document the meeting works from.

Items shown: drafts awaiting decision and everything on the ledger; rejected and merged drafts are
left out, and a row carried into a later month shows as 已结转. Quotes are already de-identified when
the list is generated; every cell still passes through `exports.safe_cell`.
"""

from __future__ import annotations

from .. import exports, i18n
from ..models.problems import ProblemItem, ProblemList
from ..timeutil import local

HEADERS = ("序号", "问题类别", "问题描述", "涉及科室", "反映次数", "整改措施", "责任部门", "责任人", "整改时限",
           "整改状态", "销号日期")
WIDTHS = (6, 12, 48, 14, 9, 36, 14, 10, 12, 10, 12)
STATUS_ZH = {"draft": "待审定", "open": "立账", "in_progress": "督办", "closed": "销号", "carried": "已结转",
             "rejected": "不予立项", "merged": "已合并"}
SHOWN = ("draft", "open", "in_progress", "closed", "carried")
SECTION_ORDER = {"open": 0, "in_progress": 0, "closed": 0, "draft": 1, "carried": 2}


def shown_items(problem_list: ProblemList) -> list[ProblemItem]:
    """Items of the list document: new items by rank, then carried-over ones, then drafts; a specific
    problem (no rank of its own) follows its theme's line, largest first."""
    items = [i for i in problem_list.items if i.status in SHOWN]
    theme_rank = {i.theme: i.rank for i in items if i.source == "theme" and i.rank is not None}

    def place(item: ProblemItem) -> float:
        if item.rank is not None:
            return item.rank
        return theme_rank.get(item.theme, 10_000) + 0.5

    return sorted(items, key=lambda i: (SECTION_ORDER[i.status], i.carried_from_id is not None, place(i), -i.count,
                                        i.id))


def theme_name(code: str | None) -> str:
    """The theme's Chinese name ('' for none): documents are in Chinese whatever the page language."""
    return i18n.theme_name(code, "zh_CN", missing="")


def department_name(item: ProblemItem, problem_list: ProblemList) -> str:
    """涉及科室: the item's department, the list's department, or the busiest departments of a theme."""
    if item.department is not None:
        return item.department.name
    if problem_list.department is not None:
        return problem_list.department.name
    names = {d.id: d.name for d in problem_list.hospital.departments}
    shares = item.evidence.get("departments") or []
    return "、".join(names.get(d, "") for d, _n in shares[:3]) or "全院"


def title(problem_list: ProblemList) -> str:
    """The document title: scope, year and month."""
    year, month = problem_list.month.split("-")
    scope = problem_list.department.name if problem_list.department else problem_list.hospital.name
    return f"{scope} {year}年{int(month)}月 整改问题清单"


def as_dict(problem_list: ProblemList) -> dict:
    """The JSON document of the list (`flask problem-list --format json`)."""
    items = []
    for number, item in enumerate(shown_items(problem_list), start=1):
        items.append({
            "no": number, "id": item.id, "problem": item.problem, "theme": item.theme,
            "theme_name": theme_name(item.theme), "question": item.question_code,
            "department": department_name(item, problem_list), "count": item.count, "responses": item.responses,
            "rate_per_100": item.evidence.get("rate"), "prev_rate_per_100": item.evidence.get("prev_rate"),
            "rising": bool(item.evidence.get("rising")), "rank": item.rank, "measure": item.measure,
            "owner": item.owner_office, "owner_person": item.owner_person,
            "deadline": item.deadline.isoformat() if item.deadline else None, "status": item.status,
            "status_name": STATUS_ZH[item.status], "origin_month": item.origin_month,
            "carried_over": item.carried_from_id is not None,
            "closed_at": local(item.closed_at).date().isoformat() if item.closed_at else None,
            "measure_taken": item.measure_taken, "closure_evidence": item.closure_evidence,
            "quotes": [q["text"] for q in item.evidence.get("quotes", [])],
        })
    return {"month": problem_list.month, "hospital": problem_list.hospital.name,
            "department": problem_list.department.name if problem_list.department else None,
            "responses": problem_list.responses, "published": problem_list.published_at is not None,
            "summary": problem_list.summary, "items": items}


def rows(problem_list: ProblemList) -> list[list]:
    """The table rows under HEADERS, with up to two quotes under each problem."""
    out = []
    for entry in as_dict(problem_list)["items"]:
        problem = entry["problem"]
        if entry["quotes"]:
            problem += "\n典型意见：" + "；".join(f"“{q}”" for q in entry["quotes"][:2])
        status = entry["status_name"] + ("（上月结转）" if entry["carried_over"] and entry["status"] != "carried" else "")
        out.append([entry["no"], entry["theme_name"] or "其他", problem, entry["department"], entry["count"],
                    entry["measure"] or "", entry["owner"] or "", entry["owner_person"] or "", entry["deadline"] or "",
                    status, entry["closed_at"] or ""])
    return out


def subtitle(problem_list: ProblemList) -> str:
    """The line under the title: month and number of responses."""
    return f"统计月份：{problem_list.month}　有效问卷：{problem_list.responses} 份"


def to_xlsx(problem_list: ProblemList) -> bytes:
    """The list as a printable XLSX sheet."""
    return exports.to_xlsx(title(problem_list), HEADERS, rows(problem_list), widths=WIDTHS,
                           subtitle=subtitle(problem_list))


def to_csv(problem_list: ProblemList) -> bytes:
    """The list as CSV (UTF-8 with BOM)."""
    return exports.to_csv(HEADERS, rows(problem_list))


def to_pdf(problem_list: ProblemList) -> bytes:
    """The list as an A4 landscape PDF, with the published summary under it."""
    notes = [f"结果通报：{problem_list.summary}"] if problem_list.published_at and problem_list.summary else []
    return exports.to_pdf(title(problem_list), HEADERS, rows(problem_list), subtitle=subtitle(problem_list),
                          widths=WIDTHS, notes=notes)
