"""Search vectors and queries for posts, built in Python from normalised text.

PostgreSQL's to_tsvector runs its text-search parser on every post it stores, which costs
more than the rest of a post's insert together. The words of a normalised text are simply
the runs between separators (spaces, ASCII punctuation, Arabic and general punctuation),
so the write path splits them here and sends a ready tsvector; the server only reads it.

The same tokeniser builds the tsquery for a search (search_query), so a document and a
query always agree on what a word is: "al-Kadhimi" is the phrase 'al' <-> 'kadhimi' on
both sides. SQL function search_vector(text) (migration 060) does the same split for rows
written by other means, and tests check that both agree.

Limits follow tsvector's: a word longer than 2,047 bytes is left out, positions stop at
16,383, a word keeps at most 255 positions, and only the first 100,000 characters of a
post are indexed (well under the 1 MB a tsvector can hold).
"""

from __future__ import annotations

import re

from classifiers.normalise import normalise

# Keep in step with search_vector() in storage/migrations/060_search_vector.sql.
SEPARATORS = (
    r"\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u00d7\u00f7"
    r"\u060c\u061b\u061f\u066a-\u066d\u06d4\u2000-\u206f\u2190-\u23ff\u2500-\u27bf"
    r"\u3000-\u303f\ufe10-\ufe1f\ufe30-\ufe6f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40"
    r"\uff5b-\uff65"
)
_WORD = re.compile("[^" + SEPARATORS + "]+")
INDEXED_CHARS = 100_000
MAX_WORD_BYTES = 2047
MAX_POSITION = 16383
MAX_POSITIONS = 255
# Phrase quotes an analyst may type: ASCII, curly and guillemets (Arabic keyboards).
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"'})
_QUERY_PART = re.compile(r'-?"[^"]*"?|[^\s"]+')


def words(normalised: str) -> list[str]:
    return _WORD.findall(normalised)


def search_vector(normalised: str) -> str:
    """The tsvector (as text) of an already normalised post text."""
    positions: dict[str, list[int]] = {}
    for number, word in enumerate(_WORD.findall(normalised[:INDEXED_CHARS]), start=1):
        if len(word) * 4 > MAX_WORD_BYTES and len(word.encode("utf-8")) > MAX_WORD_BYTES:
            continue
        found = positions.get(word)
        position = min(number, MAX_POSITION)
        if found is None:
            positions[word] = [position]
        elif len(found) < MAX_POSITIONS and found[-1] != position:
            found.append(position)
    # Words never hold a quote or a backslash (ASCII punctuation separates them).
    return " ".join(f"'{word}':{','.join(map(str, found))}" for word, found in positions.items())


def search_query(query: str) -> str:
    """A tsquery (as text) for a websearch-style query: words are ANDed, "quoted words"
    form a phrase, `or` between two terms ORs them, a leading - excludes a term. Words
    are normalised and split exactly as posts are. Empty when nothing searchable is left."""
    terms: list[str] = []
    pending_or = False
    for part in _QUERY_PART.findall(normalise(query).translate(_QUOTES)):
        if part == "or":
            pending_or = bool(terms)
            continue
        negated = part.startswith("-") and len(part) > 1
        found = _WORD.findall(part[1:] if negated else part)
        if not found:
            continue
        term = " <-> ".join(f"'{word}'" for word in found)
        if len(found) > 1:
            term = f"( {term} )"
        if negated:
            term = f"!{term}"
        if terms:
            terms.append("|" if pending_or else "&")
        terms.append(term)
        pending_or = False
    return " ".join(terms)
