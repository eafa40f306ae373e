"""Channels that carry a follow-up invitation to a patient, all behind one small interface.

An adapter has a `name` and `send(message) -> Result`; one that can ask its provider about a message it
sent (by the client reference it gave) also has `lookup(client_ref) -> Outcome | None`. The outcome says
what the caller may do next:

- SENT: the provider took it (for a letter: it went into the print run).
- REJECTED: refused for good (a bad number); never retried.
- RETRY_LATER: certainly not taken (connection refused, HTTP 429 or 503); safe to send again later.
- UNKNOWN: maybe taken (a timeout after the request went out); shown as "unknown" and never resent blindly.

Adapters here: `sms.HttpSmsGateway`, `email.SmtpChannel`, `letter.PrintedLetter`. Adding WeChat template
messages (公众号模板消息) means one more adapter: `send` POSTs to the official account's
`message/template/send` with the template id and the invitation link as the message's `url`, maps
errcode 0 to SENT, 43004 (not following) and 40003 (bad openid) to REJECTED, 45009 (quota) to RETRY_LATER
and a timeout to UNKNOWN; the openid would be imported like the phone number (encrypted).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Outcome(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"  # only from lookup(): the provider confirmed delivery to the handset
    REJECTED = "rejected"
    RETRY_LATER = "retry_later"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Outgoing:
    """One message: where it goes and what it says. Contact data lives here only while it is sent."""

    client_ref: str
    kind: str  # invite | reminder
    to: str
    name: str
    hospital: str
    ward: str
    link: str
    optout_link: str


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    provider_ref: str | None = None
    error: str | None = None  # a short code for the office, never contact data
    retry_after: float | None = None


class Channel(Protocol):
    name: str

    def send(self, message: Outgoing) -> Result: ...


REMINDER_PREFIX = "（提醒）"


def text_for(message: Outgoing, template: str) -> str:
    """TEMPLATE with {name}, {hospital}, {ward}, {link} and {optout} filled in; a reminder says it is one."""
    text = template.format(name=message.name, hospital=message.hospital, ward=message.ward, link=message.link,
                           optout=message.optout_link)
    return REMINDER_PREFIX + text if message.kind == "reminder" else text
