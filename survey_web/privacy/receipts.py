"""Receipt codes: with the code from the thanks page a respondent sees, exports and erases a response.

A survey's code is derived from the response's submission key with the server's secret (so a resent form
shows the same code); a volunteer tablet draws its interview's code itself (kiosk.js: the respondent gets it
at once, even offline) or the server draws one (`new_code`). Either is stored only as a keyed hash. 12 characters of Crockford base32 are 60 bits: with the
per-address limit on lookups, guessing any one of a million codes would take longer than the data is kept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Response

LENGTH = 12
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_CROCKFORD = str.maketrans(_STANDARD, ALPHABET)
# What people mistype or read differently: O for 0, I and L for 1; separators are ignored.
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_SEPARATORS = re.compile(r"[\s\-－—_.·]")


def _mac(label: str, value: str) -> bytes:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{label}:{value}".encode(), hashlib.sha256).digest()


def code_for(submission_key: str) -> str:
    """The receipt code of the response stored under SUBMISSION_KEY, grouped for reading: 'ABCD-EFGH-JKMN'."""
    raw = base64.b32encode(_mac("receipt-code", submission_key)).decode().translate(_TO_CROCKFORD)[:LENGTH]
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def new_code() -> str:
    """A random code, grouped for reading."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def normalise(typed: str | None) -> str | None:
    """The code as typed (any case, with or without dashes and spaces), or None if it cannot be one."""
    value = _SEPARATORS.sub("", (typed or "")[:64]).upper().translate(_TYPED)
    if len(value) != LENGTH or any(c not in ALPHABET for c in value):
        return None
    return "-".join(value[i:i + 4] for i in range(0, LENGTH, 4))


def hashed(code: str) -> str:
    """The keyed hash stored for CODE (normalised form)."""
    return _mac("receipt", code).hex()


def find(typed: str | None) -> Response | None:
    """The response whose receipt code was typed, if any."""
    code = normalise(typed)
    if code is None:
        return None
    return db.session.scalar(select(Response).where(Response.receipt_hash == hashed(code)))
