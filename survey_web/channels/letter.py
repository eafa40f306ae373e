"""The printed letter with a QR code, for patients without a phone number or e-mail address.

"Sending" puts the letter into the campaign's print run; `campaigns.letters` renders the run as an HTML or
PDF sheet (one letter per A4 page) for the ward office to print and post.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import Outcome, Outgoing, Result


@dataclass(frozen=True)
class PrintedLetter:
    name: str = "letter"

    def send(self, message: Outgoing) -> Result:
        return Result(Outcome.SENT, provider_ref="print-run")
