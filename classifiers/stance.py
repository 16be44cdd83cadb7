"""Who asserts a narrative cue: the author, or someone the author reports, quotes or refutes.

DESIGN §3: a post gets a narrative when its author asserts or promotes it, not when it
reports or debunks it. Each cue hit gets one stance from the markers in stance.toml:
negation next to the cue, quotation with attribution (or short scare quotes), talk *about*
the narrative ("the false-flag story"), debunking in the sentence or the next one, and
reported speech in the sentence. Anything else is the author's own assertion.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from classifiers.cues import Hit, PatternError, PatternSet, parse_pattern
from classifiers.taxonomy import TaxonomyError
from classifiers.textspan import SpannedText

Stance = Literal["asserted", "reported", "quoted", "debunked", "negated"]
MARKER_CLASSES = (
    "reporting", "first_person", "debunking", "meta_before", "meta_after",
    "negation_before", "negation_after", "contrast",
)
NEGATION_WINDOW = 3
META_WINDOW = 2
SCARE_QUOTE_MAX_WORDS = 6


@dataclass(frozen=True, slots=True)
class Judgement:
    stance: Stance
    marker: str | None = None  # the marker phrase that decided, for the evidence


@dataclass(frozen=True, slots=True)
class PostMarkers:
    """Marker hits of one post, by class."""

    text: SpannedText
    hits: dict[str, tuple[Hit, ...]]

    def any(self, marker_class: str) -> bool:
        return bool(self.hits.get(marker_class))


class StanceGuard:
    def __init__(self, markers: dict[str, PatternSet]) -> None:
        self._markers = markers

    def markers(self, text: SpannedText) -> PostMarkers:
        return PostMarkers(text, {name: tuple(s.find(text)) for name, s in self._markers.items()})

    def judge(self, post: PostMarkers, hit: Hit) -> Judgement:
        tokens = post.text.tokens
        sentence = tokens[hit.first].sentence
        negation = self._negation(post, hit)
        if negation is not None:
            return Judgement("negated", negation)
        first_quote = tokens[hit.first].quote
        if first_quote != -1 and first_quote == tokens[hit.last].quote:
            reporter = self._reporting(post, hit, sentence)
            if reporter is not None:
                return Judgement("reported", reporter)
            if post.text.quote_sizes[first_quote] <= SCARE_QUOTE_MAX_WORDS:
                return Judgement("quoted", None)
        meta = self._meta(post, hit)
        if meta is not None:
            return Judgement("reported", meta)
        for marker in post.hits.get("debunking", ()):
            if tokens[marker.first].sentence in (sentence, sentence + 1):
                return Judgement("debunked", marker.pattern.phrase)
        reporter = self._reporting(post, hit, sentence)
        if reporter is not None:
            return Judgement("reported", reporter)
        return Judgement("asserted", None)

    @staticmethod
    def _outside(marker: Hit, hit: Hit) -> bool:
        return marker.last < hit.first or marker.first > hit.last

    def _negation(self, post: PostMarkers, hit: Hit) -> str | None:
        tokens = post.text.tokens
        sentence = tokens[hit.first].sentence
        contrasts = [m.first for m in post.hits.get("contrast", ())]
        for marker in post.hits.get("negation_before", ()):
            if (
                marker.last < hit.first
                and hit.first - marker.last <= NEGATION_WINDOW
                and tokens[marker.last].sentence == sentence
                and not any(marker.last < c < hit.first for c in contrasts)
            ):
                return marker.pattern.phrase
        for marker in post.hits.get("negation_after", ()):
            if (
                marker.first > hit.last
                and marker.first - hit.last <= NEGATION_WINDOW
                and tokens[marker.first].sentence == sentence
            ):
                return marker.pattern.phrase
        return None

    def _meta(self, post: PostMarkers, hit: Hit) -> str | None:
        for marker in post.hits.get("meta_before", ()):
            if marker.last < hit.first and hit.first - marker.last <= META_WINDOW:
                return marker.pattern.phrase
        for marker in post.hits.get("meta_after", ()):
            if marker.first > hit.last and marker.first - hit.last <= META_WINDOW:
                return marker.pattern.phrase
        return None

    def opens_with_reporting(self, post: PostMarkers) -> bool:
        """Someone else's words frame the post: a reporting marker (not the author's own
        "we warned") in its first sentence, as in "X said that ...". A marker further on
        ("... not to accuse the innocent") does not make the whole post reported."""
        own_voice = [m.last for m in post.hits.get("first_person", ())]
        return any(
            post.text.tokens[m.first].sentence == 0
            and not any(0 < m.first - end <= 2 for end in own_voice)
            for m in post.hits.get("reporting", ())
        )

    def _reporting(self, post: PostMarkers, hit: Hit, sentence: int) -> str | None:
        tokens = post.text.tokens
        own_voice = [m.last for m in post.hits.get("first_person", ())]
        for marker in post.hits.get("reporting", ()):
            if tokens[marker.first].sentence != sentence or not self._outside(marker, hit):
                continue
            if any(0 < marker.first - end <= 2 for end in own_voice):
                continue  # "we warned", "as I said": the author's own words
            return marker.pattern.phrase
        return None


def default_stance_file() -> Path:
    return Path(str(resources.files("classifiers").joinpath("stance.toml")))


def load_stance_guard(path: Path | None = None) -> StanceGuard:
    source = path or default_stance_file()
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(f"{source}: stance marker file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{source}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(MARKER_CLASSES))
    if unknown:
        raise TaxonomyError(f"{source}: unknown marker classes {', '.join(unknown)}")
    markers: dict[str, PatternSet] = {}
    for name in MARKER_CLASSES:
        table = data.get(name, {})
        patterns = []
        for lang, phrases in table.items():
            for phrase in _phrases(source, name, lang, phrases):
                try:
                    patterns.append(parse_pattern(name, phrase, lang))
                except PatternError as exc:
                    raise TaxonomyError(f"{source}: [{name}] {lang}: {exc}") from None
        markers[name] = PatternSet(patterns, clitics=False)
    return StanceGuard(markers)


def _phrases(source: Path, name: str, lang: str, phrases: object) -> Sequence[str]:
    if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
        raise TaxonomyError(f"{source}: [{name}] {lang} must be a list of phrases")
    return phrases
