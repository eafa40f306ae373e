"""Platform exports as the hospital receives them, good rows and the bad ones that really occur."""

from __future__ import annotations

from datetime import datetime

from survey_web.complaints.hotline import formats, samples

HOSPITAL = "测试市人民医院"
FORMULA = "=cmd|' /C calc'!A0"


def good(name: str = "12345", count: int = 6, seed: int = 15) -> list[dict]:
    """COUNT good orders for 心内科 and 骨科 of the test world's hospital H1, called in November 2026."""
    return samples.rows(formats.get(name), count, HOSPITAL, ["心内科", "骨科"], datetime(2026, 11, 2, 8), seed)


def with_bad_rows(name: str = "12345") -> tuple[list[dict], dict[int, tuple[str, str]]]:
    """Twelve orders, six of them bad, and {row number in the file: (heading, code)} of the bad ones.

    Row numbers count the header as row 1 (so the first order is row 2), as a spreadsheet shows them."""
    fmt = formats.get(name)
    records = good(name, 12)
    records[1]["order_no"] = ""
    records[3]["called_at"] = "2026-13-45 25:00"
    records[5]["order_no"] = records[4]["order_no"]
    records[6]["department"] = f"{HOSPITAL}/皮肤科"
    records[8]["text"] = "医院门诊大厅排队时间过长，" * 300
    records[9]["due_at"] = "2026-10-01 17:30:00"  # before the call
    records[10]["text"] = FORMULA  # a good row: stored as text, never a formula
    bad = {3: (fmt.heading("order_no"), "missing"), 5: (fmt.heading("called_at"), "bad_date"),
           7: (fmt.heading("order_no"), "duplicate_in_file"), 8: (fmt.heading("department"), "unknown_department"),
           10: (fmt.heading("text"), "too_long"), 11: (fmt.heading("due_at"), "due_before_call")}
    return records, bad
