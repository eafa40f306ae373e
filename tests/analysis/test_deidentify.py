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
    ("3床的李护士态度差", "*床的李护士态度差", "3床"),
])
def test_identifiers_are_masked(text, masked, gone):
    """Phones, IDs, cards, e-mails, chat ids, record numbers and introduced names are masked."""
    assert deidentify(text) == masked
    assert gone not in deidentify(text)


@pytest.mark.parametrize("text", [
    "李护士态度差", "我是患者家属", "我是高血压患者", "我是外地来的", "我是李护士的病人", "我是张医生的家属",
    "2023.10.12 14:30来的", "一床被子不够", "照顾好病人是应该的", "等了２小时才看上", "2023年10月12日看病", "挂号费 50 元", "7楼电梯坏了",
])
def test_ordinary_text_is_untouched(text):
    """Staff surnames, dates, prices, floors and short numbers stay: the feedback must stay usable."""
    assert deidentify(text) == text


def test_empty_and_excerpt():
    """None gives ''; excerpts are de-identified, one line and cut with an ellipsis."""
    assert deidentify(None) == ""
    quote = excerpt("联系我13812345678\n" + "很好" * 100, limit=20)
    assert len(quote) == 20 and quote.endswith("…") and "1234" not in quote and "\n" not in quote


@pytest.mark.parametrize(("text", "masked", "gone"), [
    ("电话138 1234 5678", "电话138 **** 5678", "1234"),
    ("1 3 8 1 2 3 4 5 6 7 8", "1 3 8 * * * * 5 6 7 8", "1 2 3 4"),
    ("手机138.1234.5678", "手机138.****.5678", "1234"),
    ("电话13\u200b8123\u200b45678", "电话138****5678", "1234"),
    ("电话1\u20603\u20608\ufeff12345678", "电话138****5678", "1234"),
])
def test_split_digits_are_masked(text, masked, gone):
    """Digits split by spaces, dots or zero-width characters are masked like an unbroken number."""
    assert deidentify(text) == masked
    assert gone not in deidentify(text)


@pytest.mark.parametrize(("text", "masked", "gone"), [
    ("电话一三八一二三四五六七八", "电话一三八****五六七八", "一二三四"),
    ("打幺三八 幺二三四 五六七八", "打幺三八 **** 五六七八", "幺二三四"),
    ("号码壹叁捌壹贰叁肆伍陆柒捌", "号码壹叁捌****伍陆柒捌", "壹贰叁肆"),
])
def test_chinese_numerals_are_masked(text, masked, gone):
    """A number written in Chinese numerals (一三八…, 幺, 壹贰叁) is masked."""
    assert deidentify(text) == masked
    assert gone not in deidentify(text)


def test_rtl_override_reversed_number_is_masked():
    """A number typed backwards inside a right-to-left override (shown forwards) is masked, the override removed."""
    for text in ("电话\u202e87654321831\u202c", "电话\u202e8765 4321 831\u202c", "\u2067876543218 31\u2069"):
        masked = deidentify(text)
        assert "\u202e" not in masked and "\u2067" not in masked
        assert sum(c.isdigit() for c in masked) <= 2, masked


@pytest.mark.parametrize(("text", "masked"), [
    ("我是王小明", "我是王**"),
    ("你好，我是欧明，住院期间", "你好，我是欧*，住院期间"),
    ("我是陈建国的家属，想反映", "我是陈**的家属，想反映"),
])
def test_self_introduction_names_are_masked(text, masked):
    """'我是王小明'-style self-introductions mask the name; '我是李护士', '我是高血压患者' stay readable."""
    assert deidentify(text) == masked


@pytest.mark.parametrize(("text", "masked"), [
    ("12床的病人半夜一直按铃", "**床的病人半夜一直按铃"),
    ("住在15号床，护士很好", "住在**号床，护士很好"),
    ("床号：23", "床号：**"),
    ("加１２床太吵", "加**床太吵"),
])
def test_bed_numbers_are_masked(text, masked):
    """Bed numbers (12床, 15号床, 床号：23) are masked: with the ward and the date they identify a patient."""
    assert deidentify(text) == masked


@pytest.mark.parametrize(("text", "masked"), [
    ("身份证 110101 19900307 123X", "身份证 110*** ******** **3X"),
    ("身份证号1101 0119 9003 0712 34", "身份证号110* **** **** **** 34"),
    ("证件 110101-19900307-1234", "证件 110***-********-**34"),
])
def test_id_numbers_with_spaces_are_masked(text, masked):
    """An 18-character ID number written in groups is masked like an unbroken one, not as a bank card."""
    assert deidentify(text) == masked
    assert "19900307" not in masked.replace(" ", "").replace("-", "")
