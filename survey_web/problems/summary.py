"""结果通报: the month's published summary, drafted from the ledger for the office to edit."""

from __future__ import annotations

from datetime import date

from analysis.ledger import LIVE, ItemStatus, is_overdue

from ..models.problems import ProblemList
from .listexport import department_name, theme_name


def draft_summary(problem_list: ProblemList, today: date) -> str:
    """A Chinese summary of the list as it stands on TODAY."""
    items = [i for i in problem_list.items if i.status not in (ItemStatus.REJECTED, ItemStatus.MERGED)]
    ledger = [i for i in items if i.status != ItemStatus.DRAFT]
    carried_in = [i for i in ledger if i.carried_from_id is not None]
    closed = [i for i in ledger if i.status == ItemStatus.CLOSED]
    live = [i for i in ledger if i.status in LIVE]
    overdue = [i for i in live if is_overdue(i.status, i.deadline, today)]
    drafts = [i for i in items if i.status == ItemStatus.DRAFT]
    year, month = problem_list.month.split("-")
    scope = problem_list.department.name if problem_list.department else "全院"
    text = (f"{year}年{int(month)}月，{scope}共收到有效问卷 {problem_list.responses} 份，"
            f"列入整改台账 {len(ledger)} 项（本月新立账 {len(ledger) - len(carried_in)} 项，上月结转 {len(carried_in)} 项）。"
            f"截至 {today.isoformat()}，已销号 {len(closed)} 项，督办中 {len(live)} 项（其中超期 {len(overdue)} 项）")
    text += f"，待审定 {len(drafts)} 项。" if drafts else "。"
    top = sorted((i for i in ledger if i.status != ItemStatus.CARRIED), key=lambda i: (i.rank or 10_000, i.id))[:5]
    if top:
        text += "\n主要问题及整改情况："
        for number, item in enumerate(top, start=1):
            label = theme_name(item.theme) or "其他"
            state = {"closed": "已销号", "open": "已立账", "in_progress": "督办中"}.get(item.status, "")
            text += (f"\n{number}. {label}（{department_name(item, problem_list)}，反映 {item.count} 次）："
                     f"{item.measure_taken or item.measure or ''}【{state}】")
    return text
