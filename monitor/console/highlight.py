"""Marks search matches and evidence spans in a post's original text, escaping everything.

Matching is done word by word on normalised text (classifiers.normalise), so a query typed
without diacritics or with another alef/ya/kaf form lights up every spelling in the post.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from markupsafe import Markup, escape

from classifiers.normalise import normalise

# A word: letters/digits plus the marks, tatweel and ZWJ that normalise() removes inside it.
# ZWNJ is left out on purpose: normalise() turns it into a space, so it separates words.
_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200d]+")


def query_terms(normalised_query: str) -> set[str]:
    """Words of a websearch-style query worth highlighting (no OR, no -excluded words)."""
    terms: set[str] = set()
    for raw in normalised_query.split():
        if raw.startswith("-") or raw in {"or", "and"}:
            continue
        for word in re.findall(r"\w+", raw):
            terms.add(word)
    return terms


def _spans_of(text: str, evidence: Iterable[dict[str, Any]]) -> list[tuple[int, int]]:
    """Valid [start, end) spans; an evidence whose offsets do not fit is found by its text."""
    spans: list[tuple[int, int]] = []
    for item in evidence:
        start, end = item.get("start"), item.get("end")
        quoted = item.get("text")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            if not isinstance(quoted, str) or text[start:end] == quoted:
                spans.append((start, end))
                continue
        if isinstance(quoted, str) and quoted:
            found = text.find(quoted)
            if found >= 0:
                spans.append((found, found + len(quoted)))
    return spans


def _match_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    if not terms:
        return []
    return [(m.start(), m.end()) for m in _WORD.finditer(text)
            if normalise(m.group(0)) in terms]


def highlight(text: str, terms: set[str] | None = None,
              evidence: Sequence[dict[str, Any]] = ()) -> Markup:
    """The text escaped, with <mark class="match"> for query words and
    <mark class="evidence"> for evidence spans (evidence wins where both apply)."""
    kinds = [""] * len(text)
    for start, end in _match_spans(text, terms or set()):
        for i in range(start, end):
            kinds[i] = "match"
    for start, end in _spans_of(text, evidence):
        for i in range(start, end):
            kinds[i] = "evidence"
    parts: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and kinds[j] == kinds[i]:
            j += 1
        chunk = str(escape(text[i:j]))
        parts.append(f'<mark class="{kinds[i]}">{chunk}</mark>' if kinds[i] else chunk)
        i = j
    return Markup("".join(parts))  # noqa: S704 - every chunk above went through escape()
