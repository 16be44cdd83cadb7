"""Tag posts with the narratives their authors promote (the public entry point).

    tagger = load_tagger()                       # packaged MiniLM, packaged head
    results = tagger.tag(["...", "..."])         # one list of TagResult per text

Per post: the cue layer (every language) finds narrative phrases and judges who asserts
them. For languages the model reads, the transformer compares the post with the narrative
prototypes and the head calibrates that similarity; the narrative's score is the stronger
of an asserted cue and the calibrated similarity, unless the post reports, quotes or
debunks instead of asserting (then only an asserted cue counts). Languages the model
cannot read (Arabic and Persian under the default English MiniLM) are tagged by the cue
layer alone, and their results say so in `method`. The transformer runs once per distinct
normalised text, so forwards and retweets cost nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifiers.claim_head import ClaimHead, design
from classifiers.cue_layer import CueAnalysis, CueLayer
from classifiers.encoder import Encoder
from classifiers.features import cue_features, similarity_features, vetoes
from classifiers.head import Head
from classifiers.loading import AnyHead
from classifiers.normalise import detect_language, normalise_for_matching
from classifiers.prototypes import Prototypes
from classifiers.taxonomy import Taxonomy
from classifiers.zero_shot import ZeroShot

Floats = npt.NDArray[np.float64]
CACHE_SIZE = 50_000
# Without a trained head, similarity is mapped to a score by a fixed logistic curve: an
# uncalibrated guess (`chorus train` fits a head that replaces it).
_UNTRAINED_MIDPOINT = 0.55
_UNTRAINED_SLOPE = 15.0
# With a claim head, an asserted cue of three or more words tags on its own (a recall
# aid); shorter ones are evidence the head weighs (claim_head's docstring has the figures).
CUE_ALONE = 0.95


@dataclass(frozen=True, slots=True)
class TagResult:
    narrative: str
    score: float
    method: str  # "cue", "claim-head", "prototype-head", "prototype" (no head), "zero-shot-nli"
    evidence: dict[str, Any]  # kind, text, start, end (+ cue, stance, similarity ...)
    model_version: str


@dataclass(frozen=True, slots=True)
class _Scored:
    """Model output for one distinct normalised text."""

    model: tuple[float, ...]  # calibrated score per narrative, before fusion (empty for a
    # claim head, whose score also reads the post's cues: computed per post)
    example: tuple[int, ...]  # best prototype per narrative (-1 for zero-shot)
    similarity: tuple[float, ...]
    embedding: npt.NDArray[np.float32] | None = None  # kept for a claim head only


class Tagger:
    def __init__(
        self,
        taxonomy: Taxonomy,
        cues: CueLayer,
        encoder: Encoder | None,
        head: AnyHead | None,
        languages: frozenset[str],
        model_version: str,
        *,
        batch_size: int = 32,
    ) -> None:
        self.taxonomy = taxonomy
        self.cues = cues
        self.encoder = encoder
        self.head = head
        self.languages = languages if encoder is not None else frozenset()
        self.model_version = model_version
        self.batch_size = batch_size
        self.keys = taxonomy.keys
        # Every score, cue or model, is on the taxonomy's scale: tagged iff >= threshold.
        self.cue_thresholds = np.asarray([n.threshold for n in taxonomy], dtype=np.float64)
        is_nli = encoder is not None and encoder.info.kind == "nli"
        self.zero_shot = ZeroShot(encoder, taxonomy) if encoder is not None and is_nli else None
        self.prototypes = (
            Prototypes(taxonomy, lambda texts: encoder.encode(texts, batch_size), self.languages)
            if encoder is not None and not is_nli else None
        )
        self._cache: OrderedDict[str, _Scored] = OrderedDict()

    def with_head(self, head: AnyHead) -> Tagger:
        """The same model, cues and languages with another head (no second model load)."""
        from classifiers import loading

        if self.encoder is None:
            raise ValueError("a head needs a model")
        loading.check_head(head, self.encoder.info, self.taxonomy)
        version = loading.model_version(self.encoder.model_id, self.encoder.backend, head,
                                        loading.rules_fingerprint(self.taxonomy),
                                        self.languages)
        return Tagger(self.taxonomy, self.cues, self.encoder, head, self.languages, version,
                      batch_size=self.batch_size)

    @property
    def method(self) -> str:
        """How the model half scores: what `method` says when it, not a cue, decided."""
        if self.zero_shot is not None:
            return "zero-shot-nli"
        if self.prototypes is None:
            return "cue"
        if isinstance(self.head, ClaimHead):
            return "claim-head"
        return "prototype-head" if self.head is not None else "prototype"

    def tag(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[list[TagResult]]:
        """Narratives promoted by each text, strongest first. `langs` (ISO 639-1 codes, or
        None to detect) decides whether the transformer can read a text."""
        if langs is not None and len(langs) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
        analyses: dict[str, CueAnalysis] = {}
        for text in texts:
            if text not in analyses:
                analyses[text] = self.cues.analyse(text)
        keys = [self._cache_key(t, langs[i] if langs else None) for i, t in enumerate(texts)]
        self._score_missing(texts, keys)
        scored = [self._cache.get(key) if key else None for key in keys]
        models = self._claims([analyses[t] for t in texts], scored)
        return [
            self._results(analyses[text], score, model)
            for text, score, model in zip(texts, scored, models, strict=True)
        ]

    def _claims(self, analyses: Sequence[CueAnalysis], scored: Sequence[_Scored | None]
                ) -> list[Floats | None]:
        """Model scores per post: the claim head's (embedding and this post's cues), or the
        cached prototype/zero-shot ones."""
        out: list[Floats | None] = [
            None if s is None else np.asarray(s.model, dtype=np.float64) for s in scored]
        if not isinstance(self.head, ClaimHead):
            return out
        rows: list[int] = []
        embedded: list[npt.NDArray[np.float32]] = []
        for i, s in enumerate(scored):
            if s is not None and s.embedding is not None:
                rows.append(i)
                embedded.append(s.embedding)
        if not rows:
            return out
        features = design(np.stack(embedded),
                          cue_features([analyses[i] for i in rows], self.keys))
        model = self.head.rescaled(self.head.scores(features), self.cue_thresholds)
        for row, i in enumerate(rows):
            out[i] = model[row]
        return out

    def _cache_key(self, text: str, lang: str | None) -> str | None:
        """The normalised text when the model reads this language, else None (cues only)."""
        if self.prototypes is None and self.zero_shot is None:
            return None
        if (lang or detect_language(text)) not in self.languages:
            return None
        return normalise_for_matching(text)

    def _score_missing(self, texts: Sequence[str], keys: Sequence[str | None]) -> None:
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
        embeddings: npt.NDArray[np.float32] | None = None
        if self.zero_shot is not None:
            model = self.zero_shot.scores(batch)
            examples, sims = np.full(model.shape, -1), model
        else:
            embeddings = self._embed(batch)
            sims_f32, examples = self._match(embeddings)
            sims = sims_f32.astype(np.float64)
            model = self._calibrate(sims_f32)
        claim = isinstance(self.head, ClaimHead)
        for row, key in enumerate(todo):
            self._cache[key] = _Scored(
                () if claim else tuple(float(s) for s in model[row]),
                tuple(int(e) for e in examples[row]),
                tuple(float(s) for s in sims[row]),
                embeddings[row] if claim and embeddings is not None else None,
            )
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if self.encoder is None or self.prototypes is None:
            raise ValueError("this tagger has no sentence encoder")
        return self.encoder.encode(list(texts), self.batch_size)

    def _match(self, embeddings: npt.NDArray[np.float32]
               ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        if self.prototypes is None:
            raise ValueError("this tagger has no sentence encoder")
        match = self.prototypes.match(embeddings)
        return match.similarities, match.best

    def _calibrate(self, similarities: npt.NDArray[np.float32]) -> Floats:
        """Prototype-head scores on the taxonomy-threshold scale (see head.rescale)."""
        if isinstance(self.head, Head):
            probabilities = self.head.probabilities(similarity_features(similarities))
            return self.head.rescaled(probabilities, self.cue_thresholds)
        z = (similarities.astype(np.float64) - _UNTRAINED_MIDPOINT) * _UNTRAINED_SLOPE
        return 1.0 / (1.0 + np.exp(-z))

    def head_inputs(self, texts: Sequence[str]) -> tuple[Floats, Floats, list[CueAnalysis]]:
        """For training a head, computed exactly as tag() computes them: the prototype
        head's features (posts, narratives, 2), the claim head's (posts, width + cue
        features) and the cue analyses."""
        if self.prototypes is None:
            raise ValueError("this tagger has no sentence encoder to train a head for")
        analyses = [self.cues.analyse(t) for t in texts]
        embeddings = self._embed(texts)
        similarities, _ = self._match(embeddings)
        claim = design(embeddings, cue_features(analyses, self.keys))
        return similarity_features(similarities), claim, analyses

    def _results(self, analysis: CueAnalysis, scored: _Scored | None,
                 models: Floats | None) -> list[TagResult]:
        vetoed = vetoes([analysis], self.keys)[0]
        claim = isinstance(self.head, ClaimHead) and models is not None
        out: list[TagResult] = []
        for j, key in enumerate(self.keys):
            finding = analysis.asserted.get(key)
            cue = finding.strength if finding is not None else 0.0
            if claim and cue < CUE_ALONE:
                cue = 0.0  # evidence for the claim head, not a tag by itself
            model = 0.0 if scored is None or models is None or vetoed[j] else float(models[j])
            score = max(cue, model)
            if score <= 0.0 or score < self.cue_thresholds[j]:
                continue
            if scored is None or (finding is not None and cue >= model):
                method, evidence = "cue", finding.evidence() if finding else {}
            elif claim and finding is not None:
                method, evidence = self.method, finding.evidence()
            else:
                method, evidence = self.method, self._example(scored, j)
            out.append(TagResult(key, round(float(score), 4), method, evidence,
                                 self.model_version))
        out.sort(key=lambda r: -r.score)
        return out

    def _example(self, scored: _Scored, j: int) -> dict[str, Any]:
        if self.zero_shot is not None:
            return {"kind": "hypothesis", "text": self.zero_shot.hypotheses[j],
                    "start": None, "end": None, "entailment": round(scored.similarity[j], 4)}
        texts = self.prototypes.texts if self.prototypes is not None else ()
        return {"kind": "example", "text": texts[scored.example[j]] if texts else "",
                "start": None, "end": None, "similarity": round(scored.similarity[j], 4)}


def load_tagger(
    model_path: str | None = None,
    head: AnyHead | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    threads: int = 0,
    batch_size: int = 32,
    languages: frozenset[str] | None = None,
    backend: str = "auto",
    cache_dir: Path | None = None,
    models_root: Path | None = None,
) -> Tagger:
    """A ready Tagger. model_path: a model name or a local Hugging Face model folder
    (default: multilingual-e5-small, built into models_root on first use; see
    classifiers.models). head: a trained head for that model (default: the one shipped for
    it, if any). languages: which languages the model reads (default: measured from its
    tokenizer). backend: auto (ONNX Runtime int8 when installed), torch, onnx or
    onnx-int8. cache_dir: where exported ONNX models are kept (default: the user cache
    dir, or CHORUS_CACHE_DIR/onnx). Raises ModelLoadError, TaxonomyError or HeadError."""
    from classifiers import loading, models
    from classifiers.taxonomy import load_taxonomy

    taxonomy = taxonomy or load_taxonomy()
    path = models.resolve(model_path, models_root, threads=threads)
    encoder = Encoder(path, threads=threads, backend=backend, cache_dir=cache_dir)
    if head is None:
        head = loading.packaged_head(encoder.info, taxonomy)
    else:
        loading.check_head(head, encoder.info, taxonomy)
    covered = languages if languages is not None else loading.covered_languages(encoder, taxonomy)
    version = loading.model_version(encoder.model_id, encoder.backend, head,
                                    loading.rules_fingerprint(taxonomy), covered)
    return Tagger(taxonomy, loading.cue_layer(taxonomy), encoder, head, covered, version,
                  batch_size=batch_size)
