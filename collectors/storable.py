"""Checks that a record can be stored: PostgreSQL text holds neither NUL characters nor
unpaired UTF-16 surrogates (which JSON can smuggle in as `\\ud800` escapes). One bad record
must be reported on its own, never abort the batch it travels in.

The write path already strips NUL from post texts and raw payloads; everything else is
checked here. Source handles must also be visible: a zero-width or bidi control character
would make `Tura313\u200b` a second source that looks like the first. (Post texts keep
theirs: Persian and Arabic writing needs ZWNJ and direction marks.)
"""

from __future__ import annotations

import re
from typing import Any

from collectors.records import PostRecord

# A \uD800-\uDFFF escape in JSON text: the only way a decoded value gets a surrogate.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
# A surrogate or a NUL escape. A strict JSON decoder refuses raw control characters inside
# strings, so JSON text without either escape cannot decode to an unstorable string.
UNSTORABLE_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)")
_FIELDS = ("native_id", "url", "lang", "forwarded_from", "forwarded_from_id",
           "reply_to", "quote_of")


def text_problem(value: str, *, nul_allowed: bool = False) -> str | None:
    if not nul_allowed and "\x00" in value:
        return "a NUL character"
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "an unpaired UTF-16 surrogate"
    return None


def handle_problem(handle: str) -> str | None:
    """Why a source handle is unusable: whitespace, control, format (zero-width, bidi) or
    unassigned characters, which str.isprintable() refuses (all but the ASCII space)."""
    if handle.isascii() and handle.isprintable() and " " not in handle:
        return None  # nearly every handle: skip the per-character scan
    for char in handle:
        if not char.isprintable() or char.isspace():
            return f"an invisible, space or control character (U+{ord(char):04X})"
    return None


def source_problem(record: PostRecord) -> str | None:
    """The record's source handle check alone: for input that can hold no NUL or surrogate
    (JSON without such escapes) but can hold any visible or invisible character."""
    problem = handle_problem(record.source)
    return f"source handle {record.source[:80]!r} contains {problem}" if problem else None


def deep_problem(value: Any, *, nul_allowed: bool = False) -> str | None:
    """The first unstorable string anywhere in a JSON-like value (keys included)."""
    if isinstance(value, str):
        return text_problem(value, nul_allowed=nul_allowed)
    if isinstance(value, dict):
        for key, item in value.items():
            found = deep_problem(str(key), nul_allowed=nul_allowed) or deep_problem(
                item, nul_allowed=nul_allowed)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            found = deep_problem(item, nul_allowed=nul_allowed)
            if found:
                return found
    return None


def storable_problem(record: PostRecord, *, check_raw: bool = True) -> str | None:
    """Why the record cannot be stored, or None. `check_raw=False` skips the raw payload when
    the caller knows its source text had no surrogate escapes (the costly part)."""
    problem = source_problem(record)
    if problem:
        return problem
    for name in _FIELDS:
        value = getattr(record, name)
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return f"{name} contains {problem}"
    problem = text_problem(record.text, nul_allowed=True)
    if problem:
        return f"text contains {problem}"
    for label, value in (("earlier texts", record.earlier_texts), ("links", record.links),
                         ("media", record.media), ("metrics", record.metrics),
                         ("labels", record.labels)):
        problem = deep_problem(value, nul_allowed=label == "earlier texts")
        if problem:
            return f"{label} contain {problem}"
    if check_raw:
        problem = deep_problem(record.raw, nul_allowed=True)
        if problem:
            return f"the raw payload contains {problem}"
    return None
