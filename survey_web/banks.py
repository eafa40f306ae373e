"""Question banks as the app sees them: loaded from YAML once, versioned in the database."""

from __future__ import annotations

import threading

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from question_banks import Bank, load_banks

from .extensions import db
from .models import BankVersion

_lock = threading.Lock()
# Both caches hold immutable facts (a version row never changes), so they are safe per process.
# Keys include the database URL, so tests that switch databases never see another's ids.
_version_ids: dict[tuple[str, str, str], int] = {}
_by_version: dict[tuple[str, int], Bank] = {}


def init_app(app: Flask) -> None:
    # Staff-survey banks (respondent: staff) live apart, so no patient page, figure or list ever meets them.
    loaded = load_banks(app.config.get("QUESTION_BANKS_DIR"))
    app.extensions["banks"] = {code: bank for code, bank in loaded.items() if bank.respondent != "staff"}
    app.extensions["staff_banks"] = {code: bank for code, bank in loaded.items() if bank.respondent == "staff"}


def current(code: str) -> Bank:
    """The bank as its YAML file says today."""
    return current_app.extensions["banks"][code]


def staff_current(code: str = "staff") -> Bank:
    """The staff-survey bank CODE as its YAML file says today."""
    return current_app.extensions["staff_banks"][code]


def all_current() -> dict[str, Bank]:
    return current_app.extensions["banks"]


def question_text(code: str | None, locale: str | None = None, prefer: list[str] | tuple = ()) -> str:
    """Question CODE's wording in LOCALE (default: the page's language), from the banks in PREFER first
    (their wording is what those respondents saw); CODE itself when no bank asks it."""
    from .i18n import pick

    current = all_current()
    ordered = [current[c] for c in prefer if c in current] + [b for c, b in current.items() if c not in prefer]
    for bank in ordered:
        for question in bank.questions:
            if question.code == code:
                return pick(question.text, locale)
    return code or ""


def ensure_version(bank: Bank) -> int:
    """The id of the stored version for BANK's content, inserting a new version if the YAML changed."""
    key = (bank.code, bank.content_hash())
    cache_key = (_db_key(), *key)
    if cache_key in _version_ids:
        return _version_ids[cache_key]
    with _lock:
        version_id = _find(key) or _insert(bank, key)
        _version_ids[cache_key] = version_id
        _by_version[(_db_key(), version_id)] = bank
        return version_id


def _db_key() -> str:
    return str(db.engine.url)


def _find(key: tuple[str, str]) -> int | None:
    return db.session.scalar(
        select(BankVersion.id).where(BankVersion.code == key[0], BankVersion.content_hash == key[1])
    )


def _insert(bank: Bank, key: tuple[str, str]) -> int:
    # Several processes may meet a new hash at once; the unique constraint picks one winner.
    for _attempt in range(3):
        number = (db.session.scalar(select(func.max(BankVersion.version)).where(BankVersion.code == bank.code))
                  or 0) + 1
        row = BankVersion(code=bank.code, version=number, content_hash=key[1], snapshot=bank.to_dict())
        db.session.add(row)
        try:
            db.session.commit()
            return row.id
        except IntegrityError:
            db.session.rollback()
            found = _find(key)
            if found:
                return found
    raise RuntimeError(f"could not store a new version of bank {bank.code!r}")


def for_version(version_id: int) -> Bank:
    """The bank exactly as it was in stored version VERSION_ID."""
    cache_key = (_db_key(), version_id)
    bank = _by_version.get(cache_key)
    if bank is None:
        row = db.session.get(BankVersion, version_id)
        if row is None:
            raise LookupError(version_id)
        bank = Bank.from_dict(row.snapshot)
        _by_version[cache_key] = bank
    return bank


def sync_all() -> list[tuple[str, int]]:
    """Make sure every bank on disk has a stored version; returns (code, version id) pairs."""
    return [(code, ensure_version(bank)) for code, bank in sorted(all_current().items())]


def clear_caches() -> None:
    """Forget cached version ids (tests that recreate the database call this)."""
    _version_ids.clear()
    _by_version.clear()
