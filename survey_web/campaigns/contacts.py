"""The patient's details: encrypted at rest, keyed hashes for matching, decrypted only to send a message."""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app

from ..crypto import decrypt_contact, encrypt_contact

MOBILE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")


def keyed_hash(label: str, value: str) -> str:
    """HMAC-SHA256 of VALUE under the app's secret, hex: equal inputs match, the input cannot be read back."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"followup-{label}:{value}".encode(), hashlib.sha256).hexdigest()


def admission_hash(hospital_code: str, admission_no: str) -> str:
    return keyed_hash("admission", f"{hospital_code}:{admission_no.strip().upper()}")


def contact_hash(contact: str) -> str:
    """The opt-out list's key for a phone number or an e-mail address."""
    return keyed_hash("contact", contact.strip().lower())


def normal_phone(raw: str) -> str | None:
    """A mainland mobile number as 11 digits (spaces, dashes and a +86/86 prefix dropped), or None."""
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    digits = re.sub(r"^(\+?86)", "", digits)
    return digits if MOBILE.match(digits) else None


def normal_email(raw: str) -> str | None:
    value = (raw or "").strip()
    return value if EMAIL.match(value) else None


def seal(value: str | None) -> bytes | None:
    return encrypt_contact(value) if value else None


def opened(token: bytes | None) -> str | None:
    return decrypt_contact(token) if token else None
