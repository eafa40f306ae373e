"""JSON Lines streaming for ``python -m analysis classify``.

Input is read from a file descriptor in large chunks and grouped into batches;
a batch is processed as soon as no more input is immediately available, so
interactive use (one line in, one line out) works as well as bulk piping.
"""

from __future__ import annotations

import json
import os
import select
from collections.abc import Callable, Iterator
from typing import Any, TextIO

MAX_BATCH = 1000
_MISSING = object()


def iter_batches(fd: int, max_batch: int = MAX_BATCH) -> Iterator[list[bytes]]:
    """Yield batches of raw input lines (without the newline) from ``fd``."""
    buf = b""
    batch: list[bytes] = []
    eof = False
    while not eof:
        chunk = os.read(fd, 1 << 16)
        eof = not chunk
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for line in lines:
            batch.append(line)
            if len(batch) >= max_batch:
                yield batch
                batch = []
        if batch and (eof or not select.select([fd], [], [], 0)[0]):
            yield batch
            batch = []
    if buf.strip():
        yield [buf]


def parse_line(raw: bytes) -> tuple[Any, str | None, str | None]:
    """Return (id or _MISSING, text, error) for one raw input line."""
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return _MISSING, None, f"malformed JSON: {exc}"
    if not isinstance(obj, dict):
        return _MISSING, None, "input line must be a JSON object"
    ident = obj.get("id", _MISSING)
    text = obj.get("text")
    if not isinstance(text, str):
        return ident, None, "missing or non-string 'text'"
    return ident, text, None


def _record(ident: Any, payload: dict[str, Any]) -> str:
    out: dict[str, Any] = {} if ident is _MISSING else {"id": ident}
    out.update(payload)
    return json.dumps(out, ensure_ascii=False)


def classify_stream(fd: int, out: TextIO, classify_many: Callable[[list[str]], list[Any]]) -> int:
    """Classify JSON Lines from ``fd`` to ``out``; one output line per input line. Returns count."""
    count = 0
    for batch in iter_batches(fd):
        parsed = [parse_line(raw) for raw in batch]
        texts = [text for _, text, err in parsed if err is None and text is not None]
        try:
            results = iter(classify_many(texts))
        except Exception:  # never crash the stream: fall back to one at a time
            results = iter([_safe_one(classify_many, t) for t in texts])
        lines: list[str] = []
        for ident, text, err in parsed:
            if err is not None or text is None:
                lines.append(_record(ident, {"error": err}))
                continue
            res = next(results)
            if isinstance(res, Exception):
                lines.append(_record(ident, {"error": f"classification failed: {res}"}))
            else:
                lines.append(_record(ident, res.to_json_dict()))
        out.write("\n".join(lines) + "\n")
        out.flush()
        count += len(lines)
    return count


def _safe_one(classify_many: Callable[[list[str]], list[Any]], text: str) -> Any:
    try:
        return classify_many([text])[0]
    except Exception as exc:
        return exc
