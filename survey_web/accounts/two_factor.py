"""TOTP second factor (RFC 6238, pyotp): enrolment, and codes that are good once.

The secret is stored encrypted with the contact keys, so a copy of the database alone cannot make codes.
"""

from __future__ import annotations

import base64
import time

import pyotp

from .. import qr
from ..crypto import decrypt_contact, encrypt_contact
from ..models import User

ISSUER = "Patient Voice"
STEP = 30
# One step either side: a phone's clock a little off still works.
DRIFT = 1


def new_secret() -> str:
    return pyotp.random_base32()


def enrolment_secret(holder: dict, key: str) -> str:
    """The secret being enrolled, kept in HOLDER (the session) under KEY until a code confirms it.

    The session cookie is signed, not encrypted, so the secret is stored there encrypted."""
    sealed = holder.get(key)
    secret = decrypt_contact(sealed.encode("ascii")) if isinstance(sealed, str) else None
    if secret is None:
        secret = new_secret()
        holder[key] = encrypt_contact(secret).decode("ascii")
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as a PNG data: URI for an authenticator app to scan (the CSP admits data: images)."""
    return "data:image/png;base64," + base64.b64encode(qr.png_bytes(uri)).decode("ascii")


def secret_of(user: User) -> str | None:
    return decrypt_contact(user.totp_secret) if user.totp_secret else None


def matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The time step whose code CODE is, if it is later than AFTER (a used step), else None."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(time.time()) // STEP
    for step in range(current - DRIFT, current + DRIFT + 1):
        if (after is None or step > after) and pyotp.utils.strings_equal(totp.at(step * STEP), code):
            return step
    return None


def accept(user: User, code: str) -> bool:
    """True if CODE is USER's current code and was not used before; marks it used (the caller commits)."""
    secret = secret_of(user)
    step = matching_step(secret, code, user.totp_last_step) if secret else None
    if step is None:
        return False
    user.totp_last_step = step
    return True


def enrol(user: User, secret: str, code: str) -> bool:
    """Store SECRET for USER if CODE proves the authenticator app holds it (the caller commits)."""
    step = matching_step(secret, code, None)
    if step is None:
        return False
    user.totp_secret = encrypt_contact(secret)
    user.totp_last_step = step
    return True
