"""Specific problems inside one theme: clause-level clustering of negative comments.

Plain data in, plain data out (no Flask, no database). ``cluster_comments`` takes the texts of
one theme's negative comments and returns, per comment, a stable problem id and a short title
made from the comments' own words, or ``None`` for comments that fit no group.

Method (rule in ``analysis/CLUSTERING.md``, figures from ``bench/cluster_eval.py``):

* each comment is normalised and clause-split by ``analysis.segment``; its vector is TF-IDF of
  content words plus character 1-2-grams of its clauses (filler words dropped), L2-normalised;
* identical normalised texts are clustered once; at most ``SAMPLE`` distinct texts are clustered
  by average-linkage agglomeration on cosine distance, cut at ``DISTANCE``; the remaining texts
  of a large batch join the nearest cluster centroid when it is similar enough;
* a group that falls into two camps (different objects or failure classes) is split, and in a group
  of two or three a comment sharing neither with the others leaves it (``_purify``);
* groups smaller than ``MIN_SIZE`` are not problems: their comments get ``None``;
* a group's signature is its top weighted terms; the id is a hash of the top terms, and
  ``match_previous`` re-uses last month's id for the cluster whose signature is closest.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analysis.corpus import DEFAULT_CORPUS_DIR
from analysis.lexicon import NEG_CUES, NEGATORS
from analysis.segment import get_tokenizer, prepare

DISTANCE = 0.93  # average-linkage cut on cosine distance (tuned on the dev themes)
MIN_SIZE = 2  # a problem needs at least two comments
SAMPLE = 4000  # distinct texts clustered exactly per batch; the rest are assigned to centroids
ASSIGN_SIMILARITY = 0.25  # cosine to a centroid needed to join it when assigned
MATCH_SIMILARITY = 0.35  # signature cosine needed to keep last month's id
SIGNATURE_TERMS = 20
TITLE_MAX = 14  # the rubric's list entry (analysis/CLUSTERING.md)
TITLE_LEN_POWER = 1.0
TITLE_COMPLAINT = 1.5
TITLE_COMPOSED = 0.5  # a composed title joins two comments' words: it must cover more to win
TITLE_SAID = 0.0  # ... or one member's, leaving out what stands between its object and its failure
TITLE_OBJECTS = 8  # a key phrase starts at one of the group's strongest object terms
CAMP_MIN = 3  # a group is split in two only when each part has at least this many members

# Words that say how strongly, not what: they carry no problem identity.
_FILLER_WORDS = (
    """的 了 是 就 都 也 还 又 很 太 真 真的 非常 特别 实在 根本 一直 总是 老是 每次 有 没 被 把 让 给 在 到 去 来
    我 我们 你 你们 他 她 他们 人 家属 病人 患者 医院 这个 那个 这 那 什么 怎么 为什么 一下 一个 一点 好几 几 个
    要 会 能 可以 只能 只 才 再 而且 还是 但是 可是 结果 然后 之后 以后 时候 的时候 一 半天 吧 啊 呢 吗 呀 哦 嘛
    得 地 着 过 和 跟 与 及 或 也是 说 问 看 想 觉得 感觉 希望 建议 能不能 不能 不 没有 啥 谁 啊啊 哈
    改进 改善 改正 整改 解决 尽快 重视 反映 体验 不方便 太不方便 很不方便 方便 太差 很差 差 糟糕 失望 无语 离谱 过分 上次 这次
    发现 说实话 唉 哎 请 麻烦 一定 及时 好好 管管 管理 问题 情况"""
)
FILLER = frozenset(_FILLER_WORDS.split())
# Failure words of concrete problems that the sentiment lexicon does not list (it rates tone).
_FAILURE_WORDS = (
    "咸 太咸 油腻 太油 凉 冰凉 凉透 卡 太卡 卡住 黑屏 故障 失败 缺 缺药 缺货 断货 没货 不全 闪退 崩溃 堵 漏 繁琐 "
    "复杂 太复杂 不透明 多收 重复 拥挤 太挤 太少 太多 太长 太小 太远 分散 停诊 不准 太晚 不换"
)
FAILURES = NEG_CUES | frozenset(_FAILURE_WORDS.split())


@dataclass(slots=True)
class Problem:
    """One specific problem found in a batch."""

    id: str
    title: str
    size: int
    signature: dict[str, float] = field(default_factory=dict)  # top term -> weight (L2-normalised)


@dataclass(slots=True)
class Clustering:
    """Result of ``cluster_comments``: per input the index of its problem or ``None``."""

    assignment: list[int | None]
    problems: list[Problem]
    # Per input, cosine of its vector to its group's centroid (None when it is in no group): how
    # typical of its problem a comment is, which is how quotes are picked without tokenising again.
    closeness: list[float | None] = field(default_factory=list)

    def labels(self) -> list[tuple[str | None, str | None]]:
        """(cluster id, title) per input comment, in input order."""
        out: list[tuple[str | None, str | None]] = []
        for k in self.assignment:
            out.append((None, None) if k is None else (self.problems[k].id, self.problems[k].title))
        return out


@dataclass(slots=True)
class _Doc:
    clauses: list[str]
    clause_words: list[list[str]]
    complaint: list[bool]  # clause carries a negative cue (a complaint, not just context)


def _doc(text: str) -> _Doc:
    prep = prepare(text)
    clauses: list[str] = []
    words: list[list[str]] = []
    complaint: list[bool] = []
    for ctext, ctoks in zip(prep.clause_texts, prep.clause_tokens, strict=False):
        raw = [t for t in ctoks if not t.startswith(("cue_", "emo_", "!"))]
        if not ctext.strip():
            continue
        clauses.append(ctext)
        words.append(raw)
        complaint.append("cue_neg" in ctoks)
    return _Doc(clauses, words, complaint)


def _analyzer(doc: _Doc) -> list[str]:
    """Features of one comment: content words and character 1-2-grams of its clauses."""
    words = [w for ws in doc.clause_words for w in ws if w not in FILLER and not w.isdigit()]
    feats = list(words)
    # Character n-grams only inside content words: they bridge segmentation and variant spellings
    # without letting shared filler ("希望改进", "太不方便了") pull different problems together.
    for ws in doc.clause_words:
        run = "".join(w if w not in FILLER else " " for w in ws)
        for part in run.split():
            feats.extend("#" + ch for ch in part)
            feats.extend("#" + part[i:i + 2] for i in range(len(part) - 1))
    return feats


_background: tuple[int, Counter[str]] | None = None


def background_df() -> tuple[int, Counter[str]]:
    """Document frequencies of features over the project's training corpus (all themes).

    A batch of one theme is small; weighting its words against the whole corpus lets generic
    complaint words ("排队", "太慢") count less than the words that name a problem.
    """
    global _background
    if _background is None:
        df: Counter[str] = Counter()
        n = 0
        for path in sorted(DEFAULT_CORPUS_DIR.glob("*.jsonl")):
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    df.update(set(_analyzer(_doc(json.loads(line)["text"]))))
                    n += 1
        _background = (n, df)
    return _background


class _Vectorizer:
    """Sublinear TF times IDF over background corpus plus batch, rows L2-normalised."""

    def __init__(self, docs: list[_Doc]) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        self.counts = CountVectorizer(analyzer=_analyzer)
        tf = self.counts.fit_transform(docs)
        n_bg, df_bg = background_df()
        vocab = self.counts.get_feature_names_out()
        df_batch = np.asarray((tf > 0).sum(axis=0)).ravel()
        df = np.array([df_bg.get(str(t), 0) for t in vocab]) + df_batch
        self.idf = np.log((1 + n_bg + tf.shape[0]) / (1 + df)) + 1.0
        self.vocab = vocab
        self.matrix = self._weigh(tf)

    def _weigh(self, tf):
        from sklearn.preprocessing import normalize as l2

        tf = tf.astype(float)
        tf.data = 1.0 + np.log(tf.data)
        return l2(tf.multiply(self.idf).tocsr())

    def transform(self, docs: list[_Doc]):
        return self._weigh(self.counts.transform(docs))


def _agglomerate(x, distance: float) -> np.ndarray:
    """Average-linkage clusters of L2-normalised rows, cut where mean cosine distance reaches ``distance``."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if x.shape[0] == 1:
        return np.zeros(1, dtype=int)
    dist = 1.0 - (x @ x.T).toarray().astype(np.float32)  # sparse products: cheaper than dense pdist
    np.clip(dist, 0.0, 2.0, out=dist)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    return fcluster(tree, t=distance, criterion="distance") - 1


