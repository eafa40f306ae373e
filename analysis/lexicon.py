"""Hand-curated lexicons: sentiment cues (negation-aware) and no-subject comments."""

from __future__ import annotations

import re

_POS_WORDS = (
    "好 很好 挺好 不错 满意 感谢 谢谢 多谢 专业 耐心 细心 贴心 方便 及时 快 很快 干净 整洁 清楚 明白 "
    "热情 负责 点赞 好评 给力 温柔 亲切 和蔼 认真 仔细 周到 舒服 舒适 便宜 实惠 透明 准确 顺利 "
    "放心 安心 高效 效率高 省事 便捷 充足 宽敞 准时 赞 棒 优秀 暖心 感动 辛苦 尽职 靠谱 规范 "
    "好吃 可口 明亮 安静 够 有序 快捷 省心 到位"
)
_NEG_WORDS = (
    "差 很差 太差 慢 太慢 难 太难 贵 太贵 脏 乱 臭 吵 久 太久 麻烦 不耐烦 失望 投诉 垃圾 恶心 敷衍 "
    "冷漠 凶 烦 坑 离谱 无语 气死 生气 推诿 拖 拖延 难吃 拥挤 挤 混乱 糟糕 不行 不好 不满 不满意 "
    "态度恶劣 恶劣 傲慢 冷淡 随便 草率 误诊 浪费 折腾 白跑 漏 错 坏 坏了 没用 难受 痛苦 心寒 "
    "寒心 过分 欺负 骂 吼 翻白眼 嫌弃 刁难 耽误 不负责 不专业 闷 冷 热 少 不够 贵死 黑 暴躁 "
    "可怕 害怕 担心 怕 疼 痛 肿 晕 迷路 找不到 挂不到 没有 没人 不管 不理 不给 不让 不到 受罪"
)
POS_CUES = frozenset(_POS_WORDS.split())
NEG_CUES = frozenset(_NEG_WORDS.split())
NEGATORS = frozenset({"不", "没", "没有", "未", "别", "无", "不太", "不是", "不够", "不算", "并不", "一点也不", "一点都不"})


def cue_tokens(tokens: list[str]) -> list[str]:
    """Return sentiment cue tokens ("cue_pos"/"cue_neg") with negation flipping."""
    out: list[str] = []
    prev = ""
    for tok in tokens:
        polarity = 1 if tok in POS_CUES else -1 if tok in NEG_CUES else 0
        if polarity and prev in NEGATORS:
            polarity = -polarity
        if polarity > 0:
            out.append("cue_pos")
        elif polarity < 0:
            out.append("cue_neg")
        prev = tok
    return out


_GENERIC_WORDS = """无 没有 没 暂无 暂时没有 目前没有 没意见 无意见 没有意见 没什么意见 没什么 没啥 没啥意见 没有建议 无建议
    暂无建议 没有了 都挺好 都很好 都还好 都好 都不错 挺好 挺好的 很好 很好的 非常好 特别好 好 好的 满意 很满意
    非常满意 比较满意 基本满意 都满意 十分满意 还行 还可以 可以 一般 一般般 ok 好评 五星好评 点赞 赞 谢谢
    感谢 非常感谢 谢谢你们 感谢你们 辛苦了 你们辛苦了 大家辛苦了 不知道 不清楚 说不上来 希望越来越好 越来越好
    继续保持 继续加油 加油 支持 一切都好 一切顺利 整体不错 总体满意 总体还行 总的来说还行 挺满意 没毛病 无话可说
    没有什么 没有什么意见 没有别的 其他没有 就这样 暂时没有意见 nothing none no 好好好 嗯 哦 的 了 啊 呢 吧 哈 哈哈
    都 也 还 都可以 还不错 不错 蛮好 蛮好的 满意满意 棒 真棒 很棒 呵呵 目前都好 无其他 无其它 无无 五星 满分 高分
    打个高分 给个好评 分 就这些 这些 新年快乐 节日快乐 好人有好报 一生平安 身体健康 我觉得 家人说 没什么感觉 感觉
    下次还来 越办越好 越来越好 医护人员辛苦了 医务人员辛苦了 大家 你们 给你们 填了 总体 整体 这次 就医体验 体验
    总体感觉 希望 继续努力 中国医生最棒 满意度 啦 呀 嗯嗯 感恩 感谢感谢 辛苦啦 无所谓 没有特别的意见 特别的 很
    非常 挺 比较 还是 吧 n/a na"""
_GENERIC_FRAGMENTS = sorted(_GENERIC_WORDS.split(), key=len, reverse=True)
_GENERIC_RE = re.compile("(?:" + "|".join(map(re.escape, _GENERIC_FRAGMENTS)) + ")+")
_DROP_RE = re.compile(r"[\s\W_\d]+")


def is_no_subject(plain: str) -> bool:
    """True when the normalised comment names no specific subject (e.g. "无", "都挺好")."""
    core = _DROP_RE.sub("", plain)
    return not core or _GENERIC_RE.fullmatch(core) is not None
