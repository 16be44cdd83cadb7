"""The multilingual cue layer: narrative phrases from seeds/narratives.toml found in posts.

Cue syntax (documented at the top of narratives.toml): words match whole normalised words;
`stem*` matches a word starting with the stem; ` ... ` allows up to MAX_GAP words between (same sentence).
In Arabic script a leading clitic (و ف ب ل ك ال وال بال لل ...) is allowed on any word.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from classifiers.taxonomy import Taxonomy, TaxonomyError
from classifiers.textspan import SpannedText, Token, words

MAX_GAP = 8
# (suffix, letters that must remain): folded forms of های، ها، ی and the accusative alif.
_SUFFIXES = (("هاي", 4), ("ها", 4), ("ي", 4), ("ا", 3))
_GAP_MARKS = frozenset({"...", "\u2026"})

ElementKind = Literal["word", "prefix", "gap"]


@dataclass(frozen=True, slots=True)
class Element:
    kind: ElementKind
    text: str = ""


@dataclass(frozen=True, slots=True)
class Pattern:
    owner: str  # a narrative key, or a marker class for stance markers
    phrase: str
    lang: str
    elements: tuple[Element, ...]

    @property
    def specificity(self) -> int:
        """How many words the phrase pins down: longer cues are less ambiguous."""
        return sum(1 for e in self.elements if e.kind != "gap")


@dataclass(frozen=True, slots=True)
class Hit:
    pattern: Pattern
    first: int  # token indices, inclusive
    last: int

    @property
    def owner(self) -> str:
        return self.pattern.owner


class PatternError(ValueError):
    """A cue phrase cannot be parsed."""


def parse_pattern(owner: str, phrase: str, lang: str) -> Pattern:
    elements: list[Element] = []
    for chunk in phrase.split():
        if chunk in _GAP_MARKS:
            if not elements or elements[-1].kind == "gap":
                raise PatternError(f"cue {phrase!r}: '...' must sit between words")
            elements.append(Element("gap"))
            continue
        prefix = chunk.endswith("*")
        parts = words(chunk.rstrip("*"))
        if not parts:
            raise PatternError(f"cue {phrase!r}: {chunk!r} has no letters")
        elements.extend(Element("word", w) for w in parts[:-1])
        elements.append(Element("prefix" if prefix else "word", parts[-1]))
    if not elements:
        raise PatternError(f"cue {phrase!r} is empty")
    if elements[-1].kind == "gap":
        raise PatternError(f"cue {phrase!r}: '...' must sit between words")
    return Pattern(owner, phrase, lang, tuple(elements))


@lru_cache(maxsize=65536)
def conjunction_forms(word: str) -> frozenset[str]:
    """The word and the word without a leading و or ف ("and", "so")."""
    if word[:1] in ("و", "ف") and len(word) >= 4:
        return frozenset({word, word[1:]})
    return frozenset({word})


@lru_cache(maxsize=65536)
def clitic_forms(word: str) -> frozenset[str]:
    """The word and what remains after leading clitics (conjunction و/ف, then preposition
    ب/ل/ك, then article ال: «وبالفتنة» -> «بالفتنة», «الفتنة», «فتنة»), and without a
    suffix (Persian ی, ها, های; the Arabic accusative alif of «طرفاً») on longer words."""
    forms = {word}
    for conjunction in ("", "و", "ف"):
        if not word.startswith(conjunction):
            continue
        w1 = word[len(conjunction):]
        if w1.startswith("لل") and len(w1) > 4:  # للمقاومة = ل + المقاومة
            forms.update({"ال" + w1[2:], w1[2:]})
        for preposition in ("", "ب", "ل", "ك"):
            if not w1.startswith(preposition):
                continue
            w2 = w1[len(preposition):]
            if len(w2) >= 2:
                forms.add(w2)
            if w2.startswith("ال") and len(w2) >= 4:
                forms.add(w2[2:])
    unsuffixed = {
        form[: -len(suffix)]
        for form in forms for suffix, keep in _SUFFIXES
        if form.endswith(suffix) and len(form) - len(suffix) >= keep
    }
    return frozenset(forms | unsuffixed)


def _forms(token: Token, clitics: bool) -> Iterable[str]:
    if not token.arabic_script:
        return (token.text,)
    return clitic_forms(token.text) if clitics else conjunction_forms(token.text)


def _matches(element: Element, token: Token, clitics: bool) -> bool:
    forms = _forms(token, clitics)
    if element.kind == "word":
        return element.text in forms
    return any(form.startswith(element.text) for form in forms)


class PatternSet:
    """Many patterns, indexed by their first word so that a post is scanned once."""

    def __init__(self, patterns: Iterable[Pattern], *, clitics: bool = True) -> None:
        """clitics=False allows only a leading و/ف: for stance markers, where «ليتهم»
        ("to accuse", part of a narrative) must not read as «يتهم» ("he accuses")."""
        self.patterns = tuple(patterns)
        self.clitics = clitics
        self._by_first: dict[str, list[Pattern]] = defaultdict(list)
        self._prefix_first: list[Pattern] = []
        for pattern in self.patterns:
            first = pattern.elements[0]
            if first.kind == "word":
                self._by_first[first.text].append(pattern)
            else:
                self._prefix_first.append(pattern)

    def find(self, text: SpannedText) -> list[Hit]:
        tokens = text.tokens
        hits: list[Hit] = []
        for index, token in enumerate(tokens):
            candidates: list[Pattern] = []
            for form in _forms(token, self.clitics):
                candidates.extend(self._by_first.get(form, ()))
            candidates.extend(
                p for p in self._prefix_first if _matches(p.elements[0], token, self.clitics)
            )
            for pattern in candidates:
                last = _match_rest(pattern.elements, 1, tokens, index + 1, self.clitics)
                if last is not None:
                    hits.append(Hit(pattern, index, max(index, last)))
        return _outermost(hits)


def _outermost(hits: list[Hit]) -> list[Hit]:
    """Drop a hit that lies inside a longer hit of the same owner ("دور الضحية" inside
    "يلعب دور الضحية"): the longer one carries the context that judges both."""
    keep: list[Hit] = []
    for hit in hits:
        inside = any(
            other is not hit and other.owner == hit.owner
            and other.first <= hit.first and hit.last <= other.last
            and (other.first, other.last) != (hit.first, hit.last)
            for other in hits
        )
        if not inside:
            keep.append(hit)
    return keep


def _match_rest(
    elements: Sequence[Element], position: int, tokens: Sequence[Token], at: int, clitics: bool
) -> int | None:
    """Index of the last token matched, or None; gaps stay inside one sentence."""
    if position == len(elements):
        return at - 1
    element = elements[position]
    if element.kind == "gap":
        sentence = tokens[at - 1].sentence if at > 0 else 0
        for skip in range(MAX_GAP + 1):
            j = at + skip
            if j >= len(tokens) or tokens[j].sentence != sentence:
                break
            if _matches(elements[position + 1], tokens[j], clitics):
                found = _match_rest(elements, position + 2, tokens, j + 1, clitics)
                if found is not None:
                    return found
        return None
    if at < len(tokens) and _matches(element, tokens[at], clitics):
        return _match_rest(elements, position + 1, tokens, at + 1, clitics)
    return None


def narrative_patterns(taxonomy: Taxonomy) -> PatternSet:
    """Every cue of every narrative; a cue that cannot be parsed is a taxonomy error."""
    patterns: list[Pattern] = []
    for narrative in taxonomy:
        for lang, phrases in narrative.cues.items():
            for phrase in phrases:
                try:
                    patterns.append(parse_pattern(narrative.key, phrase, lang))
                except PatternError as exc:
                    raise TaxonomyError(
                        f"{taxonomy.source}: narrative {narrative.key!r}: cues.{lang}: {exc}"
                    ) from None
    return PatternSet(patterns)