def _facets(doc: _Doc) -> frozenset[str]:
    """What one comment is about and what it says is wrong: its object words (by their first two
    characters, so 停车费 and 停车收费 meet) and the failure classes of ``title_words.yaml`` it states."""
    classes = title_lexicon()[0]
    words = {w for ws in doc.clause_words for w in ws}
    plain = "".join(doc.clauses)
    out = {"o:" + w[:2] for w in words if _is_object(w)}
    for word, name in classes.items():
        if word in _MISSING:
            continue
        if word in words if len(word) == 1 else word in plain:
            out.add("f:" + name)
    return frozenset(out)


def _purify(labels: np.ndarray, docs: list[_Doc], x, said: list[int]) -> np.ndarray:
    """Groups a title can name: one object and one failure (analysis/CLUSTERING.md, rule 1).

    Agglomeration joins comments that share words, not always a problem: "取药排队" with "抽血排队",
    "病房吵" with "病房有蚊子". A group of four or more whose members fall into two disjoint camps, each of
    two or more members naming an object or stating a failure class the other camp never does, is split
    in two (the others join the camp they are closer to). In a group of two or three, members that share
    no object and no failure class with the others are no problem of theirs (``-1``, ungrouped), unless
    its own words were SAID by two or more people: the members are distinct texts, and one text said
    again and again is one problem however few words it has.
    """
    out = labels.copy()
    facets = [_facets(doc) for doc in docs]
    next_label = int(labels.max()) + 1
    for g in range(int(labels.max()) + 1):
        rows = [int(r) for r in np.flatnonzero(labels == g)]
        if len(rows) <= 3:
            if len(rows) == 1:
                continue
            for r in rows:
                if not any(facets[r] & facets[o] for o in rows if o != r):
                    if said[r] >= 2:
                        out[r] = next_label
                        next_label += 1
                    else:
                        out[r] = -1
            continue
        camps = _camps(rows, facets)
        if camps is None:
            continue
        sides = [sorted(c) for c in camps]
        centres = np.vstack([np.asarray(x[side].sum(axis=0)) for side in sides])  # (2, terms)
        others = [r for r in rows if r not in camps[0] and r not in camps[1]]
        if others:
            sims = np.asarray(x[others] @ centres.T)
            for r, row in zip(others, sims, strict=True):
                sides[int(row[1] > row[0])].append(r)
        for r in sides[1]:
            out[r] = next_label
        next_label += 1
    return out


