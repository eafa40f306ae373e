"""Staff praised by name in positive comments (选树先进典型): "王医生很耐心", "谢谢李护士长".

Plain Python, no Flask. Patients name staff by surname and title; a surname from the common list
followed by a title is taken as one person of one department (the caller counts per department, so
two 王医生 in two departments stay apart). Precision over recall: an unusual surname is missed rather
than a phrase such as "的医生" being taken for a name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

TITLES = ("护士长", "医生", "大夫", "护士", "主任", "药师", "技师", "老师", "师傅")
# The commonest surnames, without those that are also everyday words before a title ("和医生", "向护士").
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
            "崔钟谭陆汪范金石廖贾夏韦付白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤温康施牛樊葛邢齐"
            "易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛翁冉骆蓝游辛靳管柴"
            "蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆农卓缪简项芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋"
            "刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝")
# An optional 小/老 before the surname ("小王护士") is dropped, so 小王护士 and 王护士 count together.
_NAME = re.compile(rf"(?:小|老)?([{SURNAMES}])({'|'.join(TITLES)})")
# 主任医师 / 护士站 are job titles or places, not a person.
_NOT_A_PERSON = re.compile(r"^(?:主任医师|护士站|医生站|护士台)")
# 谢 is a surname, but in 谢谢医生 / 感谢护士 it is thanks.
_NOT_AFTER = {"谢": "谢感多致鸣答"}


def names_in(text: str) -> list[str]:
    """Staff named in TEXT, e.g. ['王医生', '李护士长'], each once."""
    found: list[str] = []
    for match in _NAME.finditer(text or ""):
        surname, before = match.group(1), text[match.start(1) - 1] if match.start(1) else ""
        if _NOT_A_PERSON.match(text[match.start(2):]) or (before and before in _NOT_AFTER.get(surname, "")):
            continue
        name = match.group(1) + match.group(2)
        if name not in found:
            found.append(name)
    return found


def praised(texts: Iterable[tuple[object, str]]) -> Counter:
    """Counter of (group, name) over (group, text) pairs: how many comments praise each named person."""
    counts: Counter = Counter()
    for group, text in texts:
        for name in names_in(text):
            counts[(group, name)] += 1
    return counts
