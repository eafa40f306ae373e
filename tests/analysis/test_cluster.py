"""Specific problems inside a theme: ``analysis.cluster`` and ``python -m analysis cluster``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from analysis.cluster import Problem, cluster_comments, match_previous, problem_id
from analysis.normalize import normalize

REPO = Path(__file__).resolve().parents[2]

HOT_WATER = [
    "晚上九点以后病房就没热水了，想给老人擦个身都不行",
    "五楼病房的热水一到晚上就停，洗澡只能用冷水",
    "夜里没有热水，开水房也关门",
    "熱水晚上就沒了，病人出汗想洗一下都不行",
]
SELF_SERVICE = [
    "门诊的自助机老是坏，好几台都黑屏",
    "自助挂号机不会用，旁边也没有人指导",
    "大厅的自助缴费机一直卡住，刷卡没反应",
    "自助机故障率太高了，排了半天到我就坏了",
]
LIFT = [
    "电梯太少了，等了十几分钟都上不去",
    "住院部电梯每层都停，等得人崩溃",
    "门诊楼电梯坏了一部，剩下的排长队",
]
OUTLIER = "轮椅太少，去借的时候一个都没有"
MONTH = HOT_WATER + SELF_SERVICE + LIFT + [OUTLIER]


def _run_cli(lines: list[str], *extra: str) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "cluster", *extra], input="\n".join(lines) + "\n",
        capture_output=True, text=True, cwd=REPO, timeout=120, check=True,
    )
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_cli_cluster_keeps_order_ids_and_groups() -> None:
    """One output per input, same order and ids; the same problem shares a cluster, the odd one is null."""
    lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(MONTH)]
    lines.insert(3, "not json")
    out = _run_cli(lines)
    assert len(out) == len(lines)
    assert "error" in out[3] and "id" not in out[3]
    rows = out[:3] + out[4:]
    assert [r["id"] for r in rows] == list(range(len(MONTH)))
    clusters = [r["cluster"] for r in rows]
    hot = set(clusters[:4])
    machines = set(clusters[4:8])
    lift = set(clusters[8:11])
    assert len(hot) == len(machines) == len(lift) == 1
    assert len(hot | machines | lift) == 3 and None not in hot | machines | lift
    assert rows[-1] == {"id": len(MONTH) - 1, "cluster": None, "title": None}
    assert all(isinstance(r["title"], str) and r["title"] for r in rows[:-1])


def test_ids_are_stable_across_runs_and_input_order() -> None:
    """Clustering the same comments twice, in another order, gives the same ids and titles."""
    first = cluster_comments(MONTH)
    second = cluster_comments(list(reversed(MONTH)))
    a = dict(zip(MONTH, first.labels(), strict=True))
    b = dict(zip(reversed(MONTH), second.labels(), strict=True))
    assert a == b


def test_large_batch_path_assigns_the_rest_to_their_problem() -> None:
    """Past the exact-clustering sample, the remaining texts join their problem, whatever the order."""
    full = cluster_comments(MONTH).labels()
    sampled = cluster_comments(MONTH, sample=9).labels()
    shuffled = cluster_comments(list(reversed(MONTH)), sample=9).labels()
    def partition(labels):
        return {frozenset(i for i, (c, _) in enumerate(labels) if c == cid) for cid, _ in labels if cid}

    assert partition(sampled) == partition(full)
    assert dict(zip(MONTH, sampled, strict=True)) == dict(zip(reversed(MONTH), shuffled, strict=True))


def test_next_month_keeps_the_id_of_the_same_problem(tmp_path: Path) -> None:
    """Different wording next month keeps last month's id via --previous; a new problem gets a new id."""
    state = tmp_path / "problems.json"
    last = _run_cli([json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(MONTH)],
                    "--save", str(state))
    next_month = [
        "病房晚上没有热水，洗漱很不方便",
        "夜间热水供应太差，家属只能去外面打水",
        "自助机又坏了，缴费缴不了",
        "自助机黑屏，也没人指导怎么用",
        "病床的摇杆坏了，摇不起来",
        "病床摇杆坏了好几天没人修",
    ]
    out = _run_cli([json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(next_month)],
                   "--previous", str(state))
    assert out[0]["cluster"] == out[1]["cluster"] == last[0]["cluster"]
    assert out[2]["cluster"] == out[3]["cluster"] == last[4]["cluster"]
    old_ids = {r["cluster"] for r in last}
    assert out[4]["cluster"] == out[5]["cluster"] and out[4]["cluster"] not in old_ids