def _camps(rows: list[int], facets: list[frozenset[str]]) -> tuple[set[int], set[int]] | None:
    """Two disjoint sets of members, each of two or more sharing a facet no member of the other has, that
    cover at least half the group; the largest such pair, or None."""
    who: dict[str, set[int]] = {}
    for r in rows:
        for f in facets[r]:
            who.setdefault(f, set()).add(r)
    top = max((len(m) for f, m in who.items() if f.startswith("o:")), default=0)
    if 3 * top >= 2 * len(rows):  # most members name one object: the group is about it
        return None
    common = sorted((f for f, m in who.items() if len(m) >= CAMP_MIN), key=lambda f: (-len(who[f]), f))[:16]
    best: tuple[set[int], set[int]] | None = None
    for k, a in enumerate(common):
        for b in common[k + 1:]:
            if who[a] & who[b] or 2 * len(who[a] | who[b]) < len(rows):
                continue
            if best is None or len(who[a] | who[b]) > len(best[0] | best[1]):
                best = (who[a], who[b])
    return best


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def _signature(centroid: np.ndarray, vocab: np.ndarray, n: int = SIGNATURE_TERMS) -> dict[str, float]:
    """Top word terms of a centroid (character n-grams excluded: words read better and port better)."""
    order = np.argsort(-centroid)
    terms: dict[str, float] = {}
    for j in order:
        if centroid[j] <= 0 or len(terms) >= n:
            break
        term = str(vocab[j])
        if not term.startswith("#") and len(term) > 1:
            terms[term] = float(centroid[j])
    norm = math.sqrt(sum(v * v for v in terms.values())) or 1.0
    return {t: round(v / norm, 6) for t, v in terms.items()}


def problem_id(signature: dict[str, float]) -> str:
    """Stable id of a problem: a hash of its three strongest terms (order-independent)."""
    top = sorted(sorted(signature, key=lambda t: (-signature[t], t))[:3])
    return "p" + hashlib.sha1("|".join(top).encode("utf-8")).hexdigest()[:10]


_LEAD = frozenset({"我", "我们", "我妈", "我爸", "感觉", "觉得", "但是", "但", "可是", "而且", "就是", "只是", "结果",
                   "然后", "还有", "另外", "真的", "实在", "每次", "这里", "这个", "那个", "医院", "你们", "又", "也"})
_TAIL = frozenset({"了", "啊", "吧", "呢", "呀", "哦", "嘛", "啦"})


# How strongly or how often, said in passing: a list title states the problem without them.
_INTENSIFIERS = frozenset({"根本", "一直", "老是", "总是", "还是", "都", "就", "很", "真", "已经", "真的", "实在", "简直",
                           "得要命", "要命", "特别", "非常", "好几次", "每次", "居然", "竟然"})
_NUMERALS = frozenset("0123456789零一二三四五六七八九十两几百千万半第")
_MISSING = ("没有", "没", "无")  # a failure that needs what is missing after it: "没有|热水"
TITLE_WORDS = Path(__file__).with_name("title_words.yaml")


@functools.cache
def title_lexicon() -> tuple[dict[str, str], frozenset[str], frozenset[str], frozenset[str]]:
    """(failure word -> its class, words that cannot be a title's object, words a title never carries,
    places a title need not start with), read from ``title_words.yaml``. Words outside the classes but in ``FAILURES`` are classes of their own."""
    import yaml

    data = yaml.safe_load(TITLE_WORDS.read_text(encoding="utf-8"))
    classes = {str(w): name for name, words in data["failures"].items() for w in words}
    return (classes, frozenset(map(str, data["not_objects"])), frozenset(map(str, data["never"])),
            frozenset(map(str, data["places"])))


