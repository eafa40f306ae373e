"""E-mail through SMTP; the Message-ID carries the client reference."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from . import Outcome, Outgoing, Result, text_for


@dataclass(frozen=True)
class SmtpChannel:
    host: str
    port: int
    sender: str
    subject: str
    template: str
    timeout: float = 10.0
    name: str = "email"

    def send(self, message: Outgoing) -> Result:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.to, self.subject.format(
            hospital=message.hospital)
        mail["Message-ID"] = make_msgid(idstring=message.client_ref, domain="followup.invalid")
        mail["List-Unsubscribe"] = f"<{message.optout_link}>"
        mail.set_content(text_for(message, self.template))
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except OSError:
            return Result(Outcome.RETRY_LATER, error="unreachable")  # nothing was sent
        try:
            with smtp:
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused:
            return Result(Outcome.REJECTED, error="recipient_refused")
        except smtplib.SMTPResponseException as exc:
            # 4xx: the server will not take it now; 5xx: it never will.
            return Result(Outcome.RETRY_LATER if exc.smtp_code < 500 else Outcome.REJECTED, error=f"smtp{exc.smtp_code}")
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError):
            return Result(Outcome.UNKNOWN, error="timeout")
        if refused:
            return Result(Outcome.REJECTED, error="recipient_refused")
        return Result(Outcome.SENT, provider_ref=mail["Message-ID"][:80])
