"""What the complaint values are called in the user's language (pages, register, analysis)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CHANNEL_LABELS = {"onsite": _l("In person (现场)"), "phone": _l("Telephone (电话)"), "letter": _l("Letter (信函)"),
                  "mailbox": _l("President's mailbox (院长信箱)"), "online": _l("Online (网络)"),
                  "12345": _l("12345 government hotline"), "12320": _l("12320 health hotline"),
                  "survey": _l("Patient survey"), "other": _l("Other")}
SATISFACTION_LABELS = {"satisfied": _l("Satisfied"), "basically": _l("Basically satisfied"),
                       "dissatisfied": _l("Dissatisfied"), "unreachable": _l("Could not be reached")}
STATUS_LABELS = {"open": _l("Waiting for a reply"), "replied": _l("Replied"), "closed": _l("Complaint closed")}
KIND_LABELS = {"complaint": _l("Complaint"), "revisit": _l("Call-back (回访) after a low score")}
EVENT_LABELS = {"received": _l("Complaint received"), "handover": _l("Handed over"), "reply": _l("Reply to the complainant"),
                "callback": _l("Call-back"), "outcome": _l("Outcome"), "reminder": _l("Reminder"),
                "escalation": _l("Escalated to the office head"), "closed": _l("Complaint closed"), "note": _l("Details changed")}
URGENCY_LABELS = {"due_soon": _l("Due soon"), "overdue": _l("Overdue"), "escalate": _l("Overdue, escalated")}
POLARITY_LABELS = {"pos": _l("Positive"), "neg": _l("Negative")}