def _trim(words: list[str]) -> str:
    """A clause as a title: leading connectives, intensifiers and trailing particles removed, length capped."""
    never = title_lexicon()[2]
    # "很" goes, except before a one-character word it makes a word with ("等很久", "很少")
    words = [w for k, w in enumerate(words) if (w not in _INTENSIFIERS or w == "很" and k + 1 < len(words)
                                                and len(words[k + 1]) == 1) and w not in never] or words
    if len(words) > 1 and words[-1] == "的":
        words = words[:-1]
    lo, hi = 0, len(words)
    while lo < hi - 1 and words[lo] in _LEAD:
        lo += 1
    while hi > lo + 1 and words[hi - 1] in _TAIL and words[hi - 2] not in NEGATORS:  # keep "没了"
        hi -= 1
    out = ""
    for w in words[lo:hi]:
        if len(out) + len(w) > TITLE_MAX:
            break
        out += w
    return out or "".join(words[lo:hi])[:TITLE_MAX]


@functools.cache
def _is_object(word: str) -> bool:
    """Whether WORD can lead a title as what the problem is about (not a place, time, person, number,
    filler or failure word: "门诊楼没有", "三次没扎进去", "时间没用" name no object)."""
    classes, not_objects, never, _ = title_lexicon()
    return (len(word) > 1 and word not in FILLER and word not in FAILURES and word not in classes
            and word not in not_objects and word not in never and word not in _INTENSIFIERS
            and word[0] not in _NUMERALS and not any(c.isdigit() for c in word)
            and not (word[-1] in "得的了" and (word[:-1] in FAILURES or word[:-1] in classes))  # "咸得"
            and word[-1] not in "来去到完都也了得人"  # a verb with its direction or result ("送来", "写得"), a glued
            # adverb, a person ("糖尿病人": who, not what)
            and not any(word.startswith(f) for f in FAILURES if len(f) > 1))  # "白跑一趟"


class _Members:
    """What a group's comments say, for scoring title candidates: which members name an object and
    which state a failure of a class (in any of the class's words)."""

    def __init__(self, member_docs: list[_Doc]) -> None:
        self.n = max(len(member_docs), 1)
        self.plain = ["".join(doc.clauses) for doc in member_docs]
        self.clauses = [c for doc in member_docs for c in doc.clauses]
        self.words = [{w for ws in doc.clause_words for w in ws} for doc in member_docs]
        self.df: Counter[str] = Counter()
        for words in self.words:
            self.df.update(words)
        classes = title_lexicon()[0]
        self.said: dict[str, set[int]] = {}
        self.class_words: dict[str, list[str]] = {}
        for word, name in classes.items():
            self.class_words.setdefault(name, []).append(word)

    def saying(self, word: str) -> set[int]:
        """Members using WORD: as a word when it is one character ("热" is not "热水"), else anywhere."""
        if word not in self.said:  # a group of 200 comments has many candidates sharing words
            self.said[word] = self._saying(word)
        return self.said[word]

    def _saying(self, word: str) -> set[int]:
        if len(word) == 1:
            return {m for m, ws in enumerate(self.words) if word in ws or any(
                len(w) == 2 and w[1] == word and w[0] in "太很还好更" for w in ws)}
        return {m for m, p in enumerate(self.plain) if word in p}

    def naming(self, obj: str) -> set[int]:
        """Members naming the object, in any wording that keeps its first two characters (停车费|停车收费)."""
        return self.saying(obj[:2])

    def failing(self, failure: str) -> set[int]:
        """Members stating the failure, by its class ("缺药", "缺货", "断货") or, outside the classes,
        by the failure word without its degree ("太贵" and "还贵" as "贵")."""
        name = title_lexicon()[0].get(failure)
        if name is None:
            key = failure.lstrip("太很还") or failure
            return self.saying(key)
        out: set[int] = set()
        for word in self.class_words[name]:
            if word not in _MISSING:
                out |= self.saying(word)
        return out


def _failure_ends(words: list[str], start: int) -> list[tuple[int, str]]:
    """Where a failure stated from word START on ends: (index after it, the failure word), for failure
    words of the lexicon spread over several words ("太|麻烦", "不|制冷", "扫|不|出来")."""
    classes, _, never, _ = title_lexicon()
    out: list[tuple[int, str]] = []
    text = ""
    for j in range(start, min(start + 4, len(words))):
        text += words[j]
        if text in never:
            break
        if text in classes or text in FAILURES or (j == start + 1 and words[start] in NEGATORS and
                                                   words[start] not in _MISSING):
            out.append((j + 1, text))
    return out