def test_match_previous_leaves_unrelated_problems_new() -> None:
    """A problem whose terms share nothing with last month's keeps its own id."""
    prev = [Problem("pold", "夜间没有热水", 5, {"热水": 0.8, "晚上": 0.6})]
    cur = [Problem(problem_id({"电梯": 1.0}), "电梯太慢", 3, {"电梯": 1.0})]
    match_previous(cur, prev)
    assert cur[0].id == problem_id({"电梯": 1.0}) != "pold"


def _in_order(part: str, text: str) -> bool:
    rest = iter(text)
    return all(ch in rest for ch in part)


def test_titles_are_the_comments_own_words() -> None:
    """Every title is one member's words in their order (intensifiers and particles left out), possibly
    led by a noun its members share; never a template."""
    result = cluster_comments(MONTH)
    assert len(result.problems) == 3
    for k, problem in enumerate(result.problems):
        members = [normalize(t) for t, a in zip(MONTH, result.assignment, strict=True) if a == k]
        title = problem.title
        assert 3 <= len(title) <= 18
        assert any(_in_order(title, m) for m in members) or any(
            sum(title[:n] in m for m in members) * 2 >= len(members) and any(_in_order(title[n:], m) for m in members)
            for n in range(1, 5)), title


def test_filler_only_and_empty_input_are_ungrouped() -> None:
    """Comments naming nothing ("太差了") get None, and an empty batch gives an empty result."""
    result = cluster_comments(["太差了", "太差了！", "唉"] + HOT_WATER)
    assert result.assignment[:3] == [None, None, None]
    assert cluster_comments([]).assignment == []


def _title_of(texts: list[str]) -> str:
    """The title of one group made of TEXTS (clustered as one problem, as the monthly job does)."""
    from analysis.cluster import _doc, _title, signature_of

    return _title([_doc(t) for t in texts], signature_of(texts))


# Groups of the dev themes of analysis/eval/clusters/problems.jsonl (titles are tuned on these only).
MISSING_DRUGS = ["藥房缺藥，只能自己去外面買", "医生开了药，到药房说缺货，又回去找医生换药", "常用的降压药经常断货",
                 "药房说这个药没货了，下次再来拿", "同样的药医院比外面药店贵一倍"]
AIR_CON = ["病房太热了空调坏了报修两天没人来", "空调开了跟没开一样，病房里闷热", "空调温度调到十六度还是不凉，病房朝西下午像蒸笼",
           "病房空调不制冷，夏天热得睡不着", "三人间的空调根本不凉，晚上热醒好几次"]
SETTLEMENT = ["异地医保不能直接结算，要回去自己报销", "醫保報銷手續太複雜，來回跑好幾趟", "医保结算太麻烦了，跑了三个窗口才办完",
              "出院医保结算要等好几天"]


def test_title_is_object_and_failure_in_members_words() -> None:
    """A title names what (an object the members name) and what is wrong with it (a failure word of
    the lexicon), in one member's words, the failure counted over its class (缺药, 缺货, 断货, 没货)."""
    from analysis.cluster import FAILURES, title_lexicon

    classes = title_lexicon()[0]
    for texts, title in ((MISSING_DRUGS, "药房缺药"), (AIR_CON, "空调不凉"), (SETTLEMENT, "医保结算太麻烦")):
        got = _title_of(texts)
        assert got == title, (got, title)
        assert any(_in_order(got, normalize(t)) for t in texts)
        assert any(got.endswith(f) for f in set(classes) | FAILURES)


def test_title_is_never_led_by_a_place_a_time_or_a_number() -> None:
    """"门诊楼没有" names no object, "三次没扎进去" a figure: the members' object leads instead."""
    from analysis.cluster import _is_object

    assert not _is_object("门诊楼") and not _is_object("三次") and not _is_object("时间") and not _is_object("晚上")
    assert _is_object("热水") and _is_object("自助机") and _is_object("停车费")
    hot_water = ["门诊楼没有热水，只能去住院部打", "门诊楼没有热水", "晚上病房没有热水", "夜里没有热水，开水房也关门"]
    assert _title_of(hot_water).endswith("热水") and not _title_of(hot_water).startswith("门诊楼")
    needles = ["小孩头皮针扎了三次都没扎进去", "护士扎针扎了四次才扎上", "扎针技术太差了，手背都扎青了",
               "抽血的小护士扎了三次才找到血管", "紮針紮了好幾次，老人家血管本來就不好"]
    assert _title_of(needles) == "扎针技术太差"


