"""Word-level differences between two versions of a post, for the edit history."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    kind: str  # "same" | "added" | "removed"
    text: str


def word_diff(before: str, after: str) -> list[Segment]:
    """Segments that turn `before` into `after`; whitespace is kept so the text reads as is."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    out: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(Segment("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Segment("removed", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(Segment("added", "".join(b[j1:j2])))
    return out