def _candidates(member_docs: list[_Doc], objects: list[str]):
    """Title candidates inside one clause: (words, object, failure) for a span from an object word to
    the end of a failure ("停车费|太贵", "用药|指导|太少", "空调|不|制冷"), or from a missing-word to
    the object it misses ("没有|热水")."""
    wanted = set(objects)
    for doc in member_docs:
        for words in doc.clause_words:
            for i, head in enumerate(words):
                if head in wanted:
                    lead = i - 1 if i > 0 and words[i - 1] in wanted else i  # "用药|指导|太少": one object
                    for k in range(i + 1, min(i + 7, len(words))):
                        for end, failure in _failure_ends(words, k):
                            if failure in _MISSING or words[k] in _MISSING:
                                if end >= len(words):
                                    continue  # "门诊楼没有": missing what?
                                end, failure = end + 1, words[k] + words[end]
                            rest = "".join(w for w in words[end:] if w not in _TAIL)
                            # "专家号太难|挂了", "导诊台没有|人": a short remainder belongs to the phrase
                            yield (words[lead:] if len(rest) <= 2 else words[lead:end]), head, failure
                elif head in _MISSING and i + 1 < len(words) and words[i + 1] in wanted:
                    lead = i - 1 if i > 0 and _is_object(words[i - 1]) else i  # "病房|没有|热水"
                    yield words[lead:i + 2], words[i + 1], "没了"


def _is_figure(word: str) -> bool:
    """A number, a time or a count ("五点", "两个星期", "3次"): one comment's detail, not its problem."""
    return any(c.isdigit() for c in word) or word[0] in _NUMERALS and word[0] != "一" or (
        word[0] == "一" and len(word) > 1 and word[1] in "个点天周月年次小分块秒")


_FILLER_RUNS = (("有", "股"), ("有", "点"), ("有", "些"), ("的", "时候"))  # "有股尿骚味", "B超的时候门不关"


def _plain_span(span: list[str], head: str) -> tuple[list[str], str]:
    """SPAN without what a list entry does not need: a leading place when an object follows it
    ("病房|卫生间|有股尿骚味" -> "卫生间..."), and filler runs that only carry the quote ("有股", "的时候")."""
    places = title_lexicon()[3]
    if len(span) > 2 and span[0] == head and head in places and _is_object(span[1]) and span[1] not in places:
        span, head = span[1:], span[1]
    out: list[str] = []
    k = 0
    while k < len(span):
        run = next((r for r in _FILLER_RUNS if tuple(span[k:k + len(r)]) == r and k > 0), None)
        if run and k + len(run) < len(span):  # never the words a failure ends with
            k += len(run)
            continue
        out.append(span[k])
        k += 1
    return out, head


def _spans(member_docs: list[_Doc], objects: list[str]):
    """``_candidates`` (``_plain_span``), and each of them without the figures between its object and its
    failure ("晚饭|五点|送来|已经|冰凉" -> "晚饭送来冰凉"): the member's words, less its detail."""
    for span, head, failure in _candidates(member_docs, objects):
        span, head = _plain_span(span, head)
        yield span, head, failure
        figures = [w for w in span if _is_figure(w) and w != head and w not in failure]
        plain = [w for w in span if w not in figures]
        if figures and all(len(w) > 1 for w in figures):  # "十|台|有|三|台": the count is the phrase
            yield plain, head, failure


def _key_phrase(member_docs: list[_Doc], signature: dict[str, float]) -> str:
    """The group's own "<object><failure>" phrase, or "" when its comments have none.

    A candidate (``_candidates``) scores by how many members name its object and state its failure
    (the same failure in any word of its class), both in one comment counting most, plus the object's
    signature weight, minus one-off details (numbers, words no other member uses) and length: so
    "药房缺药" beats "药店贵很多" in a group about missing drugs, "停车费太贵" beats "陪床家属停车没有优惠".
    The group's strongest object joined to its most stated failure competes too (``_composed``).
    """
    members = _Members(member_docs)
    n = members.n
    objects = [t for t in sorted(signature, key=lambda t: -signature[t]) if _is_object(t)][:TITLE_OBJECTS]
    best, best_score = "", -math.inf
    for span, head, failure in _spans(member_docs, objects):
        weight = signature[head]
        span, head = _broader(span, head, members)
        text = _clean(_trim(span))
        if not 4 <= len(text) <= TITLE_MAX or failure in head or any(w in title_lexicon()[2] for w in span
                                                                       if w not in _INTENSIFIERS):
            continue
        named, failing = members.naming(head), members.failing(failure)
        for w in span[span.index(head) + 1:]:  # "饭菜又贵又少" states two failures: it fits members saying either
            if w not in failure and w not in FILLER and w not in _MISSING and (w in FAILURES or w in title_lexicon()[0]):
                failing = failing | members.failing(w)
        inner = [w for w in span if w != head and w not in FILLER and w not in failure]
        detail = sum(1 for w in inner if w[0] in _NUMERALS or any(c.isdigit() for c in w)) \
            + 0.3 * sum(1 for w in inner if members.df[w] <= 1 and w not in signature)
        score = (len(named & failing) + 0.5 * (len(named) + len(failing)) + 0.3 * len(members.saying(failure))) / n \
            + weight - 0.4 * detail - 0.03 * len(text)
        if score > best_score:
            best, best_score = text, score
    composed, score = _composed(members, signature, objects)
    return composed if score > best_score else best