def test_title_has_no_pronoun_intensifier_or_emotion_and_fits_a_list() -> None:
    """No 我, 一直, 老是, 根本, 没用 in a title; at most 14 characters, however long the comments."""
    from analysis.cluster import TITLE_MAX, title_lexicon

    never = title_lexicon()[2]
    groups = [
        ["公众号挂号一直卡，放号时根本进不去", "公眾號系統太卡了，點半天沒反應", "网上挂号系统老是崩溃，一到八点就进不去"],
        ["预约的时间根本没用，到了还是要排", "预约了还要排队，那预约有什么用", "明明预约了时间段，到了还是要等两个小时"],
        ["我们在门诊等了一个上午，我妈年纪大了，实在是坐不住，候诊区的座位太少了，希望医院多加一些椅子",
         "候诊区座位太少，很多人只能站着等", "孕妇来了都没座位坐，只能站在那里等一个多小时"],
    ]
    for texts in groups:
        title = _title_of(texts)
        assert 3 <= len(title) <= TITLE_MAX == 14, title
        assert not any(w in title for w in never if len(w) > 1) and "我" not in title, title
    assert _title_of(groups[0]) == "公众号挂号卡"


def test_failure_lexicon_is_data() -> None:
    """The failure classes and the words no title is led by live in title_words.yaml, not in code."""
    from analysis.cluster import TITLE_WORDS, title_lexicon

    classes, not_objects, never, places = title_lexicon()
    assert TITLE_WORDS.name == "title_words.yaml"
    assert classes["缺货"] == classes["断货"] == classes["缺药"] and classes["太贵"] != classes["缺货"]
    assert "门诊楼" in not_objects and "根本" in never and "病房" in places


def _purified(texts: list[str], said: list[int] | None = None) -> list[int]:
    """Labels ``_purify`` gives TEXTS (each SAID by so many people, default one) when agglomeration put them
    all in one group (-1: ungrouped)."""
    import numpy as np

    from analysis.cluster import _doc, _purify, _Vectorizer

    docs = [_doc(t) for t in texts]
    said = said or [1] * len(texts)
    return [int(v) for v in _purify(np.zeros(len(texts), dtype=int), docs, _Vectorizer(docs).matrix, said)]


def test_a_group_of_two_problems_with_two_objects_is_split() -> None:
    """Queues at the pharmacy and queues for blood tests share their failure, not their object: two
    problems (two owners), so a group holding both is split along its objects."""
    pharmacy = ["取药排队排了四十分钟", "药房取药的队伍太长", "取药窗口只开一个，排了好久", "拿完处方去取药又排一个小时"]
    blood = ["抽血排队排到走廊", "早上抽血要排一个多小时", "抽血窗口太少，排了很久", "空腹抽血排队等太久"]
    labels = _purified(pharmacy + blood)
    assert len(set(labels[:4])) == len(set(labels[4:])) == 1 and labels[0] != labels[4] and -1 not in labels


def test_a_group_most_of_which_names_one_object_is_kept() -> None:
    """Hot water named by most members: the odd wording of one or two members does not split it."""
    texts = HOT_WATER + ["开水房晚上也关门，打不到热水", "热水器坏了，洗澡只有冷水"]
    assert set(_purified(texts)) == {0}


def test_a_small_group_without_shared_object_or_failure_is_ungrouped() -> None:
    """Two comments sharing neither what nor what is wrong (a price, unclear instructions) are two
    complaints nobody else made: no group; two that share both stay together."""
    assert _purified(["药太贵了，一盒三百多", "药盒上没写用法，问了也说不清楚"]) == [-1, -1]
    assert _purified(["自助机坏了，缴不了费", "自助机黑屏，一直故障"]) == [0, 0]


def test_the_same_words_said_by_several_people_stay_one_problem() -> None:
    """Members are distinct texts: one short text said four times is a group of four, and in a small
    mixed group a text said twice keeps a group of its own while a one-off is ungrouped."""
    result = cluster_comments(["饭菜凉"] * 4)
    assert len({problem for problem, _ in result.labels()}) == 1 and result.labels()[0][0] is not None
    assert _purified(["饭菜凉"], [4]) == [0]
    labels = _purified(["药太贵了，一盒三百多", "药盒上没写用法，问了也说不清楚"], [2, 1])
    assert labels[0] >= 0 and labels[1] == -1


