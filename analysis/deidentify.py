"""Masking personal identifiers in free text (PIPL): what staff see, quote and export.

Plain Python, no Flask. `deidentify(text)` keeps the comment readable and masks what identifies a
patient: mobile and landline numbers, 18-digit resident ID numbers, bank card numbers, e-mail
addresses, WeChat/QQ ids, hospital record numbers (住院号, 病历号, 就诊卡号...) and a patient's own
name when introduced as one ("我叫张三", "患者姓名：李四").

Staff surnames in complaints ("3床的李护士态度差") are left alone on purpose: they are what makes the
feedback actionable, and they identify staff at work, not a patient.
"""

from __future__ import annotations

import re

# Full-width digits are matched too: they are a common (and accidental) way around a mask.
D = "[0-9０-９]"
_NOT_DIGIT_BEFORE = r"(?<![0-9０-９])"
_NOT_DIGIT_AFTER = r"(?![0-9０-９])"
_SEP = r"[ \-－]?"

_ID_NUMBER = re.compile(
    _NOT_DIGIT_BEFORE + rf"{D}{{6}}(?:19|20|１９|２０){D}{{2}}{D}{{2}}{D}{{2}}{D}{{3}}[0-9０-９Xx]"
    + r"(?![0-9０-９A-Za-z])")
_BANK_CARD = re.compile(_NOT_DIGIT_BEFORE + rf"(?:{D}{{4}}{_SEP}){{3}}{D}{{4,7}}" + _NOT_DIGIT_AFTER)
_MOBILE = re.compile(
    _NOT_DIGIT_BEFORE + rf"(?:\+?86{_SEP})?[1１][3-9３-９]{D}{_SEP}{D}{{4}}{_SEP}{D}{{4}}" + _NOT_DIGIT_AFTER)
_LANDLINE = re.compile(
    _NOT_DIGIT_BEFORE + rf"[(（]?[0０]{D}{{2,3}}[)）]?{_SEP}{D}{{7,8}}" + _NOT_DIGIT_AFTER)
# Whatever else is a long run of digits (order, card or record numbers without a cue word).
_LONG_DIGITS = re.compile(_NOT_DIGIT_BEFORE + rf"{D}{{9,}}" + _NOT_DIGIT_AFTER)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_HANDLE = re.compile(r"(?P<cue>(?:微信号?|VX|vx|WX|wx|QQ号?|qq号?)\s*[:：是为]?\s*)(?P<value>[A-Za-z0-9_\-]{5,20})")
_RECORD = re.compile(
    r"(?P<cue>(?:住院号|病历号|病案号|门诊号|就诊卡号?|医保卡号?|社保卡号?|身份证号?|卡号|床位号)\s*[:：是为]?\s*)"
    r"(?P<value>[A-Za-z0-9０-９]{4,})")
_NAME = re.compile(
    r"(?P<cue>(?:我|本人|患者|病人|家属|我妈|我爸|老人)(?:叫|名叫|的名字是|姓名是?)|姓名\s*[:：]\s*)"
    r"(?P<value>[\u4e00-\u9fff]{2,3})")
# Words that follow 我叫/我是 but are not names.
_NOT_NAMES = ("护士", "医生", "大夫", "家属", "患者", "病人", "他们", "我们", "什么", "不出", "不到", "不上")


def _keep_ends(value: str, head: int, tail: int) -> str:
    """VALUE with all but HEAD leading and TAIL trailing characters starred (separators kept)."""
    chars = list(value)
    positions = [i for i, c in enumerate(chars) if c.isalnum()]
    for i in positions[head:len(positions) - tail if tail else None]:
        chars[i] = "*"
    return "".join(chars)


def _mask_name(match: re.Match) -> str:
    value = match.group("value")
    if value.startswith(_NOT_NAMES) or value[:2] in _NOT_NAMES:
        return match.group(0)
    return match.group("cue") + value[0] + "*" * (len(value) - 1)


def deidentify(text: str | None) -> str:
    """TEXT with personal identifiers masked; safe to show, quote and export. None gives ''."""
    if not text:
        return ""
    text = _EMAIL.sub(lambda m: _mask_email(m.group(0)), text)
    text = _ID_NUMBER.sub(lambda m: _keep_ends(m.group(0), 3, 2), text)
    text = _BANK_CARD.sub(lambda m: _keep_ends(m.group(0), 0, 4), text)
    text = _MOBILE.sub(_mask_mobile, text)
    text = _LANDLINE.sub(lambda m: _keep_ends(m.group(0), 0, 2), text)
    text = _HANDLE.sub(lambda m: m.group("cue") + _keep_ends(m.group("value"), 1, 0), text)
    text = _RECORD.sub(lambda m: m.group("cue") + _keep_ends(m.group("value"), 0, 2), text)
    text = _LONG_DIGITS.sub(lambda m: _keep_ends(m.group(0), 0, 2), text)
    return _NAME.sub(_mask_name, text)


def _mask_mobile(match: re.Match) -> str:
    value = match.group(0)
    digits = sum(c.isdigit() for c in value)
    # '138****5678', like the contact field; a +86 prefix stays visible.
    return _keep_ends(value, digits - 11 + 3, 4)


def _mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return local[:1] + "***@" + domain


def excerpt(text: str | None, limit: int = 120) -> str:
    """A de-identified quote of at most LIMIT characters, cut with an ellipsis."""
    clean = " ".join(deidentify(text).split())
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
