"""Contact details are encrypted at rest (Fernet, key rotation through MultiFernet) and masked on screen."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


def _box() -> MultiFernet:
    # The first key encrypts; all keys decrypt, so a new key can be put in front and old rows still read.
    return MultiFernet([Fernet(key) for key in current_app.config["CONTACT_KEYS"]])


def encrypt_contact(value: str) -> bytes:
    return _box().encrypt(value.encode("utf-8"))


def decrypt_contact(token: bytes) -> str | None:
    """The plain contact, or None if no key in CONTACT_KEYS opens it."""
    try:
        return _box().decrypt(token).decode("utf-8")
    except InvalidToken:
        return None


def mask_phone(value: str) -> str:
    """'13812345678' -> '138****5678'; short values keep only their last two characters."""
    digits = value.strip()
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(0, len(digits) - 2) + digits[-2:]
