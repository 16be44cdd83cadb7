"""Tag posts with the narratives their authors promote (the public entry point).

    tagger = load_tagger()                       # packaged MiniLM, packaged head
    results = tagger.tag(["...", "..."])         # one list of TagResult per text

Per post: the cue layer (every language) finds narrative phrases and judges who asserts
them; for languages the model reads, the transformer compares the post with the
narrative prototypes and the head turns similarities + cue evidence + stance markers into
a probability per narrative. Languages the model cannot read (Arabic and Persian under the
default English MiniLM) are tagged by the cue layer alone, and say so in `method`.
The transformer runs once per distinct normalised text; forwards and retweets are free.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from classifiers.cue_layer import CueAnalysis, CueLayer
from classifiers.encoder import Encoder
from classifiers.features import head_features
from classifiers.head import Head
from classifiers.normalise import detect_language, normalise_for_matching
from classifiers.prototypes import PrototypeMatch, Prototypes
from classifiers.taxonomy import Taxonomy
from classifiers.zero_shot import ZeroShot

CACHE_SIZE = 50_000
# Without a trained head, similarity is mapped to a score by a fixed logistic curve: a
# rough, uncalibrated guess (train a head with `chorus train` to replace it).
_UNTRAINED_MIDPOINT = 0.55
_UNTRAINED_SLOPE = 15.0


@dataclass(frozen=True, slots=True)
class TagResult:
    narrative: str
    score: float
    method: str  # "cue", "prototype-head", "prototype" (untrained) or "zero-shot-nli"
    evidence: dict[str, Any]  # kind, text, start, end (+ cue, stance, similarity ...)
    model_version: str


@dataclass(frozen=True, slots=True)
class _Scored:
    """Model scores of one distinct normalised text (language-covered posts only)."""

    scores: tuple[float, ...]
    example: tuple[int, ...]  # best prototype per narrative, -1 if none
    similarity: tuple[float, ...]


class Tagger:
    def __init__(
        self,
        taxonomy: Taxonomy,
        cues: CueLayer,
        encoder: Encoder | None,
        head: Head | None,
        languages: frozenset[str],
        model_version: str,
        *,
        batch_size: int = 64,
    ) -> None:
        self.taxonomy = taxonomy
        self.cues = cues
        self.encoder = encoder
        self.head = head
        self.languages = languages
        self.model_version = model_version
        self.batch_size = batch_size
        self.keys = taxonomy.keys
        self.cue_thresholds = np.asarray([n.threshold for n in taxonomy], dtype=np.float64)
        self.thresholds = head.thresholds if head is not None else self.cue_thresholds
        self.zero_shot = (
            ZeroShot(encoder, taxonomy, languages)
            if encoder is not None and encoder.info.kind == "nli" else None
        )
        self.prototypes = (
            Prototypes(taxonomy, lambda texts: encoder.encode(texts, batch_size), languages)
            if encoder is not None and encoder.info.kind == "encoder" else None
        )
        self._cache: OrderedDict[str, _Scored] = OrderedDict()

    @property
    def method(self) -> str:
        if self.zero_shot is not None:
            return "zero-shot-nli"
        if self.prototypes is None:
            return "cue"
        return "prototype-head" if self.head is not None else "prototype"

    def tag(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[list[TagResult]]:
        """Narratives promoted by each text, strongest first. `langs` (ISO 639-1, or None
        to detect) decides whether the transformer can read a text."""
        if langs is not None and len(langs) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
        languages = [
            (langs[i] if langs is not None and langs[i] else None) or detect_language(t)
            for i, t in enumerate(texts)
        ]
        analyses: dict[str, CueAnalysis] = {}
        for text in texts:
            if text not in analyses:
                analyses[text] = self.cues.analyse(text)
        keys = [
            normalise_for_matching(t) if lang in self.languages else None
            for t, lang in zip(texts, languages, strict=True)
        ]
        self._score_missing(texts, keys, analyses)
        return [
            self._results(text, analyses[text], self._cache.get(key) if key else None)
            for text, key in zip(texts, keys, strict=True)
        ]

    def _score_missing(
        self, texts: Sequence[str], keys: Sequence[str | None], analyses: dict[str, CueAnalysis]
    ) -> None:
        if self.prototypes is None and self.zero_shot is None:
            return
        todo: dict[str, str] = {}
        for text, key in zip(texts, keys, strict=True):
            if key is None:
                continue
            if key in self._cache:
                self._cache.move_to_end(key)
            elif key not in todo:
                todo[key] = text
        if not todo:
            return
        batch = list(todo.values())
        batch_analyses = [analyses[t] for t in batch]
        if self.zero_shot is not None:
            scores = self.zero_shot.scores(batch)
            examples = np.full(scores.shape, -1)
            sims = scores
        else:
            assert self.encoder is not None and self.prototypes is not None
            match = self.prototypes.match(self.encoder.encode(batch, self.batch_size))
            scores = self._prototype_scores(match, batch_analyses)
            examples, sims = match.best, match.similarities
        for row, key in enumerate(todo):
            self._cache[key] = _Scored(
                tuple(float(s) for s in scores[row]),
                tuple(int(e) for e in examples[row]),
                tuple(float(s) for s in sims[row]),
            )
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _prototype_scores(
        self, match: PrototypeMatch, analyses: Sequence[CueAnalysis]
    ) -> np.ndarray[Any, np.dtype[np.float64]]:
        if self.head is not None:
            return self.head.probabilities(head_features(match.similarities, analyses, self.keys))
        z = (match.similarities.astype(np.float64) - _UNTRAINED_MIDPOINT) * _UNTRAINED_SLOPE
        return 1.0 / (1.0 + np.exp(-z))

    def head_inputs(
        self, texts: Sequence[str]
    ) -> tuple[np.ndarray[Any, np.dtype[np.float64]], list[CueAnalysis]]:
        """Head features (posts, narratives, features) for texts in a covered language,
        computed exactly as tag() computes them: for training a head."""
        if self.encoder is None or self.prototypes is None:
            raise ValueError("this tagger has no sentence encoder to train a head for")
        analyses = [self.cues.analyse(t) for t in texts]
        match = self.prototypes.match(self.encoder.encode(list(texts), self.batch_size))
        return head_features(match.similarities, analyses, self.keys), analyses

    def _results(
        self, text: str, analysis: CueAnalysis, scored: _Scored | None
    ) -> list[TagResult]:
        out: list[TagResult] = []
        for j, key in enumerate(self.keys):
            finding = analysis.asserted.get(key)
            if scored is None:
                if finding is None or finding.strength < self.cue_thresholds[j]:
                    continue
                out.append(TagResult(key, round(finding.strength, 4), "cue",
                                     finding.evidence(), self.model_version))
                continue
            score = scored.scores[j]
            if self.head is None and finding is not None:
                score = max(score, finding.strength)
            if self.head is None and finding is None and analysis.guarded_count(key):
                continue  # untrained: a reported or debunked cue vetoes a similarity guess
            if score < self.thresholds[j]:
                continue
            evidence = finding.evidence() if finding is not None else self._example(scored, j)
            out.append(TagResult(key, round(float(score), 4), self.method, evidence,
                                 self.model_version))
        out.sort(key=lambda r: -r.score)
        return out

    def _example(self, scored: _Scored, j: int) -> dict[str, Any]:
        if self.zero_shot is not None:
            return {"kind": "hypothesis", "text": self.zero_shot.hypotheses[j],
                    "start": None, "end": None, "entailment": round(scored.similarity[j], 4)}
        assert self.prototypes is not None
        return {"kind": "example", "text": self.prototypes.texts[scored.example[j]],
                "start": None, "end": None, "similarity": round(scored.similarity[j], 4)}


def load_tagger(
    model_path: str | None = None,
    head: Head | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    threads: int = 0,
    batch_size: int = 64,
    languages: frozenset[str] | None = None,
) -> Tagger:
    """A ready Tagger. model_path: a local Hugging Face model folder (default: the packaged
    all-MiniLM-L6-v2, offline). head: a trained head for that model (default: the one
    shipped for it, if any). languages: override which languages the model reads
    (default: measured from its tokenizer)."""
    from pathlib import Path

    from classifiers import loading
    from classifiers.taxonomy import load_taxonomy

    taxonomy = taxonomy or load_taxonomy()
    encoder = Encoder(Path(model_path) if model_path else None, threads=threads)
    if head is None:
        head = loading.packaged_head(encoder.info, taxonomy)
    else:
        loading.check_head(head, encoder.info, taxonomy)
    covered = languages if languages is not None else loading.covered_languages(encoder, taxonomy)
    version = loading.model_version(
        encoder.model_id, head, loading.rules_fingerprint(taxonomy)
    )
    return Tagger(taxonomy, loading.cue_layer(taxonomy), encoder, head, covered, version,
                  batch_size=batch_size)