def _broader(span: list[str], head: str, members: _Members) -> tuple[list[str], str]:
    """SPAN led by the word its object ends with when a minority names the object and most members say
    that word on its own ("晚饭送来冰凉" in a group saying 饭, 送饭, 晚饭 -> "饭送来冰凉"): what the group
    is about, not one member's narrower case. The failure stays the member's."""
    at = span.index(head)
    if 2 * len(members.naming(head)) >= members.n or at + 1 < len(span) and _is_object(span[at + 1]):
        return span, head  # "用药|指导": a head before another object qualifies it; its tail is not the object
    _, not_objects, never, _ = title_lexicon()
    for k in range(1, len(head)):
        tail = head[k:]
        if (tail not in FILLER and tail not in not_objects and tail not in never and tail not in FAILURES
                and 2 * len(members.saying(tail)) >= members.n and len(members.saying(tail)) > len(members.naming(head))):
            return [tail if w == head else w for w in span], tail
    return span, head


def _composed(members: _Members, signature: dict[str, float], objects: list[str]) -> tuple[str, float]:
    """The group's strongest object with the failure most members state, scored like a span with a
    penalty (it joins words of two comments). Members that say the same failure in different clauses
    ("臭气熏天", "臭得不行") share no span; "卫生间" + "臭" is what they say together."""
    n = members.n
    classes = title_lexicon()[0]
    if not objects or n < 3:  # two comments' words joined are one comment's each, not what a group shares
        return "", -math.inf
    head = max(objects, key=lambda h: (len(members.naming(h)) + 2 * n * signature[h], h))
    if 2 * len(members.naming(head)) < n:  # what the group is about is what most of it names
        return "", -math.inf
    never = title_lexicon()[2]
    said = {w for words in members.words for w in words if w in FAILURES} | set(classes)
    used = {f: len(members.saying(f)) for f in said if f not in FILLER and f not in _MISSING and f not in never
            and f not in head and not any(f in o for o in objects)}
    # a failure most members state (in any word of its class), not one's detail
    used = {f: k for f, k in used.items() if 2 * k >= n or k >= 2 and 2 * len(members.failing(f)) >= n}
    if not used:
        return "", -math.inf
    rank = {w: k for k, w in enumerate(classes)}  # a class lists its plain words first ("臭" before "骚味")
    failure = max(used, key=lambda f: (len(members.failing(f)), used[f], -rank.get(f, len(rank)), f))
    text = _clean(head + failure)
    if not 3 <= len(text) <= TITLE_MAX:
        return "", -math.inf
    named, failing = members.naming(head), members.failing(failure)
    score = (len(named & failing) + 0.5 * (len(named) + len(failing)) + 0.3 * used[failure]) / n \
        + signature[head] - 0.03 * len(text)
    # one member's clause says the object and then the failure ("指示牌写得不清楚"): the title is that
    # member's words without the ones between, not words of two comments joined
    joined = len(failure) < 2 or not any(_said_between(c, head, failure) for c in members.clauses)  # "护士少"
    return text, score - (TITLE_COMPOSED if joined else TITLE_SAID)


def _said_between(clause: str, head: str, failure: str) -> bool:
    """Whether CLAUSE says HEAD and then FAILURE with at most a verb's two characters between, no other
    object ("指示牌写得不清楚" says 指示牌不清楚; "出院手续繁琐" does not say 出院繁琐)."""
    start = clause.find(head)
    if start < 0:
        return False
    rest = clause[start + len(head):]
    end = rest.find(failure)
    return 0 <= end <= 2 and (end == 0 or not _is_object(rest[:end]))


def _title(member_docs: list[_Doc], signature: dict[str, float], need: int = 1) -> str:
    """A short title in the group's own words: its key phrase, else its most central clause.

    A clause scores the signature weight of its distinct words, favouring short clauses and
    clauses that state a complaint; clauses naming one of the group's ``need`` strongest terms
    compete first. The best one, trimmed, is the title.
    """
    phrase = _key_phrase(member_docs, signature)
    if phrase:  # it starts with its object
        return _latin_upper(phrase)
    top = set(sorted(signature, key=lambda t: -signature[t])[:need])
    classes, _, never, _ = title_lexicon()
    failures = [f for f in (FAILURES | set(classes)) - never if len(f) > 1]
    # First a clause that names a top term and states a failure, then one naming a top term, then any.
    for required, failing in ((top, True), (top, False), (set(), False)):
        best, best_score = "", -1.0
        for doc in member_docs:
            for words, clause, neg in zip(doc.clause_words, doc.clauses, doc.complaint, strict=False):
                if len(clause) < 4 or (required and not required & set(words)) or (
                        failing and not any(f in clause for f in failures)):
                    continue
                score = sum(signature.get(w, 0.0) for w in set(words)) / max(len(clause), 6) ** TITLE_LEN_POWER
                score *= TITLE_COMPLAINT if neg else 1.0
                if score > best_score:
                    best, best_score = _trim(words), score
        if best:
            return _latin_upper(_with_object(best, member_docs, signature))
    # Short comments only ("饭菜凉"): the most common clause as it stands.
    clauses = Counter(_trim(words) for doc in member_docs for words in doc.clause_words if words)
    return _latin_upper(max(clauses.items(), key=lambda p: (p[1], len(p[0]), p[0]))[0]) if clauses else ""


