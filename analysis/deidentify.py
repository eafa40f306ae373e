"""Masking personal identifiers in free text (PIPL): what staff see, quote and export.

Plain Python, no Flask. `deidentify(text)` keeps the comment readable and masks what identifies a
patient: mobile and landline numbers, 18-digit resident ID numbers, bank card numbers, e-mail
addresses, WeChat/QQ ids, hospital record numbers (住院号, 病历号, 就诊卡号...), bed numbers ("12床") and
a patient's own name when introduced as one ("我叫张三", "患者姓名：李四", "我是王小明").

Numbers written to slip past a mask are caught too: digits split by spaces, dots or dashes, Chinese
numerals (一三八…), full-width digits, and digits hidden behind zero-width or bidirectional-override
characters (which are removed: on a staff page they would also make text read backwards).

Staff surnames in complaints ("李护士态度差") are left alone on purpose: they are what makes the
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
# Invisible characters: zero-width ones and the bidirectional controls (an RTL override shows a number reversed).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c\u00ad]")
# Digits in any script a respondent may type, with their values; runs of them may be split by separators.
# Whatever run of 9 or more is left after the specific patterns is masked (order, card or record numbers
# without a cue word).
_DIGIT_VALUES = {**{c: str(i) for i, c in enumerate("0123456789")}, **{c: str(i) for i, c in enumerate("０１２３４５６７８９")},
                 **{c: str(i) for i, c in enumerate("〇一二三四五六七八九")}, **{c: str(i) for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")},
                 "幺": "1", "洞": "0"}
_DG = "[" + "".join(_DIGIT_VALUES) + "]"
_RUN_SEP = r"[ \u3000.．·・\-－—_/]{1,2}"
_DIGIT_RUN = re.compile(rf"(?<!{_DG}){_DG}(?:(?:{_RUN_SEP})?{_DG})*(?:(?:{_RUN_SEP})?[Xx])?(?!{_DG})")
_DATE_START = re.compile(r"(?:19|20)\d\d[ .．\-－/]\d{1,2}[ .．\-－/]\d{1,2}")
_MIN_RUN = 9
_BED = re.compile(_NOT_DIGIT_BEFORE + rf"(?P<value>{D}{{1,3}})(?P<cue>\s*(?:号)?(?:床|病床))")
_BED_CUE = re.compile(rf"(?P<cue>(?:床号|床位号?)\s*[:：是为]?\s*)(?P<value>{D}{{1,3}}){_NOT_DIGIT_AFTER}")
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
# "我是王小明": only a common surname followed by one or two characters and then a pause (or 的 + a
# relative) counts, so "我是外地来的" or "我是高血压患者" stay readable.
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁"
             "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
             "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅"
             "童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项"
             "连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞"
             "敖巩明佘池查麻苑迟邝")
# "我是李护士": a surname and a title name a member of staff (or nobody in particular), not a patient.
_TITLES = ("护士", "医生", "大夫", "主任", "老师", "阿姨", "师傅", "先生", "女士", "小姐", "大爷", "大妈", "奶奶", "爷爷",
           "护工", "院长", "药师", "同志")
_KIN = "(?:家属|家人|父亲|母亲|爸爸|妈妈|儿子|女儿|爱人|妻子|丈夫|老伴|孙子|孙女|陪护)"
_SELF_NAME = re.compile(
    rf"(?P<cue>(?:我是|本人是|我就是))(?P<value>[{_SURNAMES}](?:(?![的了是在来去])[\u4e00-\u9fff]){{1,2}}?)"
    rf"(?=$|[\s，。！？、；：,.!?;:）)]|的{_KIN})")


def _keep_ends(value: str, head: int, tail: int) -> str:
    """VALUE with all but HEAD leading and TAIL trailing characters starred (separators kept)."""
    chars = list(value)
    positions = [i for i, c in enumerate(chars) if c.isalnum()]
    for i in positions[head:len(positions) - tail if tail else None]:
        chars[i] = "*"
    return "".join(chars)


def _mask_name(match: re.Match) -> str:
    value = match.group("value")
    if value.startswith(_NOT_NAMES) or value[:2] in _NOT_NAMES or value[1:] in _TITLES:
        return match.group(0)
    return match.group("cue") + value[0] + "*" * (len(value) - 1)


def deidentify(text: str | None) -> str:
    """TEXT with personal identifiers masked; safe to show, quote and export. None gives ''."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", text)
    text = _EMAIL.sub(lambda m: _mask_email(m.group(0)), text)
    text = _ID_NUMBER.sub(lambda m: _keep_ends(m.group(0), 3, 2), text)
    text = _DIGIT_RUN.sub(lambda m: _mask_run(m.group(0), ids_only=True), text)
    text = _BANK_CARD.sub(lambda m: _keep_ends(m.group(0), 0, 4), text)
    text = _MOBILE.sub(_mask_mobile, text)
    text = _LANDLINE.sub(lambda m: _keep_ends(m.group(0), 0, 2), text)
    text = _HANDLE.sub(lambda m: m.group("cue") + _keep_ends(m.group("value"), 1, 0), text)
    text = _RECORD.sub(lambda m: m.group("cue") + _keep_ends(m.group("value"), 0, 2), text)
    text = _DIGIT_RUN.sub(lambda m: _mask_run(m.group(0)), text)
    text = _BED.sub(lambda m: "*" * len(m.group("value")) + m.group("cue"), text)
    text = _BED_CUE.sub(lambda m: m.group("cue") + "*" * len(m.group("value")), text)
    text = _SELF_NAME.sub(_mask_name, text)
    return _NAME.sub(_mask_name, text)


def _mask_run(run: str, ids_only: bool = False) -> str:
    """A run of digits (any script, maybe split by separators) masked by what it looks like.

    An ID number keeps its first 3 and last 2, a mobile number its first 3 and last 4, anything else of
    9 digits or more its last 2. A leading date ("2023.10.12 14") is not a number and is kept.
    """
    date = _DATE_START.match(run)
    if date and not ids_only:
        rest = run[date.end():]
        stripped = rest.lstrip(" \u3000.．·・-－—_/")
        return run[:date.end()] + rest[:len(rest) - len(stripped)] + (_mask_run(stripped) if stripped else "")
    value = "".join(_DIGIT_VALUES.get(c, c.upper() if c in "Xx" else "") for c in run)
    if len(value) == 18 and value[6:8] in ("19", "20") and value[:17].isdigit():
        return _keep_ends(run, 3, 2)
    if ids_only or len(value) < _MIN_RUN or not value[:-1].isdigit():
        return run
    if len(value) == 11 and value[0] == "1" and value[1] in "3456789":
        return _keep_ends(run, 3, 4)
    return _keep_ends(run, 0, 2)


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
