"""Question banks of the patient-experience survey: YAML data plus a plain-Python loader.

Typical use::

    from question_banks import load_banks, scale_levels
    banks = load_banks()                  # {"outpatient": Bank, ...}
    bank = banks["outpatient"]
    version = bank.content_hash()         # store a new bank version when this changes
    for q in bank.questions:
        q.wording("zh-CN", plain=elderly_mode)
        if q.type == "scale":
            buttons = scale_levels(q.na)
"""

from .loader import BANKS_DIR, Bank, Option, Question, load_bank, load_banks
from .scales import SCALE_FILE, SCALE_LABELS, ScaleLevel, load_scale, scale_levels
from .schema import (
    CODE_RE,
    DEFAULT_MAX_LENGTH,
    DIMENSIONS,
    LANGS,
    MAX_LENGTH_LIMIT,
    QUESTION_TYPES,
    THEMES,
    BankError,
)

__all__ = [
    "BANKS_DIR", "CODE_RE", "DEFAULT_MAX_LENGTH", "DIMENSIONS", "LANGS", "MAX_LENGTH_LIMIT",
    "QUESTION_TYPES", "SCALE_FILE", "SCALE_LABELS", "THEMES", "Bank", "BankError", "Option",
    "Question", "ScaleLevel", "load_bank", "load_banks", "load_scale", "scale_levels",
]
