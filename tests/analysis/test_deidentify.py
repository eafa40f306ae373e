"""Personal identifiers in free text are masked; the complaint itself stays readable."""

from __future__ import annotations

import pytest

from analysis.deidentify import deidentify, excerpt


@pytest.mark.parametrize(("text", "masked", "gone"), [
    ("电话13812345678，快回电", "电话138****5678，快回电", "12345678"),
    ("手机 138-1234-5678", "手机 138-****-5678", "1234"),
    ("+86 13912345678", "+86 139****5678", "1234"),
    ("全角１３８１２３４５６７８", "全角１３８****５６７８", "１２３４"),
    ("身份证110101199003071234", "身份证110*************34", "19900307"),
    ("身份证号：11010119900307123X", "身份证号：110*************3X", "19900307"),
    ("卡号6222021234567890123", "卡号***************0123", "622202"),
    ("座机010-12345678", "座机***-******78", "123456"),
    ("邮箱zhangsan@qq.com", "邮箱z***@qq.com", "zhangsan"),
    ("加我微信号：wxid_abc123", "加我微信号：w***_******", "abc123"),
    ("我叫王小明，住院号 20230456", "我叫王**，住院号 ******56", "小明"),
    ("患者姓名：张三", "患者姓名：张*", "张三"),
    ("订单号 1234567890", "订单号 ********90", "12345678"),
])
def test_identifiers_are_masked(text, masked, gone):
    """Phones, IDs, cards, e-mails, chat ids, record numbers and introduced names are masked."""
    assert deidentify(text) == masked
    assert gone not in deidentify(text)


@pytest.mark.parametrize("text", [
    "3床的李护士态度差", "我是患者家属", "等了２小时才看上", "2023年10月12日看病", "挂号费 50 元", "7楼电梯坏了",
])
def test_ordinary_text_is_untouched(text):
    """Staff surnames, dates, prices, floors and short numbers stay: the feedback must stay usable."""
    assert deidentify(text) == text


def test_empty_and_excerpt():
    """None gives ''; excerpts are de-identified, one line and cut with an ellipsis."""
    assert deidentify(None) == ""
    quote = excerpt("联系我13812345678\n" + "很好" * 100, limit=20)
    assert len(quote) == 20 and quote.endswith("…") and "1234" not in quote and "\n" not in quote
