"""The configured adapter of each channel (FOLLOWUP_* settings) and the per-channel rate limit."""

from __future__ import annotations

import logging
import time

from flask import current_app
from limits import parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ..channels import Channel
from ..channels.email import SmtpChannel
from ..channels.letter import PrintedLetter
from ..channels.sms import HttpSmsGateway
from ..models.campaigns import ChannelName

log = logging.getLogger(__name__)


class NotConfigured(RuntimeError):
    """A channel without its settings (e.g. FOLLOWUP_SMS_URL unset): its messages wait."""


def adapter(channel: str) -> Channel:
    config = current_app.config
    timeout = config["FOLLOWUP_SEND_TIMEOUT"]
    if channel == ChannelName.SMS:
        if not config.get("FOLLOWUP_SMS_URL"):
            raise NotConfigured("FOLLOWUP_SMS_URL is not set")
        return HttpSmsGateway(config["FOLLOWUP_SMS_URL"], config.get("FOLLOWUP_SMS_KEY") or "",
                              config["FOLLOWUP_SMS_TEMPLATE"], timeout=timeout)
    if channel == ChannelName.EMAIL:
        if not config.get("FOLLOWUP_SMTP_HOST"):
            raise NotConfigured("FOLLOWUP_SMTP_HOST is not set")
        return SmtpChannel(config["FOLLOWUP_SMTP_HOST"], config["FOLLOWUP_SMTP_PORT"], config["FOLLOWUP_SMTP_FROM"],
                           "{hospital} 出院随访调查邀请", config["FOLLOWUP_EMAIL_TEMPLATE"], timeout=timeout)
    return PrintedLetter()


class Pacer:
    """At most the channel's rate (e.g. FOLLOWUP_SMS_RATE=20/second) across every worker, counted in Redis.

    Without Redis (embedded mode, or Redis lost mid-campaign) it counts in this process instead, so a
    Redis outage slows nothing down and stops nothing.
    """

    def __init__(self, channel: str):
        rate = current_app.config.get(f"FOLLOWUP_{channel.upper()}_RATE") or "1000/second"
        self.item = parse(rate)
        self.key = f"followup-{channel}"
        url = current_app.config.get("REDIS_URL")
        self.local = MovingWindowRateLimiter(MemoryStorage())
        self.shared = MovingWindowRateLimiter(storage_from_string(
            url, socket_timeout=0.5, socket_connect_timeout=0.5)) if url else None

    def _hit(self) -> bool:
        if self.shared is not None:
            try:
                return self.shared.hit(self.item, self.key)
            except Exception as exc:  # noqa: BLE001 - any Redis failure: count locally, keep sending
                log.warning("rate limit counted in-process: Redis unreachable (%s)", type(exc).__name__)
        return self.local.hit(self.item, self.key)

    def wait(self) -> None:
        while not self._hit():
            time.sleep(0.01)
