"""Cue hits with their stance, per narrative: the language-independent half of the tagger."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from classifiers.cues import Hit, PatternSet, narrative_patterns
from classifiers.stance import Judgement, StanceGuard
from classifiers.taxonomy import Taxonomy
from classifiers.textspan import SpannedText, span_text

# A cue's strength grows with the words it pins down: "sedition" alone is weaker evidence
# than "project of sedition". Scores stay in (0.5, 1) so every asserted cue passes the
# default 0.5 threshold; tuned thresholds can demand more.
_STRENGTH = {1: 0.7, 2: 0.85}
_STRENGTH_LONG = 0.95
# A bullet list of who said what ("• Fatah: the results are fabricated", «- الكاظمي: ...»):
# every line is someone's statement, reported without quote marks.
_STATEMENT_LINE = re.compile(r"^\s*(?:[•·▪◾●\-*–—]|\d{1,2}[.)])\s*[^:：\n]{1,60}[:：]\s*\S", re.M)
MIN_STATEMENT_LINES = 2
BULLET_MARKER = "bullet list of statements"


def lists_statements(text: str) -> bool:
    return len(_STATEMENT_LINE.findall(text)) >= MIN_STATEMENT_LINES


def cue_strength(hit: Hit) -> float:
    return _STRENGTH.get(hit.pattern.specificity, _STRENGTH_LONG)


@dataclass(frozen=True, slots=True)
class Finding:
    hit: Hit
    judgement: Judgement
    text: str
    start: int
    end: int

    @property
    def strength(self) -> float:
        return cue_strength(self.hit)

    def evidence(self) -> dict[str, Any]:
        evidence: dict[str, Any] = {
            "kind": "cue", "text": self.text, "start": self.start, "end": self.end,
            "cue": self.hit.pattern.phrase, "cue_lang": self.hit.pattern.lang,
            "stance": self.judgement.stance,
        }
        if self.judgement.marker:
            evidence["marker"] = self.judgement.marker
        return evidence


@dataclass(slots=True)
class CueAnalysis:
    asserted: dict[str, Finding] = field(default_factory=dict)  # strongest per narrative
    guarded: dict[str, list[Finding]] = field(default_factory=dict)
    reporting: bool = False  # a reporting marker anywhere, or a list of statements
    attributed: bool = False  # the post opens with someone else's words, or lists them
    debunking: bool = False
    negation: bool = False

    def asserted_strength(self, narrative: str) -> float:
        found = self.asserted.get(narrative)
        return found.strength if found else 0.0

    def guarded_count(self, narrative: str) -> int:
        return len(self.guarded.get(narrative, ()))


class CueLayer:
    def __init__(self, taxonomy: Taxonomy, guard: StanceGuard) -> None:
        self.patterns: PatternSet = narrative_patterns(taxonomy)
        self.guard = guard

    def analyse(self, text: str) -> CueAnalysis:
        spanned = span_text(text)
        analysis = CueAnalysis()
        hits = self.patterns.find(spanned)
        markers = self.guard.markers(spanned)
        listed = lists_statements(text)
        analysis.reporting = markers.any("reporting") or listed
        analysis.attributed = listed or self.guard.opens_with_reporting(markers)
        analysis.debunking = markers.any("debunking")
        analysis.negation = markers.any("negation_before") or markers.any("negation_after")
        for hit in hits:
            judgement = self.guard.judge(markers, hit)
            if listed and judgement.stance == "asserted":
                judgement = Judgement("reported", BULLET_MARKER)
            finding = _finding(spanned, hit, judgement)
            key = hit.owner
            if finding.judgement.stance != "asserted":
                analysis.guarded.setdefault(key, []).append(finding)
                continue
            best = analysis.asserted.get(key)
            if best is None or finding.strength > best.strength:
                analysis.asserted[key] = finding
        return analysis


def _finding(spanned: SpannedText, hit: Hit, judgement: Judgement) -> Finding:
    text, start, end = spanned.snippet(hit.first, hit.last)
    return Finding(hit, judgement, text, start, end)
