"""A shared phrase as an actor wrote it (DESIGN §4 `shared_phrases`).

Shared phrases are found over stored tokens: the post's normalised text (classifiers.
normalise: ة folded to ه, hamza seats and alef forms to bare letters, ی and ک to Arabic
letters, diacritics and tatweel dropped, lower case) without URLs and punctuation
(convergence_tokens, migration 030). An analyst reads the words as they were written, so
each phrase is shown in the surface form of one post that used it: the post's text is cut
into words at the same separators, each word normalised on its own, and the span of the
words whose tokens spell the phrase is returned as it stands in the text (inner punctuation
included, diacritics kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifiers.normalise import normalise

# The separators of convergence_tokens (whitespace and its explicit punctuation list), plus
# the zero-width and direction marks that normalise() turns into spaces.
_SEPARATORS = (
    "\\s\u0021-\u002f\u003a-\u0040\u005b-\u005e\u0060\u007b-\u007e\u00a1-\u00bf\u00d7\u00f7"
    "\u2010-\u205e\u060c\u061b\u061f\u066a-\u066d\u06d4\u3001\u3002"
    "\u200b-\u200f\u2066-\u2069\ufeff"
)
_WORD = re.compile(f"[^{_SEPARATORS}]+")
_SPLIT = re.compile(f"[{_SEPARATORS}]+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class _Token:
    token: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    """Stored-style tokens of `text`, each with the span of the written word it came from."""
    blanked = _URL.sub(lambda m: " " * len(m.group(0)), text)
    found: list[_Token] = []
    for word in _WORD.finditer(blanked):
        folded = normalise(word.group(0)).lower()
        found.extend(_Token(t, word.start(), word.end()) for t in _SPLIT.split(folded) if t)
    return found


def surface_form(text: str | None, phrase: str) -> str | None:
    """The words of `text` that spell the normalised `phrase` (space-separated stored
    tokens), as written; None when the text does not hold it."""
    wanted = phrase.split(" ")
    if not text or not wanted or not all(wanted):
        return None
    tokens = _tokens(text)
    n = len(wanted)
    for i in range(len(tokens) - n + 1):
        if all(tokens[i + j].token == wanted[j] for j in range(n)):
            return text[tokens[i].start:tokens[i + n - 1].end]
    return None
