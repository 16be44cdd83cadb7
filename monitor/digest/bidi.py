"""Mixed Arabic/Persian and Latin lines that read in order (the Unicode bidi algorithm).

A line (a paragraph) takes its direction from its first strong character. Inside it, a run
of the other direction is reordered as a unit, but neutral characters at its edges (commas,
colons, brackets, spaces) and numbers next to it are resolved against their neighbours, so
"قال Qais al-Khazali: ..." or a Latin name followed by an Arabic sentence can come out
scrambled. Each such run is isolated: in plain text between U+2068 FIRST STRONG ISOLATE and
U+2069 POP DIRECTIONAL ISOLATE, in HTML in a <bdi> element (the template escapes the pieces;
nothing here produces markup).

A run starts at a strong character of the other direction and ends at the last strong
character of that direction (or a digit, for a Latin run) before the next strong character
of the line's own direction: the neutrals around it stay outside, in the line's direction.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
_RTL = frozenset({"R", "AL"})
_ISOLATES = frozenset({"\u2066", "\u2067", FSI, PDI, "\u202a", "\u202b", "\u202c", "\u202d",
                       "\u202e"})


@dataclass(frozen=True)
class Run:
    """A piece of a line; `isolated` when it reads in the other direction than the line."""

    text: str
    isolated: bool


def _strength(ch: str) -> str | None:
    kind = unicodedata.bidirectional(ch)
    if kind == "L":
        return "L"
    if kind in _RTL:
        return "R"
    return None


def is_rtl(text: str) -> bool:
    """Whether the text's first strong character is right-to-left (dir="auto" does the same)."""
    for ch in text:
        found = _strength(ch)
        if found is not None:
            return found == "R"
    return False


def runs(text: str, *, rtl: bool | None = None) -> list[Run]:
    """The text cut into runs; those of the other direction than the paragraph's (`rtl`, by
    default the first strong character's) are marked isolated. Joining the runs' texts
    gives the text back."""
    own = "R" if (is_rtl(text) if rtl is None else rtl) else "L"
    other = "L" if own == "R" else "R"
    found: list[Run] = []
    plain_from = 0
    i = 0
    while i < len(text):
        if _strength(text[i]) != other:
            i += 1
            continue
        start, end = i, i + 1
        j = i + 1
        while j < len(text) and _strength(text[j]) != own:
            if _strength(text[j]) == other or (other == "L" and text[j].isdigit()):
                end = j + 1
            j += 1
        if start > plain_from:
            found.append(Run(text[plain_from:start], False))
        found.append(Run(text[start:end], True))
        plain_from = i = end
    if plain_from < len(text):
        found.append(Run(text[plain_from:], False))
    return found


def isolate_line(line: str) -> str:
    """One plain-text line with each run of the other direction between FSI and PDI."""
    if not any(_strength(ch) == "R" for ch in line):
        return line  # an all-Latin line needs nothing
    return "".join(FSI + r.text + PDI if r.isolated else r.text for r in runs(line))


def isolate_text(text: str) -> str:
    """Every line of a plain-text document isolated (isolate_line)."""
    return "\n".join(isolate_line(line) for line in text.split("\n"))


def strip_controls(text: str) -> str:
    """The text without directional embedding, override and isolate characters: a post's
    own (possibly unbalanced) controls would leak into the lines after it."""
    return "".join(ch for ch in text if ch not in _ISOLATES)
