"""Privacy bookkeeping: the daily keys that hash device cookies (discarded once the duplicate window passes)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class DeviceKey(db.Model):
    """The random key of one UTC day; a response's `device_hash` is the device cookie hashed with its day's key.

    Deleted by the retention job once no duplicate check needs it: then nobody, not even with the server's
    secrets and the phone's cookie, can tell which responses of different days came from one phone.
    """

    __tablename__ = "device_keys"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