def _latin_upper(title: str) -> str:
    """Latin letters as hospitals write them ("B超", "CT"): normalisation lower-cased them."""
    return re.sub(r"[a-z]+", lambda m: m.group(0).upper(), title)


def _clean(title: str) -> str:
    """Intensifiers that segmentation splits or glues ("老|是", "咸得") out of a title."""
    for word in ("老是", "总是", "一直", "根本", "还是"):
        title = title.replace(word, "")
    title = re.sub(r"(?<=[\u4e00-\u9fff])了(?=[\u4e00-\u9fff])", "", title) if "没了" not in title else title
    return title[:-1] if len(title) >= 2 and title.endswith("得") else title


def _object_noun(member_docs: list[_Doc]) -> str:
    """The noun most of the group's comments name (jieba's part of speech), "" if none is shared."""
    import jieba.posseg

    get_tokenizer()
    df: Counter[str] = Counter()
    for doc in member_docs[:30]:
        nouns = {w for clause in doc.clauses for w, flag in jieba.posseg.lcut(clause) if flag.startswith("n")}
        df.update(w for w in nouns if _is_object(w) and not any(w.startswith(f) for f in FAILURES))
    if not df:
        return ""
    word, n = max(df.items(), key=lambda p: (p[1], len(p[0]), p[0]))
    return word if n * 2 >= min(len(member_docs), 30) else ""


def _with_object(title: str, member_docs: list[_Doc], signature: dict[str, float]) -> str:
    """TITLE led by what the problem is about when it names no object of its own ("咸" -> "饭咸")."""
    title = _clean(title)
    objects = [t for t in sorted(signature, key=lambda t: -signature[t])
               if not any(f in t for f in FAILURES) and t not in FILLER and t not in _INTENSIFIERS
               and not any(c.isdigit() for c in t)]
    if any(t in title for t in objects[:3]):
        return title
    lead = _object_noun(member_docs)
    return lead + title if lead and lead not in title and len(lead) + len(title) <= TITLE_MAX else title


def cluster_comments(
    texts: list[str], *, distance: float = DISTANCE, min_size: int = MIN_SIZE, sample: int = SAMPLE,
    previous: list[Problem] | None = None,
) -> Clustering:
    """Group the negative comments of one theme into specific problems.

    ``previous`` (last month's problems) keeps ids stable across months: a problem whose
    signature matches a previous one takes its id.
    """
    get_tokenizer()
    key_of = [" ".join(text.split()) for text in texts]
    keys = sorted(set(key_of))  # sorted: the result does not depend on the input order
    distinct = {key: i for i, key in enumerate(keys)}
    if not keys:
        return Clustering([], [])
    # Exact agglomeration on the most frequent distinct texts; the rest are assigned afterwards.
    docs: dict[int, _Doc] = {}
    label_of: dict[int, int] = {}
    freq = Counter(key_of)
    core: list[int] = []
    rest: list[int] = []
    for i in sorted(range(len(keys)), key=lambda i: (-freq[keys[i]], i)):
        if len(core) >= sample:
            rest.append(i)
            continue
        docs[i] = _doc(keys[i])
        if _analyzer(docs[i]):
            core.append(i)
        else:
            label_of[i] = -1  # nothing but filler ("太差了"): names no problem
    if not core:
        return Clustering([None] * len(texts), [])
    core.sort()
    vec = _Vectorizer([docs[i] for i in core])
    x_core = vec.matrix
    labels_core = _purify(_agglomerate(x_core, distance), [docs[i] for i in core], x_core,
                          [freq[keys[i]] for i in core])
    label_of.update(zip(core, (int(v) for v in labels_core), strict=True))
    n_groups = int(labels_core.max()) + 1
    x_dense = x_core.toarray()
    weights = np.array([freq[keys[i]] for i in core], dtype=float)
    centroids = np.zeros((n_groups, x_dense.shape[1]))
    grouped = labels_core >= 0
    np.add.at(centroids, labels_core[grouped], x_dense[grouped] * weights[grouped, None])
    centroids = _normalise_rows(centroids)
    close_of: dict[int, float] = {}
    for g in range(n_groups):
        rows = np.flatnonzero(labels_core == g)
        for i, value in zip(rows, x_dense[rows] @ centroids[g], strict=True):
            close_of[core[i]] = float(value)
    if rest:
        for start in range(0, len(rest), 2000):
            chunk = rest[start:start + 2000]
            for i in chunk:
                docs[i] = _doc(keys[i])
            sims = (vec.transform([docs[i] for i in chunk]) @ centroids.T)
            sims = np.asarray(sims)
            best = sims.argmax(axis=1)
            for i, b, s in zip(chunk, best, sims[np.arange(len(chunk)), best], strict=True):
                label_of[i] = int(b) if s >= ASSIGN_SIMILARITY else -1
                close_of[i] = float(s)
    sizes = Counter()
    for key in key_of:
        sizes[label_of[distinct[key]]] += 1
    vocab = vec.vocab
    problems: list[Problem] = []
    group_index: dict[int, int] = {}
    members_of: dict[int, list[_Doc]] = defaultdict(list)  # each group's first 200 texts, in one pass
    for i, lab in label_of.items():
        if lab >= 0 and i in docs and len(members_of[lab]) < 200:
            members_of[lab].append(docs[i])
    for g in sorted((g for g, n in sizes.items() if g >= 0 and n >= min_size), key=lambda g: (-sizes[g], g)):
        sig = _signature(centroids[g], vocab)
        members = members_of[g]
        group_index[g] = len(problems)
        problems.append(Problem(problem_id(sig), _title(members, sig), sizes[g], sig))
    _dedupe_ids(problems)
    if previous:
        match_previous(problems, previous)
    assignment = [group_index.get(label_of[distinct[key]]) for key in key_of]
    closeness = [None if k is None else close_of.get(distinct[key]) for k, key in zip(assignment, key_of, strict=True)]
    return Clustering(assignment, problems, closeness)


