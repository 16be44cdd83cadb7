"""The generic JSONL importer (DESIGN §5): one post per line, streamed, each bad line reported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from collectors import jsoncodec
from collectors.records import PLATFORMS, PostRecord, RejectedRecord
from collectors.storable import (
    SURROGATE_ESCAPE,
    UNSTORABLE_ESCAPE,
    source_problem,
    storable_problem,
)

PLATFORM_ALIASES = {"x": "twitter", "tg": "telegram"}
_REQUIRED = ("platform", "source", "id", "posted_at", "text")
_OPTIONAL_STR = ("lang", "url", "forwarded_from", "reply_to", "edited_at")
MAX_TEXT = 1_000_000  # characters; longer is almost certainly a broken line


class LineError(ValueError):
    """Why one line could not be used."""


def _time(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise LineError(f"{field} must be an ISO 8601 string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise LineError(f"{field} is not an ISO 8601 time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise LineError(f"{field} has no UTC offset: {value[:40]!r}")
    return parsed


def parse_line(obj: Any, known_narratives: frozenset[str] | None = None) -> PostRecord:
    if not isinstance(obj, dict):
        raise LineError(f"expected a JSON object, got {type(obj).__name__}")
    missing = [f for f in _REQUIRED if f not in obj or obj[f] is None]
    if missing:
        raise LineError(f"missing field(s): {', '.join(missing)}")
    platform = obj["platform"]
    if not isinstance(platform, str):
        raise LineError("platform must be a string")
    platform = PLATFORM_ALIASES.get(platform.lower(), platform.lower())
    if platform not in PLATFORMS:
        raise LineError(f"unknown platform {obj['platform']!r} (telegram or twitter)")
    for name in ("source", "id", "text"):
        if not isinstance(obj[name], str):
            raise LineError(f"{name} must be a string, got {type(obj[name]).__name__}")
    if not obj["source"].strip() or not obj["id"].strip():
        raise LineError("source and id must not be empty")
    if len(obj["text"]) > MAX_TEXT:
        raise LineError(f"text is longer than {MAX_TEXT} characters")
    for name in _OPTIONAL_STR:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise LineError(f"{name} must be a string, got {type(obj[name]).__name__}")
    narratives = obj.get("narratives") or []
    if not isinstance(narratives, list) or not all(isinstance(n, str) for n in narratives):
        raise LineError("narratives must be a list of narrative keys")
    if known_narratives is not None:
        unknown = sorted(set(narratives) - known_narratives)
        if unknown:
            # Keys are shown as typed unless invisible or unprintable characters hide in them.
            shown = ", ".join(k if k.isprintable() and len(k) <= 80 else repr(k[:80])
                              for k in unknown)
            hint = "" if known_narratives else (
                " (the database holds no narratives yet: run `chorus sources sync`)")
            raise LineError(f"unknown narrative key(s): {shown}{hint}")
    raw = obj.get("raw")
    if raw is not None and not isinstance(raw, dict):
        raise LineError("raw must be a JSON object")
    return PostRecord(
        platform=platform,  # type: ignore[arg-type]
        source=obj["source"].strip().lstrip("@"),
        native_id=obj["id"].strip(),
        posted_at=_time(obj["posted_at"], "posted_at"),
        text=obj["text"],
        lang=obj.get("lang"),
        url=obj.get("url"),
        edited_at=_time(obj["edited_at"], "edited_at") if obj.get("edited_at") else None,
        forwarded_from=obj.get("forwarded_from"),
        kind="forward" if obj.get("forwarded_from") else ("reply" if obj.get("reply_to") else "post"),
        reply_to=obj.get("reply_to"),
        raw=raw if raw is not None else {},
        labels=list(dict.fromkeys(narratives)),
    )


def read_jsonl(
    stream: IO[bytes], known_narratives: frozenset[str] | None = None
) -> Iterator[PostRecord | RejectedRecord]:
    """Yield a record or a rejection per non-blank line, never loading the whole file."""
    for number, raw_line in enumerate(stream, start=1):
        if not raw_line.strip():
            continue
        where = f"line {number}"
        try:
            text = raw_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield RejectedRecord(where, f"not UTF-8 (byte {exc.start})")
            continue
        try:
            obj = jsoncodec.loads(text)
        except json.JSONDecodeError as exc:
            yield RejectedRecord(where, f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield RejectedRecord(where, "invalid JSON: nested too deeply")
            continue
        try:
            record = parse_line(obj, known_narratives)
        except ValueError as exc:  # LineError, and PostRecord's own checks
            yield RejectedRecord(where, str(exc))
            continue
        # NUL and lone surrogates (valid JSON escapes) cannot be stored. A strict decoder
        # refuses raw control characters, so only a line with such an escape needs the
        # full check; any line can hide invisible characters in its handle.
        problem = (storable_problem(record, check_raw=SURROGATE_ESCAPE.search(text) is not None)
                   if UNSTORABLE_ESCAPE.search(text) else source_problem(record))
        if problem:
            yield RejectedRecord(where, problem)
        else:
            yield record
