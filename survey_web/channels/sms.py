"""SMS through an HTTP gateway: POST JSON with a bearer key; the client reference makes a resend harmless.

The gateway contract (the local test gateway implements it; a provider adapter maps its own API onto it):
`POST {url}/messages {"to", "text", "ref"}` answers 200/201 `{"id"}`, 4xx with `{"error"}` for a refusal,
429 or 503 (with Retry-After) when it cannot take the message now; `GET {url}/messages/{ref}` answers
`{"status": "accepted"|"delivered"|"failed"}` or 404 for a reference it never took (asked only three send
timeouts after the sender gave up, so a slow request has finished by then; a repeated `ref` must be dropped).
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException

from . import Outcome, Outgoing, Result, text_for

RETRY_LATER_STATUSES = (429, 503)


@dataclass(frozen=True)
class HttpSmsGateway:
    url: str
    key: str
    template: str
    timeout: float = 10.0
    name: str = "sms"

    def _request(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        request = urllib.request.Request(self.url.rstrip("/") + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.key}", "Content-Type": "application/json; charset=utf-8"})
        return urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310 - URL from config

    def send(self, message: Outgoing) -> Result:
        body = {"to": message.to, "text": text_for(message, self.template), "ref": message.client_ref}
        try:
            with self._request("POST", "/messages", body) as answer:
                reply = json.loads(answer.read() or b"{}")
                return Result(Outcome.SENT, provider_ref=str(reply.get("id") or "")[:80] or None)
        except urllib.error.HTTPError as exc:
            return _refusal(exc)
        except TimeoutError:
            return Result(Outcome.UNKNOWN, error="timeout")
        except urllib.error.URLError as exc:
            # Refused or unreachable before anything was sent; a timeout mid-request is the UNKNOWN above.
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                return Result(Outcome.UNKNOWN, error="timeout")
            return Result(Outcome.RETRY_LATER, error="unreachable")
        except (ConnectionResetError, HTTPException) as exc:
            return Result(Outcome.UNKNOWN, error=type(exc).__name__[:40])

    def lookup(self, client_ref: str) -> Outcome | None:
        """What the gateway knows of CLIENT_REF: SENT, DELIVERED, REJECTED, or None if it never took it."""
        try:
            with self._request("GET", "/messages/" + urllib.parse.quote(client_ref)) as answer:
                status = json.loads(answer.read() or b"{}").get("status")
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            return Outcome.UNKNOWN
        except (OSError, ValueError):
            return Outcome.UNKNOWN
        return {"delivered": Outcome.DELIVERED, "failed": Outcome.REJECTED}.get(status, Outcome.SENT)


def _refusal(exc: urllib.error.HTTPError) -> Result:
    try:
        code = str(json.loads(exc.read() or b"{}").get("error") or exc.code)[:40]
    except (ValueError, OSError):
        code = str(exc.code)
    if exc.code in RETRY_LATER_STATUSES:
        retry_after = exc.headers.get("Retry-After") if exc.headers else None
        try:
            wait = float(retry_after) if retry_after else None
        except ValueError:
            wait = None
        return Result(Outcome.RETRY_LATER, error=code, retry_after=wait)
    if exc.code >= 500:
        return Result(Outcome.UNKNOWN, error=code)  # a server error may come after the message was taken
    return Result(Outcome.REJECTED, error=code)
