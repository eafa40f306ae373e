"""Curated urgent-signal lexicon (regex per reason), negation-aware where cheap.

The lexicon favours recall; a classifier score with a low threshold is OR-ed
with it by the model (see ``analysis.model``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REASONS = ("self_harm", "violence", "bribery", "theft", "privacy", "safety")

_PERSON = r"(?:我|你|他|她|人|医生|大夫|护士|保安|病人|患者|家属|老人|孩子|小孩|我爸|我妈|我老婆|我老公|护工)"

_PATTERNS: dict[str, str] = {
    "self_harm": r"不想活|想死|去死|自杀|轻生|寻死|跳楼|跳下去|割腕|上吊|活着没(有)?意思|撑不下去|活不下去|"
                 r"活着.{0,2}累|结束(自己的)?生命|了结自己|吞了?.{0,4}安眠药|不想再做了|死了算了|不如死了",
    "violence": r"打人|殴打|暴打|动手(?!术|了?手术|做)|推倒|推了.{0,3}一?[下把]|推搡|(?<!砍)砍(?!价)|持刀|拿刀|伤医|医闹|闹事|暴力|耳光|揍|"
                r"踢了?" + _PERSON + r"|掐|威胁|辱骂|一拳|砸东西|粗鲁|抓出|大喊大叫|猥亵|性骚扰|摸了.{0,2}(?:屁股|胸)|被.{0,10}打了|"
                r"(?<!给)打(?:了|伤)?" + _PERSON + r"(?!.{0,3}(?:针|电话|点滴|吊瓶|麻药|招呼|疫苗|单))",
    "bribery": r"红包|回扣|塞钱|好处费|辛苦费|感谢费|加急费|意思意思|表示表示|(?<!不)收礼|送礼|购物卡|索要(?!发票|收据|病历|报告|清单)|索贿|"
               r"收了.{0,6}块|收了(?:我们?|家属|病人)的?钱|拿回扣|提成|返点|送点东西|送东西|要钱才|给钱才|找关系|"
               r"托关系|私下|卖号|卖床位|亲戚开的|朋友开的|指定的?(?:药店|地方|机构)|打个招呼|潜规则|"
               r"外面的?(?:机构|诊所|工作室)|推荐的?.{0,4}(?:药店|机构|中心|诊所|保健品|营养品)|推销自己",
    "theft": r"(?<!偷)偷(?!偷|拍|懒|税|窥|看|听|笑|工)|被盗|盗窃|失窃|小偷|扒手|被抢|抢(?:了.{0,3})?(?:手机|包|钱)|骗钱|翻东西|顺走|被顺|"
             r"(?:钱包|手机|钱|包|项链|首饰|电瓶|电动车|充电器|充电宝|东西|财物)[^，。！？,.!?]{0,6}"
             r"(?:丢了|不见了|没了|被.{0,2}拿走|找不到了)|丢了.{0,3}(?:电瓶|手镯|金|钱)|被人拿走",
    "privacy": r"泄露|泄漏|外泄|偷拍|(?<!偷)拍(?:了|照|视频)(?!.{0,2}(?:片|ct|x光|胸|肺|拍|一下|下))|发(?:到|在)?(?:群|网上|朋友圈|抖音|快手|微博)|"
               r"电话推销|打电话.{0,6}推销|推销电话|骗子|收到.{0,8}短信|公告栏|大声念|念出|病历.{0,8}(?:被|随便|拿错)|信息.{0,4}(?:被|泄)|怎么知道(?:我|你|他|她|患者|病人)的?(?:电话|号码|手机|信息|名字|住址|地址|病|家)|偷窥|"
               r"个人信息|信息表|别人的(?:名字|报告|结果)|是别人的|谁都能|门都?没关|没有?帘子|屏幕朝|扔在垃圾桶",
    "safety": r"摔倒|摔了|摔伤|摔下|摔在|跌倒|坠床|滑倒|滑了一跤|滑下来|(?<!天上)掉下来|掉到地上|掉在地上|晕倒|掉下床|"
              r"输错|打错(?:了)?(?:针|药|位置|部位|人)|拿错(?!了?单)|发错|开错(?:了)?(?:药|刀|部位|剂量)|药开错|用错|弄错|搞错|做错|配错|贴错|认错|挂错了?(?:点滴|药|瓶)|插错|弄混|搞混|戴反|戴错|弄反|"
              r"错(?:了)?(?:药|针|人|床|眼|侧|位置)|差错|(?<!花粉|季节|反复)(?<!是)过敏(?!史|性|体质|原)|(?:成人|大人)的?剂?量|药量|(?:剂量|药量|用量|吃了|打了|开了).{0,6}(?:十|几|两|三|好几|五)倍|"
              r"纱布.{0,4}(?:没|留|忘)|压疮|褥疮|抽搐|没救|险些|(?<!邦)绑(?!定|卡|不|上)|勒紫|窒息|走失|烫伤|漏电|"
              r"着火|火灾|医疗事故|不核对|没核对|没有核对|内出血|大出血|断在|针头掉|回血|别人的药|是隔壁床的|感染了|出事|(?<![眼道底宫脑鼻肠不会])出血(?!的风险|才)|限位|"
              r"差点(?:摔|跌|拿错|拿走别人|吃下去|用到|没救|出事|死|输错|打错|送命|要了命)",
}

_NEGATION_BEFORE: dict[str, str] = {
    "bribery": r"(?:拒收?|不收|没收|没有收|退回?|退还|不要|谢绝|不肯收|不用送|不用给|不需要|不用|没要|婉拒|拒绝|不吃请|"
               r"不收受|从不|从来不|杜绝|严禁|禁止|没(?:看到|见过|见到)|没有人|一个)[^，。！？,.!?；;]{0,4}$",
    "safety": r"(?:防|防止|预防|避免|防范)[^，。！？,.!?]{0,2}$",
    "privacy": r"(?:保护|注意|注重|尊重)[^，。！？,.!?]{0,2}$",
}
_NEGATION_AFTER: dict[str, str] = {
    "bribery": r"^[^，。！？,.!?；;]{0,6}(?:被?退(?:回|还|了|到)|拒绝|不收|没收|不要|都没看到|一个都没|被.{0,4}(?:批评|拒))",
}

_RULE_RE = {reason: re.compile(pat) for reason, pat in _PATTERNS.items()}
_NEG_BEFORE_RE = {reason: re.compile(pat) for reason, pat in _NEGATION_BEFORE.items()}
_NEG_AFTER_RE = {reason: re.compile(pat) for reason, pat in _NEGATION_AFTER.items()}
_ANY_RE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS.values()))


@dataclass(slots=True)
class LexiconHit:
    """Reasons matched by the lexicon; ``negated`` lists reasons seen only negated."""

    reasons: list[str]
    negated: list[str]


def _is_negated(reason: str, text: str, start: int, end: int) -> bool:
    before = _NEG_BEFORE_RE.get(reason)
    if before is not None and before.search(text[max(0, start - 10):start]):
        return True
    after = _NEG_AFTER_RE.get(reason)
    return after is not None and after.search(text[end:end + 12]) is not None


def lexicon_scan(plain: str) -> LexiconHit:
    """Scan normalised text for urgent signals; returns matched and negated-only reasons."""
    hit = LexiconHit(reasons=[], negated=[])
    if not _ANY_RE.search(plain):
        return hit
    for reason in REASONS:
        seen_negated = False
        for m in _RULE_RE[reason].finditer(plain):
            if _is_negated(reason, plain, m.start(), m.end()):
                seen_negated = True
                continue
            hit.reasons.append(reason)
            break
        else:
            if seen_negated:
                hit.negated.append(reason)
    return hit


# Context cues for the urgent decision (evidence for the stacker, never a verdict on their own). Real letters
# that alarm wrongly tell of rescue with thanks, report news, speculate, or complain of cost or waiting; real
# urgent letters name an outcome (death, deterioration, a missed diagnosis) the reason lexicon cannot list.
CUES: dict[str, str] = {
    "outcome": r"死亡|去世|身亡|离世|过世|病逝|抢救无效|无力回天|没了呼吸|没有了呼吸|心跳停止|呼吸停止|休克|昏迷|"
               r"瘫痪|残疾|截肢|植物人|丧命|送命|人没了|走了|不治|死了|死在|夭折|胎死|猝死",
    "fault": r"误诊|漏诊|延误|耽误|耽搁|拖延|没人管|没人理|不管不顾|见死不救|拒收|拒诊|不收治|推诿|恶化|加重|"
             r"越来越(?:严重|重|差)|出了问题|后遗症|并发症|事故|责任|讨个说法|讨说法|要个说法|鉴定|起诉|赔偿|投诉",
    "thanks": r"感谢|谢谢|感激|感恩|锦旗|妙手回春|救了|救回|抢救(?:了|过来|回来|成功)|转危为安|脱离(?:了)?危险|"
              r"化险为夷|救命恩人|华佗|白衣天使|医德高尚",
    "reported": r"记者|据悉|报道|新闻|网友|据了解|日讯|通报|回应|院方表示|警方|官方|消息|转载|发布",
    "hypothetical": r"如果|万一|假如|要是|假设|担心|害怕|怕|会不会|可能会|以免|建议|希望",
    "cost": r"费用|太贵|收费|价格|多少钱|医保|报销|自费|花了|元",
    "wait": r"排队|等了|等候|挂号|挂不上|号源|预约",
}
_CUE_RE = {name: re.compile(pat) for name, pat in CUES.items()}


def cue_counts(plain: str) -> list[int]:
    """Matches of each context cue (``CUES`` order) in normalised text."""
    return [len(rx.findall(plain)) for rx in _CUE_RE.values()]