def test_title_takes_the_failure_word_most_members_use_in_its_class() -> None:
    """Signs that are wrong, unclear, unreadable, not matching (one class, "unclear"): the title says the
    word two members use (不清楚), from a member who says it of the object, leaving out the verb between."""
    signs = ["找放射科找了半小时，指示牌指的方向是错的", "指示牌太少了，找不到科室在哪", "新楼和老楼的指示牌对不上，我在连廊里转了好久",
             "指示牌写得不清楚，问了三个人才找到", "楼里的标识看不懂，绕了好几圈", "醫院標識不清楚，找科室找半天"]
    assert _title_of(signs) == "指示牌不清楚"


def test_a_figure_between_object_and_failure_is_left_out() -> None:
    """"晚饭五点送来已经冰凉": the hour is one comment's detail; the title keeps that member's other words."""
    meals = ["送餐太晚了，饭到了都凉透了", "晚饭五点送来已经冰凉，我爸胃不好吃了就拉肚子", "饭每次都凉的，也没地方热",
             "中午送饭的阿姨总是一点多才到，术后的病人饿着等饭，送来了还是凉的"]
    assert _title_of(meals[1:2] + ["晚饭送来已经冰凉了", "晚饭六点送来冰凉"]) == "晚饭送来冰凉"
    from analysis.cluster import _is_figure

    assert _is_figure("五点") and _is_figure("两个") and _is_figure("3次") and not _is_figure("一样")


def test_a_leading_place_and_filler_runs_are_left_out() -> None:
    """"病房卫生间有股尿骚味": the toilet is the object, the ward only where it is; "有股" and "的时候"
    carry one member's quote, not the problem."""
    smell = ["一楼卫生间的蹲坑堵了一整天没人管，臭得不行", "病房卫生间有股尿骚味，一直不散", "卫生间臭气熏天，进去都要憋气"]
    assert _title_of(smell) == "卫生间尿骚味"
    from analysis.cluster import _plain_span

    assert _plain_span(["b超", "的", "时候", "门", "不", "关"], "b超") == (["b超", "门", "不", "关"], "b超")
    # a place that is the object itself stays ("病房很吵"), and a run the failure ends with stays ("有点")
    assert _plain_span(["病房", "很", "吵"], "病房") == (["病房", "很", "吵"], "病房")
    assert _plain_span(["药", "有", "点"], "药") == (["药", "有", "点"], "药")


def test_a_narrower_object_one_member_names_gives_way_to_the_word_most_say() -> None:
    """Meals arrive cold: one member says dinner (晚饭), the others 饭 and 送饭; the title keeps that member's
    failure on the group's object. A head qualifying the next object ("用药|指导") is not cut to its tail."""
    meals = ["送餐太晚了，饭到了都凉透了", "晚饭五点送来已经冰凉，我爸胃不好吃了就拉肚子", "饭每次都凉的，也没地方热",
             "中午送饭的阿姨总是一点多才到，术后的病人饿着等饭，送来了还是凉的"]
    assert _title_of(meals) == "饭送来冰凉"
    from analysis.cluster import _broader, _doc, _Members

    members = _Members([_doc(t) for t in ["用药指导太少", "药怎么吃没人说", "药盒上没写用法", "药的说明看不懂"]])
    assert _broader(["用药", "指导", "太少"], "用药", members) == (["用药", "指导", "太少"], "用药")
    assert _broader(["用药", "太少"], "用药", members) == (["药", "太少"], "药")


def test_a_phrase_stating_two_failures_fits_members_saying_either() -> None:
    """Meals dear and small (4), salty (2), cold (1), samey (1): "饭菜又贵又少" fits the members saying 贵 or 少,
    where "饭菜太咸" fits two."""
    meals = ["饭菜贵得离谱，还不如外卖", "一份病号套餐二十八块，米饭就一小勺，菜也是几片青菜", "食堂的饭菜太咸了，病人根本不能吃这么重口味",
             "一份饭三十块，就一个荤菜还是肉末", "飯菜太鹹，對病人不友好", "送来的饭菜是冷的，冬天根本吃不下去",
             "食堂饭菜又贵又少，二十块钱就几口菜", "饭菜品种太少，天天都是那几个菜"]
    assert _title_of(meals) == "饭菜又贵又少"
    assert _title_of(meals[2:3] + meals[4:6]) == "饭菜太咸"
