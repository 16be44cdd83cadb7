"""Fast JSON in and out (orjson), with the standard library's exact behaviour as a fallback.

orjson is several times faster than `json` on the import hot path, but it is stricter
(no NaN, integers beyond 64 bits, lone surrogates, non-string keys). Whatever it refuses
goes through `json`, so results and error messages are the same as with `json` alone.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# Dates and dataclasses go through default=str, as with json.dumps(default=str).
_AS_JSON_MODULE = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def loads(text: str | bytes) -> Any:
    """json.loads, faster; raises json.JSONDecodeError (or RecursionError) as json does."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def dumps(value: Any) -> str:
    """Compact JSON with non-ASCII kept as is; anything unusual is written with str()."""
    try:
        return orjson.dumps(value, default=str, option=_AS_JSON_MODULE).decode("utf-8")
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
