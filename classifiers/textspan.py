"""Normalised tokens that remember where they came from in the original text.

The cue layer matches on normalised text (classifiers.normalise) but its evidence must
point at the post as written, so each token keeps its start/end offsets in the original,
the sentence it belongs to and whether it sits inside quotation marks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from classifiers.normalise import normalise

_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = frozenset(".!?\n;\u061f\u061b\u06d4|")  # . ! ? newline ; ؟ ؛ ۔ |
_PAIRED_QUOTES = {"\u201c": "\u201d", "\u00ab": "\u00bb", "\u2018": "\u2019", "\u201e": "\u201c"}
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # normalised
    start: int  # offsets in the original text
    end: int
    sentence: int
    quote: int  # id of the quotation it sits in, or -1
    arabic_script: bool


@dataclass(frozen=True, slots=True)
class SpannedText:
    original: str
    normalised: str
    tokens: tuple[Token, ...]
    quote_sizes: tuple[int, ...]  # tokens inside each quotation

    def snippet(self, first: int, last: int) -> tuple[str, int, int]:
        """Original text and offsets covering tokens first..last (inclusive)."""
        start, end = self.tokens[first].start, self.tokens[last].end
        return self.original[start:end], start, end


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """normalise() of one character; spaces and zero-width marks (ZWNJ) stay separators."""
    if char.isspace() or unicodedata.category(char) == "Cf":
        return " "
    return normalise(char)


def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        chars.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(chars), offsets


def _quote_regions(normalised: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (paired, straight double, or 'single')."""
    regions: list[tuple[int, int]] = []
    i, n = 0, len(normalised)
    while i < n:
        char = normalised[i]
        close: str | None = None
        if char in _PAIRED_QUOTES:
            close = _PAIRED_QUOTES[char]
        elif char == '"':
            close = '"'
        elif char == "'" and (i == 0 or not normalised[i - 1].isalnum()) and (
            i + 1 < n and normalised[i + 1].isalpha()
        ):
            close = "'"
        if close is None:
            i += 1
            continue
        j = normalised.find(close, i + 1)
        while close == "'" and j != -1 and j + 1 < n and normalised[j + 1].isalpha():
            j = normalised.find(close, j + 1)  # an apostrophe inside a word, not the close
        if j == -1:
            i += 1
            continue
        regions.append((i + 1, j))
        i = j + 1
    return regions


def span_text(text: str) -> SpannedText:
    normalised, offsets = _normalise_with_offsets(text)
    regions = _quote_regions(normalised)
    quote_sizes = [0] * len(regions)
    tokens: list[Token] = []
    sentence = 0
    last_end = 0
    region_index = 0
    for match in _WORD.finditer(normalised):
        gap = normalised[last_end:match.start()]
        if tokens and any(c in _SENTENCE_END for c in gap):
            sentence += 1
        last_end = match.end()
        while region_index < len(regions) and regions[region_index][1] <= match.start():
            region_index += 1
        quote = -1
        if region_index < len(regions):
            q_start, q_end = regions[region_index]
            if q_start <= match.start() and match.end() <= q_end:
                quote = region_index
                quote_sizes[region_index] += 1
        word = match.group()
        tokens.append(Token(
            text=word,
            start=offsets[match.start()],
            end=offsets[match.end() - 1] + 1,
            sentence=sentence,
            quote=quote,
            arabic_script=bool(_ARABIC_LETTER.match(word)),
        ))
    return SpannedText(text, normalised, tuple(tokens), tuple(quote_sizes))


def words(phrase: str) -> list[str]:
    """A phrase as normalised words, tokenised exactly as posts are."""
    normalised, _ = _normalise_with_offsets(phrase)
    return _WORD.findall(normalised)
