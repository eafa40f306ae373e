"""Input normalisation: full-width -> half-width, traditional -> simplified,
lower-casing, and emoji replacement by sentiment placeholders.

Emoji are removed from the text the character model sees, but each emoji run
is replaced by a private-use placeholder character so that the tokenizer can
turn it into a sentiment cue token and a clause boundary.
"""

from __future__ import annotations

import re

from opencc import OpenCC

# OpenCC's phrase-aware traditional -> simplified (瞭解 -> 了解 but 瞭望 stays): about 3 µs a comment, against
# a hand-made 900-pair table that missed common characters (兩, 別, 動, 鈴); see analysis/README.md.
_T2S = OpenCC("t2s")

EMO_POS = "\ue000"
EMO_NEG = "\ue001"
EMO_OTHER = "\ue002"
EMO_TOKENS = {EMO_POS: "emo_pos", EMO_NEG: "emo_neg", EMO_OTHER: "emo_other"}

_POSITIVE_EMOJI = set("👍😊😀😁😃😄🙂☺❤💕💖💗🙏🌹👏💯😘🥰😍🤗✌👌🎉🌟⭐💐😇😋🤝")
_NEGATIVE_EMOJI = set("😤😡😠👎💢😓😞😔😩😫🤬😒🙄💔😣😖😰😱🤮😑😕🙁☹😾🥵🥶😷")

_EMOJI_RE = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2190-\u21FF"
    "\u2300-\u23FF\uFE0F\u200D\u20E3\U000E0020-\U000E007F]+"
)


def _build_translate_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII variants
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    for ch in (EMO_POS, EMO_NEG, EMO_OTHER):  # never trust placeholders from input
        table[ord(ch)] = ""
    return table


_TABLE = _build_translate_table()


def _emoji_placeholder(match: re.Match[str]) -> str:
    run = match.group(0)
    pos = sum(ch in _POSITIVE_EMOJI for ch in run)
    neg = sum(ch in _NEGATIVE_EMOJI for ch in run)
    if pos > neg:
        return EMO_POS
    if neg > pos:
        return EMO_NEG
    return EMO_OTHER


def normalize(text: str) -> str:
    """Normalise raw comment text; emoji runs become placeholder characters."""
    text = _T2S.convert(text).translate(_TABLE).lower()
    if _EMOJI_RE.search(text):
        text = _EMOJI_RE.sub(_emoji_placeholder, text)
    return text.strip()


def strip_placeholders(text: str) -> str:
    """Remove emoji placeholders, e.g. for lexicon matching on plain text."""
    return text.replace(EMO_POS, "").replace(EMO_NEG, "").replace(EMO_OTHER, "")
