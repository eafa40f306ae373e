"""Specs for the question banks: the shipped YAML data and the loader's validation rules."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from question_banks import (
    BANKS_DIR,
    DIMENSIONS,
    LANGS,
    SCALE_LABELS,
    THEMES,
    Bank,
    BankError,
    Question,
    load_bank,
    load_banks,
    load_scale,
    scale_levels,
)

SHIPPED = ("outpatient", "inpatient", "emergency", "family", "discharge")

REQUIRED_DIMENSIONS = {
    "outpatient": {"appointment", "waiting", "environment", "wayfinding", "privacy", "doctor",
                   "nurse", "tests", "pharmacy", "billing", "parking", "overall", "recommend"},
    "inpatient": {"admission", "environment", "privacy", "doctor", "nurse", "tests", "pharmacy",
                  "food", "billing", "overall", "recommend"},
    "emergency": {"waiting", "wayfinding", "environment", "privacy", "doctor", "nurse", "tests",
                  "pharmacy", "billing", "parking", "overall", "recommend"},
    "family": {"family", "doctor", "nurse", "environment", "wayfinding", "food", "billing",
               "parking", "overall", "recommend"},
    "discharge": {"discharge", "followup", "doctor", "nurse", "pharmacy", "billing",
                  "appointment", "overall", "recommend"},
}

# Services a respondent may well not have used: they must offer 不适用 wherever asked.
OPTIONAL_SERVICES = {"parking", "tests", "pharmacy", "food", "family_meals", "billing",
                     "appointment", "followup_appointment", "caregiver_rest", "nurse_response"}
# Experiences every respondent had: 不适用 would only invite skipping them.
CORE_EXPERIENCES = {"overall", "doctor_communication", "nurse_communication", "environment",
                    "privacy", "waiting", "wayfinding"}

# Characters that exist only in one script (a small, common sample).
SIMPLIFIED_ONLY = set("们这门诊医护药费时对说话检满问见议吗饭钱厕卫间荐亲写谢约号预务态语经验"
                      "应让还没关个为实总体净听讲请结账缴导标识")
TRADITIONAL_ONLY = set("們這門診醫護藥費時對說話檢滿問見議嗎飯錢廁衛間薦親寫謝約號預務態語經驗"
                       "應讓還沒關個為實總體淨聽講請結賬繳導標識")


@pytest.fixture(scope="module")
def banks() -> dict[str, Bank]:
    return load_banks()


def all_texts(bank: Bank) -> Iterator[tuple[str, dict[str, str]]]:
    """Every multilingual text of a bank, with a label saying where it is."""
    for key in ("title", "intro", "thanks"):
        yield f"{bank.code}.{key}", getattr(bank, key)
    for q in bank.questions:
        yield f"{bank.code}.{q.code}.text", q.text
        if q.plain:
            yield f"{bank.code}.{q.code}.plain", q.plain
        for option in q.options:
            yield f"{bank.code}.{q.code}.{option.value}", option.label


def tr(text: str) -> dict[str, str]:
    """The same text in all three languages (enough for validation tests)."""
    return {lang: text for lang in LANGS}


SATISFIED_WITH_WAITING = {"zh-CN": "等候时间满意吗？", "zh-TW": "等候時間滿意嗎？", "en": "Satisfied with the wait?"}
PLAIN_WAITING = {"zh-CN": "等候，您满意吗？", "zh-TW": "等候，您滿意嗎？", "en": "Happy with the wait?"}


def valid_bank(code: str = "demo") -> dict[str, Any]:
    """A small bank that passes validation; tests break one thing at a time."""
    return {
        "code": code,
        "title": tr("演示问卷"),
        "intro": tr("匿名，约 2 分钟。"),
        "thanks": tr("谢谢！"),
        "questions": [
            {"code": "waiting", "type": "scale", "dimension": "waiting", "theme": "waiting",
             "na": False, "text": dict(SATISFIED_WITH_WAITING), "plain": dict(PLAIN_WAITING)},
            {"code": "recommend", "type": "choice", "dimension": "recommend",
             "text": tr("愿意推荐吗？"),
             "options": [{"value": "willing", "label": tr("愿意")},
                         {"value": "unwilling", "label": tr("不愿意")}]},
            {"code": "comment", "type": "text", "max_length": 500, "text": tr("意见和建议？")},
        ],
    }


def write(tmp_path: Path, data: Any, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def bank_error(path: Path, *fragments: str) -> str:
    """Load ``path``, expect a BankError, check the message holds every fragment."""
    with pytest.raises(BankError) as caught:
        load_bank(path)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


# --- shipped data ---------------------------------------------------------------------------

def test_all_shipped_banks_load(banks: dict[str, Bank]) -> None:
    """The five patient banks and the staff bank load from the package folder, keyed by their code."""
    assert sorted(banks) == sorted((*SHIPPED, "staff"))
    assert all(isinstance(bank, Bank) for bank in banks.values())


@pytest.mark.parametrize("code", SHIPPED)
def test_every_bank_ends_with_the_comment_question(banks: dict[str, Bank], code: str) -> None:
    """The last question is the optional free-text 「您对我们有什么意见和建议？」."""
    bank = banks[code]
    comment = bank.questions[-1]
    assert comment is bank.comment_question
    assert (comment.code, comment.type, comment.required) == ("comment", "text", False)
    assert comment.text["zh-CN"] == "您对我们有什么意见和建议？"
    assert comment.max_length == 2000


@pytest.mark.parametrize("code", SHIPPED)
def test_every_bank_covers_its_required_dimensions(banks: dict[str, Bank], code: str) -> None:
    """Each bank asks about every dimension its setting is measured on."""
    asked = {q.dimension for q in banks[code].questions}
    assert REQUIRED_DIMENSIONS[code] <= asked


@pytest.mark.parametrize("code", SHIPPED)
def test_every_bank_is_short_enough_for_a_phone(banks: dict[str, Bank], code: str) -> None:
    """A bank has 10 to 14 questions."""
    assert 10 <= len(banks[code].questions) <= 14


@pytest.mark.parametrize("code", SHIPPED)
def test_every_bank_offers_plain_wording_for_the_elderly(banks: dict[str, Bank],
                                                         code: str) -> None:
    """At least three questions per bank have a plainer wording."""
    assert sum(1 for q in banks[code].questions if q.plain) >= 3


@pytest.mark.parametrize("code", SHIPPED)
def test_every_intro_says_anonymous_and_about_two_minutes(banks: dict[str, Bank],
                                                          code: str) -> None:
    """Respondents are told the survey is anonymous and short, in every language."""
    intro = banks[code].intro
    assert "匿名" in intro["zh-CN"] and "2 分钟" in intro["zh-CN"]
    assert "匿名" in intro["zh-TW"] and "2 分鐘" in intro["zh-TW"]
    assert "anonymous" in intro["en"] and "2 minutes" in intro["en"]


def test_shared_question_codes_mean_the_same_in_every_bank(banks: dict[str, Bank]) -> None:
    """A code used in several banks always has the same type, dimension and theme."""
    meaning: dict[str, tuple[str, str | None, str | None]] = {}
    for bank in banks.values():
        for q in bank.questions:
            seen = meaning.setdefault(q.code, (q.type, q.dimension, q.theme))
            assert seen == (q.type, q.dimension, q.theme), f"{bank.code}.{q.code}"


def test_cross_bank_indicators_are_present_everywhere(banks: dict[str, Bank]) -> None:
    """overall, recommend, comment, doctor and nurse communication exist in every patient bank."""
    for bank in (banks[code] for code in SHIPPED):
        for code in ("overall", "recommend", "comment", "doctor_communication",
                     "nurse_communication"):
            bank.question(code)


def test_recommend_is_the_same_three_way_choice_everywhere(banks: dict[str, Bank]) -> None:
    """Willingness to recommend is always 愿意 / 不确定 / 不愿意 with identical wording."""
    recommends = [banks[code].question("recommend") for code in SHIPPED]
    first = recommends[0]
    assert first.type == "choice"
    assert [o.value for o in first.options] == ["willing", "unsure", "unwilling"]
    assert [o.label["zh-CN"] for o in first.options] == ["愿意", "不确定", "不愿意"]
    assert all(q == first for q in recommends)


def test_services_not_everyone_uses_offer_not_applicable(banks: dict[str, Bank]) -> None:
    """Parking, food, tests, pharmacy, billing... offer 不适用; core experiences do not."""
    for bank in banks.values():
        for q in bank.scale_questions:
            if q.code in OPTIONAL_SERVICES:
                assert q.na, f"{bank.code}.{q.code} should offer 不适用"
            if q.code in CORE_EXPERIENCES:
                assert not q.na, f"{bank.code}.{q.code} should not offer 不适用"


def test_chinese_texts_use_the_right_script(banks: dict[str, Bank]) -> None:
    """zh-TW texts contain no simplified-only characters, zh-CN no traditional-only ones."""
    texts = [t for bank in banks.values() for t in all_texts(bank)]
    texts += [(f"scale.{k}", level.label) for k, level in SCALE_LABELS.items()]
    texts += [(f"scale.{k}.short", level.short) for k, level in SCALE_LABELS.items()]
    for where, text in texts:
        assert not SIMPLIFIED_ONLY & set(text["zh-TW"]), f"{where}: {text['zh-TW']}"
        assert not TRADITIONAL_ONLY & set(text["zh-CN"]), f"{where}: {text['zh-CN']}"


def test_english_texts_contain_no_chinese(banks: dict[str, Bank]) -> None:
    """English texts are fully translated."""
    cjk = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
    for bank in banks.values():
        for where, text in all_texts(bank):
            assert not cjk.search(text["en"]), f"{where}: {text['en']}"


def test_shipped_themes_and_dimensions_come_from_the_fixed_lists(banks: dict[str, Bank]) -> None:
    """Every dimension and theme used by the shipped banks is a known code."""
    for bank in banks.values():
        for q in bank.questions:
            assert q.dimension is None or q.dimension in DIMENSIONS
            assert q.theme is None or q.theme in THEMES


# --- scale ----------------------------------------------------------------------------------

def test_scale_has_five_levels_then_not_applicable() -> None:
    """The scale runs 5 非常满意 .. 1 非常不满意, then 不适用, each with face and short word."""
    assert list(SCALE_LABELS) == ["5", "4", "3", "2", "1", "na"]
    assert [level.value for level in SCALE_LABELS.values()] == [5, 4, 3, 2, 1, None]
    assert [level.label["zh-CN"] for level in SCALE_LABELS.values()] == [
        "非常满意", "满意", "一般", "不满意", "非常不满意", "不适用"]
    assert SCALE_LABELS["5"].face == "😄" and SCALE_LABELS["5"].short["zh-CN"] == "很满意"
    assert all(level.face and set(level.short) == set(LANGS) for level in SCALE_LABELS.values())


def test_scale_levels_add_not_applicable_only_when_asked() -> None:
    """scale_levels() gives 5 answers; scale_levels(na=True) adds 不适用 last."""
    assert [level.value for level in scale_levels()] == [5, 4, 3, 2, 1]
    assert [level.value for level in scale_levels(na=True)] == [5, 4, 3, 2, 1, None]


def test_scale_file_must_list_levels_in_order(tmp_path: Path) -> None:
    """A scale file with missing or reordered levels is rejected."""
    data = yaml.safe_load((BANKS_DIR / "_scales.yaml").read_text(encoding="utf-8"))
    data["levels"].reverse()
    with pytest.raises(BankError, match=r"_scales\.yaml: field 'levels'"):
        load_scale(write(tmp_path, data, "_scales.yaml"))


def test_scale_file_needs_every_language(tmp_path: Path) -> None:
    """A scale level missing a language names the file, the level and the field."""
    data = yaml.safe_load((BANKS_DIR / "_scales.yaml").read_text(encoding="utf-8"))
    del data["levels"][1]["short"]["zh-TW"]
    with pytest.raises(BankError) as caught:
        load_scale(write(tmp_path, data, "_scales.yaml"))
    assert str(caught.value) == ("_scales.yaml: level '4' (#2): field 'short' "
                                 "is missing language 'zh-TW'")


# --- hashing and snapshots ------------------------------------------------------------------

def test_content_hash_is_stable(banks: dict[str, Bank]) -> None:
    """Loading twice gives the same 16-hex hash: sha256 of the canonical JSON of to_dict()."""
    again = load_banks()
    for code, bank in banks.items():
        digest = bank.content_hash()
        assert re.fullmatch(r"[0-9a-f]{16}", digest)
        assert digest == again[code].content_hash()
        canonical = json.dumps(bank.to_dict(), ensure_ascii=False, sort_keys=True,
                               separators=(",", ":"))
        assert digest == hashlib.sha256(canonical.encode()).hexdigest()[:16]


def test_content_hash_ignores_yaml_layout(tmp_path: Path) -> None:
    """Comments, key order and flow style do not change the hash; only content does."""
    data = valid_bank()
    first = load_bank(write(tmp_path, data)).content_hash()
    reordered = {key: data[key] for key in reversed(list(data))}
    text = "# a comment\n" + yaml.safe_dump(reordered, allow_unicode=True, default_flow_style=True)
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    assert load_bank(tmp_path / "demo.yaml").content_hash() == first


@pytest.mark.parametrize("change", [
    lambda d: d["questions"][0]["text"].update({"zh-TW": "等候時間您滿意嗎？"}),
    lambda d: d["questions"][0]["plain"].update({"en": "Happy with how long you waited?"}),
    lambda d: d["questions"][1]["options"][0]["label"].update({"en": "Sure"}),
    lambda d: d["questions"][0].update({"na": True}),
    lambda d: d["questions"].insert(0, d["questions"].pop(1)),
    lambda d: d["thanks"].update({"zh-CN": "非常感谢！"}),
], ids=["text", "plain", "option-label", "na-flag", "question-order", "thanks"])
def test_content_hash_changes_when_content_changes(tmp_path: Path, change: Any) -> None:
    """Any change respondents would see gives a new hash (so a new stored version)."""
    data = valid_bank()
    before = load_bank(write(tmp_path, data)).content_hash()
    changed = copy.deepcopy(data)
    change(changed)
    assert load_bank(write(tmp_path, changed)).content_hash() != before


STAFF_DIMENSIONS = {"workload", "pay", "development", "management", "workplace", "work_safety", "overall"}


def test_the_staff_bank_covers_the_staff_dimensions(banks: dict[str, Bank]) -> None:
    """The staff bank (respondent: staff) asks every staff dimension, the staff group first and required,
    in three languages, with one free-text question last."""
    bank = banks["staff"]
    assert bank.respondent == "staff"
    assert {q.dimension for q in bank.scale_questions} == STAFF_DIMENSIONS
    first = bank.questions[0]
    assert (first.code, first.type, first.required) == ("category", "choice", True)
    assert [o.value for o in first.options] == ["doctor", "nurse", "medtech", "admin"]
    assert bank.comment_question is bank.questions[-1]
    assert 10 <= len(bank.questions) <= 14


def test_a_bank_may_not_name_an_unknown_respondent(tmp_path: Path) -> None:
    """respondent is one of patient, family, staff."""
    data = valid_bank()
    data["respondent"] = "visitor"
    with pytest.raises(BankError, match=r"field 'respondent' must be one of: patient, family, staff"):
        load_bank(write(tmp_path, data))


@pytest.mark.parametrize("code", (*SHIPPED, "staff"))
def test_from_dict_round_trips(banks: dict[str, Bank], code: str) -> None:
    """Bank.from_dict(bank.to_dict()), even through JSON, rebuilds an equal bank."""
    bank = banks[code]
    snapshot = json.loads(json.dumps(bank.to_dict(), ensure_ascii=False))
    rebuilt = Bank.from_dict(snapshot)
    assert rebuilt == bank
    assert rebuilt.content_hash() == bank.content_hash()


def test_from_dict_validates_the_snapshot(banks: dict[str, Bank]) -> None:
    """A corrupted snapshot is rejected with the same kind of message."""
    snapshot = banks["outpatient"].to_dict()
    del snapshot["questions"][2]["text"]["en"]
    with pytest.raises(BankError, match=r"^snapshot: question 'waiting' \(#3\): field 'text' "
                                        r"is missing language 'en'$"):
        Bank.from_dict(snapshot)


def test_to_dict_keeps_only_fields_of_the_question_type(tmp_path: Path) -> None:
    """Snapshots hold scale, choice and text fields only where they apply."""
    questions = load_bank(write(tmp_path, valid_bank())).to_dict()["questions"]
    common = {"code", "type", "text", "plain", "required"}
    assert set(questions[0]) == common | {"dimension", "theme", "na"}
    assert set(questions[1]) == common | {"dimension", "theme", "options"}
    assert set(questions[2]) == common | {"max_length"}


# --- helpers and defaults -------------------------------------------------------------------

def test_bank_helpers_find_questions(banks: dict[str, Bank]) -> None:
    """question(code) finds a question, scale_questions lists the scale items only."""
    bank = banks["outpatient"]
    assert bank.question("overall").dimension == "overall"
    with pytest.raises(KeyError):
        bank.question("no_such_question")
    assert bank.scale_questions and all(q.type == "scale" for q in bank.scale_questions)
    assert "recommend" not in {q.code for q in bank.scale_questions}


def test_wording_prefers_plain_text_when_asked(banks: dict[str, Bank]) -> None:
    """wording() gives the plain text in elderly mode and falls back to zh-CN."""
    q = banks["outpatient"].question("appointment")
    assert q.wording("en") == q.text["en"]
    assert q.wording("zh-TW", plain=True) == q.plain["zh-TW"]
    assert q.wording("fr") == q.text["zh-CN"]
    no_plain = Question(code="x1", type="scale", text=tr("文本"), dimension="overall")
    assert no_plain.wording("en", plain=True) == "文本"


def test_optional_fields_have_sensible_defaults(tmp_path: Path) -> None:
    """Every question is optional unless marked (a skipped item beats an abandoned survey); text 2000 chars."""
    data = valid_bank()
    for q in data["questions"]:
        for key in ("na", "plain", "max_length", "theme"):
            q.pop(key, None)
    bank = load_bank(write(tmp_path, data))
    waiting, recommend, comment = bank.questions
    assert (waiting.required, waiting.na, waiting.plain, waiting.theme) == (False, False, {}, None)
    assert not recommend.required and recommend.dimension == "recommend"
    assert (comment.required, comment.max_length) == (False, 2000)


def test_load_banks_skips_underscore_files(tmp_path: Path) -> None:
    """Files starting with '_' (like _scales.yaml) and non-YAML files are not banks."""
    write(tmp_path, valid_bank("clinic"), "clinic.yaml")
    (tmp_path / "_draft.yaml").write_text("not: a bank\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignore me", encoding="utf-8")
    assert list(load_banks(tmp_path)) == ["clinic"]


def test_load_banks_rejects_a_missing_directory(tmp_path: Path) -> None:
    """A wrong directory is an error, not an empty result."""
    with pytest.raises(BankError, match="not a directory"):
        load_banks(tmp_path / "nowhere")


# --- validation rules: one test per rule ----------------------------------------------------

def test_rejects_a_missing_required_field(tmp_path: Path) -> None:
    """A question without 'text' is rejected."""
    data = valid_bank()
    del data["questions"][0]["text"]
    message = bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#1)",
                         "field 'text'")
    assert message == "demo.yaml: question 'waiting' (#1): field 'text' is missing"


def test_rejects_an_unknown_field_and_suggests_the_right_one(tmp_path: Path) -> None:
    """A typo such as 'dimention' does not pass silently."""
    data = valid_bank()
    data["questions"][0]["dimention"] = data["questions"][0].pop("dimension")
    bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#1)",
               "field 'dimention' is unknown (did you mean 'dimension'?)")


def test_rejects_a_field_that_does_not_fit_the_question_type(tmp_path: Path) -> None:
    """max_length belongs to text questions only, na to scale questions only."""
    data = valid_bank()
    data["questions"][0]["max_length"] = 100
    bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#1)",
               "field 'max_length' is not allowed for 'scale' questions")
    data = valid_bank()
    data["questions"][2]["na"] = True
    bank_error(write(tmp_path, data), "question 'comment' (#3)",
               "field 'na' is not allowed for 'text' questions")


def test_rejects_an_unknown_question_type(tmp_path: Path) -> None:
    """Only scale, choice and text exist."""
    data = valid_bank()
    data["questions"][0]["type"] = "slider"
    bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#1)", "field 'type'",
               "scale, choice, text", "'slider'")


@pytest.mark.parametrize("code", ["Waiting", "w", "1st", "wait-time", "a" * 42, 7])
def test_rejects_a_badly_formed_question_code(tmp_path: Path, code: Any) -> None:
    """Codes are 2-41 lowercase letters, digits or '_', starting with a letter."""
    data = valid_bank()
    data["questions"][0]["code"] = code
    bank_error(write(tmp_path, data), "demo.yaml", "question #1", "field 'code' must match")


def test_rejects_duplicate_question_codes(tmp_path: Path) -> None:
    """Two questions cannot share a code."""
    data = valid_bank()
    data["questions"][1] = copy.deepcopy(data["questions"][0])
    bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#2)", "field 'code'",
               "duplicates question #1")


def test_rejects_a_text_missing_a_language(tmp_path: Path) -> None:
    """Every text needs zh-CN, zh-TW and en."""
    data = valid_bank()
    del data["questions"][0]["text"]["zh-TW"]
    message = bank_error(write(tmp_path, data))
    assert message == "demo.yaml: question 'waiting' (#1): field 'text' is missing language 'zh-TW'"


def test_rejects_an_unknown_language(tmp_path: Path) -> None:
    """A misspelt language code such as 'zh-tw' is reported."""
    data = valid_bank()
    data["questions"][0]["text"]["zh-tw"] = "等候"
    bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#1)", "field 'text'",
               "unknown language 'zh-tw'")


def test_rejects_an_empty_text(tmp_path: Path) -> None:
    """Blank translations are not accepted."""
    data = valid_bank()
    data["questions"][1]["text"]["en"] = "   "
    bank_error(write(tmp_path, data), "demo.yaml", "question 'recommend' (#2)", "field 'text'",
               "language 'en'")


def test_rejects_incomplete_plain_wording(tmp_path: Path) -> None:
    """A plain wording, when given, also needs all three languages."""
    data = valid_bank()
    data["questions"][0]["plain"] = {"zh-CN": "等得久吗？"}
    bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#1)", "field 'plain'",
               "missing language 'zh-TW'")


def test_rejects_a_bank_text_missing_a_language(tmp_path: Path) -> None:
    """title, intro and thanks need every language too."""
    data = valid_bank()
    del data["intro"]["en"]
    message = bank_error(write(tmp_path, data))
    assert message == "demo.yaml: field 'intro' is missing language 'en'"


@pytest.mark.parametrize("options", [[], [{"value": "only", "label": tr("唯一")}], None])
def test_rejects_a_choice_without_enough_options(tmp_path: Path, options: Any) -> None:
    """A choice question needs a list of at least two options."""
    data = valid_bank()
    data["questions"][1]["options"] = options
    bank_error(write(tmp_path, data), "demo.yaml", "question 'recommend' (#2)",
               "field 'options'", "at least 2")


def test_rejects_duplicate_option_values(tmp_path: Path) -> None:
    """Option values are unique within a question."""
    data = valid_bank()
    data["questions"][1]["options"][1]["value"] = "willing"
    bank_error(write(tmp_path, data), "demo.yaml", "question 'recommend' (#2)",
               "field 'options[2].value'", "duplicates option 'willing'")


def test_rejects_duplicate_option_labels(tmp_path: Path) -> None:
    """Two options may not look the same to a respondent."""
    data = valid_bank()
    data["questions"][1]["options"][1]["label"] = tr("愿意")
    bank_error(write(tmp_path, data), "demo.yaml", "question 'recommend' (#2)",
               "field 'options[2].label'", "option 'willing'")


def test_rejects_unquoted_yes_no_option_values(tmp_path: Path) -> None:
    """YAML reads a bare `no` as false: option values must be real codes."""
    text = yaml.safe_dump(valid_bank(), allow_unicode=True, sort_keys=False)
    path = tmp_path / "demo.yaml"
    path.write_text(text.replace("value: unwilling", "value: no"), encoding="utf-8")
    bank_error(path, "demo.yaml", "question 'recommend' (#2)", "field 'options[2].value'",
               "got False")


def test_rejects_a_bank_without_a_free_text_question(tmp_path: Path) -> None:
    """Every bank ends with exactly one text question."""
    data = valid_bank()
    data["questions"].pop()
    bank_error(write(tmp_path, data), "demo.yaml", "field 'questions'",
               "exactly one 'text' question, found none")


def test_rejects_a_second_free_text_question(tmp_path: Path) -> None:
    """Only one text question is allowed."""
    data = valid_bank()
    extra = copy.deepcopy(data["questions"][2])
    extra["code"] = "other_comment"
    data["questions"].append(extra)
    bank_error(write(tmp_path, data), "demo.yaml", "field 'questions'",
               "'comment' (#3), 'other_comment' (#4)")


def test_rejects_a_free_text_question_that_is_not_last(tmp_path: Path) -> None:
    """The comment question comes after all the others."""
    data = valid_bank()
    data["questions"].insert(0, data["questions"].pop())
    bank_error(write(tmp_path, data), "demo.yaml", "question 'comment' (#1)", "field 'type'",
               "must be the last question")


def test_rejects_an_unknown_dimension(tmp_path: Path) -> None:
    """Dimensions come from the fixed list."""
    data = valid_bank()
    data["questions"][0]["dimension"] = "queue"
    bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#1)",
               "field 'dimension' must be one of", "(got 'queue')")


def test_rejects_a_scale_question_without_dimension(tmp_path: Path) -> None:
    """Scale items feed indicators, so they must say which dimension."""
    data = valid_bank()
    del data["questions"][0]["dimension"]
    bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#1)",
               "field 'dimension' is missing")


def test_rejects_an_unknown_theme(tmp_path: Path) -> None:
    """Themes come from the fixed list."""
    data = valid_bank()
    data["questions"][0]["theme"] = "queueing"
    bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#1)",
               "field 'theme' must be one of", "(got 'queueing')")


@pytest.mark.parametrize("max_length", [0, 5001, "2000", True, 12.5])
def test_rejects_max_length_out_of_range(tmp_path: Path, max_length: Any) -> None:
    """max_length is a whole number from 1 to 5000."""
    data = valid_bank()
    data["questions"][2]["max_length"] = max_length
    bank_error(write(tmp_path, data), "demo.yaml", "question 'comment' (#3)",
               "field 'max_length'", "1 to 5000")


@pytest.mark.parametrize("key, value", [("na", "yes"), ("required", 1)])
def test_rejects_flags_that_are_not_booleans(tmp_path: Path, key: str, value: Any) -> None:
    """na and required are true or false."""
    data = valid_bank()
    data["questions"][0][key] = value
    bank_error(write(tmp_path, data), "demo.yaml", "question 'waiting' (#1)",
               f"field '{key}' must be true or false")


def test_rejects_an_unknown_bank_field(tmp_path: Path) -> None:
    """Top-level typos are caught too."""
    data = valid_bank()
    data["intr"] = data.pop("intro")
    bank_error(write(tmp_path, data), "demo.yaml: field 'intr' is unknown",
               "(did you mean 'intro'?)")


def test_rejects_a_bank_code_that_differs_from_the_file_name(tmp_path: Path) -> None:
    """A copied file must get its own code."""
    bank_error(write(tmp_path, valid_bank("outpatient"), "emergency.yaml"),
               "emergency.yaml: field 'code' must match the file name 'emergency'")


def test_rejects_a_question_that_is_not_a_mapping(tmp_path: Path) -> None:
    """A stray list item is reported with its position."""
    data = valid_bank()
    data["questions"].insert(1, "recommend")
    bank_error(write(tmp_path, data), "demo.yaml: question #2: must be a mapping")


def test_rejects_duplicate_yaml_keys(tmp_path: Path) -> None:
    """A key written twice would silently drop the first value, so it is an error."""
    path = tmp_path / "demo.yaml"
    text = yaml.safe_dump(valid_bank(), allow_unicode=True, sort_keys=False)
    path.write_text(text.replace("  theme: waiting\n", "  theme: waiting\n  theme: parking\n"),
                    encoding="utf-8")
    bank_error(path, "demo.yaml", "duplicate key 'theme'", "line")


def test_rejects_invalid_yaml_and_non_mapping_files(tmp_path: Path) -> None:
    """Broken YAML or a file that is not a mapping names the file."""
    path = tmp_path / "demo.yaml"
    path.write_text("code: demo\ntitle: [unclosed\n", encoding="utf-8")
    bank_error(path, "demo.yaml: cannot read YAML")
    path.write_text("- just\n- a list\n", encoding="utf-8")
    bank_error(path, "demo.yaml: must be a mapping")


@pytest.mark.parametrize("key, lang, wording", [
    ("plain", "zh-CN", "护士来得快吗？"), ("text", "zh-TW", "護理師來得快嗎？"), ("plain", "en", "Did a nurse come quickly?")])
def test_rejects_a_scale_question_that_does_not_ask_about_satisfaction(tmp_path: Path, key: str, lang: str,
                                                                         wording: str) -> None:
    """A yes/no wording cannot be answered 很满意…很不满意: every scale wording must ask about satisfaction."""
    data = valid_bank()
    data["questions"][0][key] = {**data["questions"][0][key], lang: wording}
    bank_error(write(tmp_path, data), "question 'waiting' (#1)", f"field '{key}.{lang}'", "satisfaction")


def test_old_snapshots_load_whatever_their_wording(banks: dict[str, Bank]) -> None:
    """The wording rule binds bank files, not stored snapshots that people already answered."""
    data = valid_bank()
    data["questions"][0]["plain"] = tr("等得久吗？")
    assert Bank.from_dict(data).question("waiting").plain["zh-CN"] == "等得久吗？"


def test_a_bank_can_say_who_answers_it(tmp_path: Path, banks: dict[str, Bank]) -> None:
    """`respondent: family` is kept (and hashed); banks without it keep their old content hash."""
    assert banks["family"].respondent == "family" and banks["outpatient"].respondent is None
    assert "respondent" not in banks["outpatient"].to_dict()
    data = {**valid_bank(), "respondent": "visitor"}
    bank_error(write(tmp_path, data), "field 'respondent'", "patient, family")