def _dedupe_ids(problems: list[Problem]) -> None:
    seen: Counter[str] = Counter()
    for p in problems:
        seen[p.id] += 1
        if seen[p.id] > 1:
            p.id = f"{p.id}-{seen[p.id]}"


def signature_similarity(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two term signatures (vocabulary-independent, so months compare directly)."""
    return sum(v * b[t] for t, v in a.items() if t in b)


def match_previous(current: list[Problem], previous: list[Problem], threshold: float = MATCH_SIMILARITY) -> None:
    """Give each current problem the id of the most similar previous problem (one-to-one, greedy).

    Pairs are taken best first; a current problem without a previous match above ``threshold``
    keeps its own id (a new problem).
    """
    pairs = sorted(
        ((signature_similarity(c.signature, p.signature), ci, pi)
         for ci, c in enumerate(current) for pi, p in enumerate(previous)),
        reverse=True,
    )
    used_c: set[int] = set()
    used_p: set[int] = set()
    for sim, ci, pi in pairs:
        if sim < threshold:
            break
        if ci in used_c or pi in used_p:
            continue
        used_c.add(ci)
        used_p.add(pi)
        current[ci].id = previous[pi].id
    matched = {current[ci].id for ci in used_c}
    for ci, c in enumerate(current):
        if ci not in used_c and c.id in matched:  # own hash equals an id another problem inherited
            c.id += "-n"


def _cluster_one(texts: list[str]) -> Clustering:
    return cluster_comments(texts)


def cluster_batches(batches: dict[str, list[str]], workers: int = 1) -> dict[str, Clustering]:
    """Cluster independent batches (one per theme, or theme x department), optionally in processes.

    The tokenizer and the corpus IDF are loaded once before forking, so workers share them.
    """
    get_tokenizer()
    background_df()
    keys = sorted(batches, key=lambda k: -len(batches[k]))  # largest first: better packing
    if workers <= 1 or len(keys) <= 1:
        return {k: cluster_comments(batches[k]) for k in keys}
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_cluster_one, [batches[k] for k in keys], chunksize=1)
    return dict(zip(keys, results, strict=True))


@functools.lru_cache(maxsize=65536)
def terms_of(text: str) -> frozenset[str]:
    """The content words of one comment (what a problem signature is made of); cached, as the same
    texts are weighed for the hospital's list and again for each department's."""
    return frozenset(t for t in _analyzer(_doc(text)) if not t.startswith("#") and len(t) > 1)


def signature_of(texts: list[str], n: int = SIGNATURE_TERMS) -> dict[str, float]:
    """A problem signature for a hand-made group of comments (the office's split): the words the
    group's comments share, weighted like the clusterer's (document frequency times corpus IDF)."""
    n_bg, df_bg = background_df()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(terms_of(text))
    weights = {t: c * (math.log((1 + n_bg) / (1 + df_bg.get(t, 0))) + 1.0) for t, c in counts.items()}
    top = sorted(weights, key=lambda t: (-weights[t], t))[:n]
    norm = math.sqrt(sum(weights[t] ** 2 for t in top)) or 1.0
    return {t: round(weights[t] / norm, 6) for t in top}


def closeness(terms: frozenset[str], signature: dict[str, float]) -> float:
    """How well a comment's words fit a signature (signature weight of its words, length-normalised)."""
    if not terms:
        return 0.0
    return sum(signature.get(t, 0.0) for t in terms) / math.sqrt(len(terms))
