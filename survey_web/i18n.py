"""Language choice: zh-CN first, then zh-TW and English; bank texts follow the same choice."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from jinja2 import pass_environment
from jinja2.filters import do_truncate

from analysis.taxonomy import THEMES

LOCALES = ("zh_CN", "zh_TW", "en")
LOCALE_NAMES = {"zh_CN": "简体中文", "zh_TW": "繁體中文", "en": "English"}
# Question banks key their texts by BCP 47 tags.
BANK_TAG = {"zh_CN": "zh-CN", "zh_TW": "zh-TW", "en": "en"}
COOKIE = "lang"
_ALIASES = {"zh": "zh_CN", "zh_hans": "zh_CN", "zh_sg": "zh_CN", "zh_hant": "zh_TW", "zh_hk": "zh_TW",
            "zh_mo": "zh_TW"}


def normalise(tag: str | None) -> str | None:
    """Map 'zh-Hant-TW', 'zh_hk', 'EN-us'... onto one of LOCALES, or None."""
    if not tag:
        return None
    key = tag.strip().replace("-", "_").lower()
    for locale in LOCALES:
        if key == locale.lower():
            return locale
    if key.startswith("zh_hant") or key in ("zh_tw", "zh_hk", "zh_mo"):
        return "zh_TW"
    if key.startswith("en"):
        return "en"
    return _ALIASES.get(key) or ("zh_CN" if key.startswith("zh") else None)


def select_locale() -> str:
    """?lang= wins, then the remembered cookie, then the browser's languages, then zh_CN."""
    if not has_request_context():
        return "zh_CN"  # CLI commands and jobs speak the hospital's language
    chosen = normalise(request.args.get("lang")) or normalise(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    for tag, _quality in request.accept_languages:
        found = normalise(tag)
        if found:
            return found
    return "zh_CN"


def current() -> str:
    """The active language as one of LOCALES (Babel itself says 'zh_Hans_CN' for zh_CN)."""
    locale = get_locale()
    if locale is None or locale.language == "zh":
        hant = locale is not None and (locale.script == "Hant" or locale.territory in ("TW", "HK", "MO"))
        return "zh_TW" if hant else "zh_CN"
    return "en"


def pick(texts: dict | None, locale: str | None = None) -> str:
    """The text of a bank's {lang: text} mapping for the current locale, falling back to zh-CN."""
    if not texts:
        return ""
    tag = BANK_TAG.get(locale or current(), "zh-CN")
    return texts.get(tag) or texts.get("zh-CN") or next(iter(texts.values()))


def theme_name(code: str | None, locale: str | None = None, missing: str | None = None) -> str:
    """Theme CODE's name in LOCALE (default: the page's language); MISSING (default: CODE) when unknown."""
    theme = THEMES.get(code or "")
    if theme is None:
        return (code or "") if missing is None else missing
    return theme.name(BANK_TAG.get(locale or current(), "zh-CN"))


@pass_environment
def truncate_text(env, text: str, length: int = 255, killwords: bool = True, end: str = "…", leeway: int = 0) -> str:
    """Jinja's `truncate` for Chinese: cut at LENGTH characters with "…", not back to the last space (a text
    like "1. 在门诊大厅设志愿者…" would otherwise shrink to "1....")."""
    return do_truncate(env, text, length, killwords, end, leeway)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["truncate"] = truncate_text

    @app.after_request
    def remember_language(response):
        chosen = normalise(request.args.get("lang"))
        if chosen and request.cookies.get(COOKIE) != chosen:
            response.set_cookie(COOKIE, chosen, max_age=365 * 86400, samesite="Lax", httponly=True)
        return response

    @app.context_processor
    def language_helpers():
        return {"pick": pick, "LOCALE_NAMES": LOCALE_NAMES, "current_locale": current,
                "html_lang": lambda: BANK_TAG.get(current(), "zh-CN")}

