"""A real local HTTP server standing in for an SMS provider (the contract in survey_web/channels/sms.py).

It records every POST, answers refusals, rate limits (429 + Retry-After), outages (503), and can take a
message and then stall past the client's timeout (the outcome the sender cannot know). Used by the tests
and by bench/followup_send.py.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = "test-gateway-key"


@dataclass
class Behaviour:
    per_second: int | None = None  # above this many accepted messages in a second: 429
    refuse: set[str] = field(default_factory=set)  # numbers answered 400 invalid_number
    down: bool = False  # every POST answered 503
    stall_every: int = 0  # every Nth accepted message: taken, then the answer comes after stall_seconds
    stall_seconds: float = 3.0


class Gateway:
    def __init__(self, behaviour: Behaviour | None = None):
        self.behaviour = behaviour or Behaviour()
        self.lock = threading.Lock()
        self.posts: Counter[str] = Counter()  # ref -> POSTs received with it
        self.accepted: dict[str, dict] = {}  # ref -> {"to", "text", "status"}
        self.per_text: Counter[tuple[str, str]] = Counter()  # (phone, text) -> taken (a duplicate shows as 2)
        self.window = (0, 0)  # (second, accepted in it)
        self.refused_429 = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # the test output stays quiet (and free of numbers)
                pass

            def _reply(self, status: int, body: dict, headers: dict | None = None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                # The sender may have timed out and hung up: exactly the case being tested.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                ref = self.path.rsplit("/", 1)[-1]
                with gateway.lock:
                    record = gateway.accepted.get(ref)
                if record is None:
                    return self._reply(404, {"error": "unknown_ref"})
                return self._reply(200, {"status": record["status"]})

            def do_POST(self):  # noqa: N802
                if self.headers.get("Authorization") != f"Bearer {KEY}":
                    return self._reply(401, {"error": "bad_key"})
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                stall = gateway.take(body)
                if isinstance(stall, tuple):
                    return self._reply(*stall)
                if stall:
                    time.sleep(gateway.behaviour.stall_seconds)
                return self._reply(200, {"id": "gw-" + body["ref"]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def take(self, body: dict):
        """Decide on one POST: a (status, body[, headers]) refusal, or whether to stall after taking it."""
        behaviour = self.behaviour
        with self.lock:
            self.posts[body["ref"]] += 1
            if behaviour.down:
                return 503, {"error": "maintenance"}, {"Retry-After": "1"}
            if body["to"] in behaviour.refuse:
                return 400, {"error": "invalid_number"}
            if body["ref"] in self.accepted:
                return False  # the same reference again: acknowledged, not sent twice (idempotent)
            second = int(time.time())
            count = self.window[1] if self.window[0] == second else 0
            if behaviour.per_second is not None and count >= behaviour.per_second:
                self.refused_429 += 1
                return 429, {"error": "rate_limited"}, {"Retry-After": "1"}
            self.window = (second, count + 1)
            self.accepted[body["ref"]] = {"to": body["to"], "text": body["text"], "status": "delivered"}
            self.per_text[(body["to"], body["text"])] += 1
            return bool(behaviour.stall_every) and len(self.accepted) % behaviour.stall_every == 0

    def duplicates(self) -> int:
        """Patients who got the same text more than once (taken messages beyond the first per number)."""
        return sum(n - 1 for n in self.per_text.values() if n > 1)

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
