"""Keyword search over comments as staff see them: masked, so a search cannot recover what a page hides.

Pages show `deidentify(text)` (138****5678). A search over the raw text would answer "does the hidden
part start with 1234?", and a digit-by-digit prefix search recovers the whole number. So the keyword is
matched against the masked text. The database narrows the candidates first with a LIKE over the raw text
(masking mostly replaces characters by '*', so a masked match is a raw match with '*' standing for any one
character; where it is not, the search misses a comment rather than revealing one); each candidate is
then masked and checked in Python.
"""

from __future__ import annotations

import re

from sqlalchemy import Select

from analysis.deidentify import deidentify

from .. import audit
from ..extensions import db
from ..models import Comment

# At most this many matches, newest first (the export's limit): a list page and its export agree.
MAX_MATCHES = 20000
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c\u00ad]")
_DIGITS = re.compile(r"\d{4,}")


def _like_pattern(keyword: str) -> str:
    escaped = keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%" + escaped.replace("*", "_") + "%"


def masked_matches(query: Select, keyword: str, limit: int = MAX_MATCHES) -> list[int]:
    """Ids of QUERY's comments whose masked text contains KEYWORD (ignoring case), in QUERY's order."""
    needle = _INVISIBLE.sub("", keyword).casefold()
    if not needle:
        return []
    candidates = query.with_only_columns(Comment.id, Comment.text).where(
        Comment.text.ilike(_like_pattern(needle), escape="\\"))
    found: list[int] = []
    # Fetched at once: a server-side cursor (yield_per) made PostgreSQL plan for the first rows and took
    # seconds per thousand; the candidates are short texts, already narrowed by the LIKE.
    for comment_id, text in db.session.execute(candidates):
        if needle in deidentify(text).casefold():
            found.append(comment_id)
            if len(found) >= limit:
                break
    return found


def redacted(keyword: str) -> str:
    """KEYWORD as the audit log keeps it: masked, and any run of 4+ digits reduced to its first three."""
    return _DIGITS.sub(lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 3), deidentify(keyword))


def keyword_filter(query: Select, keyword: str, *, export: str | None = None) -> Select:
    """QUERY narrowed to comments whose masked text contains KEYWORD; the search is audited (committed).

    The audit event keeps the keyword redacted, how many digits it had and how many comments matched,
    so repeated probing for numbers shows in the log without the log holding the numbers.
    """
    ids = masked_matches(query, keyword)
    audit.record("comments.search", "comment", None, after={
        "q": redacted(keyword), "digits": sum(c.isdigit() for c in keyword), "matches": len(ids),
        **({"export": export} if export else {})})
    db.session.commit()
    return query.where(Comment.id.in_(ids))
