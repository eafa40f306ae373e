"""Password hashing with argon2id (argon2-cffi's defaults meet OWASP's recommendation)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

_hasher = PasswordHasher()
# A real hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY = _hasher.hash("not-a-password")
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True if PASSWORD matches STORED; always spends the same work, even for unknown users."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


@cache
def _common() -> frozenset[str]:
    # zxcvbn ships the 30,000 most frequent passwords of public breach corpora (and keeps the list maintained).
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why PASSWORD is too weak (in the request's language), or None."""
    if len(password) < MIN_LENGTH:
        return str(_l("at least %(n)d characters", n=MIN_LENGTH))
    if password.isdigit() or password.isalpha():
        return str(_l("mix letters with digits or symbols"))
    lowered = password.lower()
    if lowered in _common() or (username and username.lower() in lowered):
        return str(_l("too common or too easy to guess; choose another"))
    return None
