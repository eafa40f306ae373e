"""Staff praised by name, read from positive comments."""

from __future__ import annotations

from analysis.praise import names_in, praised


def test_names_are_surname_and_title():
    """小王护士 and 王护士 are one person; 护士站 and 主任医师 are not people; 的医生 is not a name."""
    assert names_in("王医生很耐心，谢谢李护士长和小王护士，王护士也好") == ["王医生", "李护士长", "王护士"]
    assert names_in("护士站的医生都很好，主任医师看得仔细，谢谢护士和医生，感谢主任") == []
    assert names_in("谢医生很好，谢谢主任") == ["谢医生"]
    assert names_in("") == []


def test_praise_is_counted_per_group():
    """The same name in two departments stays two people."""
    counts = praised([("心内科", "王医生好"), ("骨科", "王医生好"), ("心内科", "感谢王医生！王医生")])
    assert counts[("心内科", "王医生")] == 2 and counts[("骨科", "王医生")] == 1
