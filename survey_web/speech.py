"""Read-aloud clips: every question and answer of every bank, spoken in Mandarin, made once at bank sync.

Many cheap Android phones (and some in-app browsers) have no local Mandarin voice, so the device's own
speech synthesis cannot read the survey to an older respondent. `flask banks sync` therefore renders
each wording (standard and plain, simplified and traditional Chinese) and each answer word with a local
engine, espeak-ng's Mandarin voice, compressed with opusenc to a few kilobytes, into `instance/audio/`.
The page names a clip by the hash of its voice and text, and elderly.js plays the clips when the device
has no Mandarin voice of its own. Nothing is fetched from a network, at sync time or on the page.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import Flask, current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from question_banks import Bank, scale_levels

from .i18n import BANK_TAG

# The respondent's language -> espeak-ng voice. English devices ship an English voice: no clips.
VOICES = {"zh-CN": "cmn", "zh-TW": "cmn"}
SPEED = 140  # words per minute: a little slower than espeak-ng's 175 for older listeners
BITRATE_KBPS = 12  # speech stays clear; a question is about 5-10 KB
ENGINES = ("espeak-ng", "opusenc")


def clip_name(text: str, lang: str) -> str | None:
    """The file name of TEXT spoken in LANG's voice, or None for a language without clips."""
    voice = VOICES.get(lang)
    if voice is None or not text:
        return None
    digest = hashlib.sha256(f"{voice}\n{SPEED}\n{text}".encode()).hexdigest()[:24]
    return f"{digest}.opus"


# The role question lives in the survey form (translation catalogue), not in a bank.
ROLE_TEXTS = ("You are", "The patient", "A family member or carer")


def audio_dir() -> Path:
    return Path(current_app.config.get("AUDIO_DIR") or Path(current_app.instance_path) / "audio")


def clip_url(text: str, lang: str, rendered: frozenset[str] | None = None) -> str | None:
    """The URL of TEXT's clip if it has been rendered (RENDERED: the clips on disk, if already listed),
    else None (the page then offers no clip)."""
    name = clip_name(text, lang)
    if name is None or name not in (_rendered() if rendered is None else rendered):
        return None
    return url_for("survey.audio", name=name)


def _rendered() -> frozenset[str]:
    """The clips on disk, listed again only when the folder changes (one stat per call)."""
    folder = audio_dir()
    try:
        stamp = folder.stat().st_mtime_ns
    except FileNotFoundError:
        return frozenset()
    cache = current_app.extensions.setdefault("speech", {})
    if cache.get("stamp") != stamp:
        cache["names"] = frozenset(os.listdir(folder))
        cache["stamp"] = stamp
    return cache["names"]


def texts_of(bank: Bank) -> Iterator[tuple[str, str]]:
    """(lang, text) for everything read aloud on BANK's page: wordings, option labels, scale words."""
    for lang in VOICES:
        for question in bank.questions:
            yield lang, question.text[lang]
            if question.plain:
                yield lang, question.plain[lang]
            for option in question.options:
                yield lang, option.label[lang]
        for level in scale_levels(na=True):
            yield lang, level.label[lang]
            yield lang, level.short[lang]


def role_texts() -> list[tuple[str, str]]:
    """(lang, text) of the role question and its answers in each language with clips."""
    pairs = []
    for lang in VOICES:
        locale = next(code for code, tag in BANK_TAG.items() if tag == lang)
        with current_app.test_request_context(), force_locale(locale):
            pairs += [(lang, _(text)) for text in ROLE_TEXTS]
    return pairs


def missing_engines() -> list[str]:
    return [name for name in ENGINES if shutil.which(name) is None]


def everything(banks: Iterable[Bank]) -> list[tuple[str, str]]:
    """Every (lang, text) read aloud on any page: the banks' texts and the role question's."""
    return [pair for bank in banks for pair in texts_of(bank)] + role_texts()


def render_clips(pairs: Iterable[tuple[str, str]]) -> tuple[int, int]:
    """Render the clip of every (lang, text) pair that is not on disk yet; returns (made, already there).

    Raises RuntimeError naming a missing engine.
    """
    missing = missing_engines()
    if missing:
        raise RuntimeError(f"{' and '.join(missing)} not installed (Debian: espeak-ng opus-tools)")
    folder = audio_dir()
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {clip_name(text, lang): (lang, text) for lang, text in pairs if clip_name(text, lang)}
    made = 0
    for name, (lang, text) in sorted(wanted.items()):
        if not (folder / name).exists():
            _render(text, VOICES[lang], folder / name)
            made += 1
    return made, len(wanted) - made


def _render(text: str, voice: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        wav = Path(scratch) / "clip.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(SPEED), "-w", str(wav), "--", text],
                       check=True, capture_output=True, timeout=60)
        partial = target.with_suffix(".part")
        subprocess.run(["opusenc", "--quiet", "--bitrate", str(BITRATE_KBPS), "--downmix-mono",
                        str(wav), str(partial)], check=True, capture_output=True, timeout=60)
        os.replace(partial, target)  # whole files only: a page never meets half a clip


def init_app(app: Flask) -> None:
    @app.context_processor
    def speech_helpers():
        from .i18n import current

        page = {}  # the language and the clips on disk, looked up once per page, at its first say()

        def say(text) -> Markup:
            """` data-say="URL"` for TEXT's clip in the page's language, or nothing."""
            if not page:
                page.update(lang=BANK_TAG.get(current(), "zh-CN"), rendered=_rendered())
            url = clip_url(str(text), page["lang"], page["rendered"])
            return Markup(' data-say="%s"') % url if url else Markup("")

        return {"say": say}
