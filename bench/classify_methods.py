"""Why the classifier is built the way it is: the method comparison on the dev split.

    .venv/bin/python bench/classify_methods.py

English dev posts (the language the default model reads), 5-fold cross-validation, the
real packaged MiniLM. Because the cue phrases were written against this same dev split,
cue-only looks perfect on it; to see what happens where cues do not cover a phrasing
(as on new data), the comparison is repeated with half of every narrative's cue phrases
dropped at random (seeded). Methods:

  cue only            the multilingual cue layer with stance guards, no model;
  similarity only     pooled calibration of prototype similarity, no cues;
  per-narrative LR    one logistic regression per narrative over 14 features (similarity
                      to all nine narratives, cue strength, guarded cue, stance markers);
  chosen              pooled two-feature calibration (similarity, margin) or-ed with the
                      cue layer, similarity vetoed on reported/debunked posts, thresholds
                      per narrative from out-of-fold model scores.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers.cue_layer import CueAnalysis  # noqa: E402
from classifiers.evaluation import GoldPost, evaluate, read_gold  # noqa: E402
from classifiers.features import cue_strengths, vetoes  # noqa: E402
from classifiers.head import _sigmoid, best_threshold, fit_head, fit_logistic  # noqa: E402
from classifiers.loading import cue_layer  # noqa: E402
from classifiers.tagger import Tagger, load_tagger  # noqa: E402
from classifiers.taxonomy import Taxonomy  # noqa: E402

FOLDS = 5

Indices = npt.NDArray[np.intp]
Mask = npt.NDArray[np.bool_]
# fit_predict(train rows, test rows) -> one predicted-label row per test row
FitPredict = Callable[[Indices, Indices], Mask]


def drop_cues(taxonomy: Taxonomy, share: float, seed: int = 3) -> Taxonomy:
    rng = random.Random(seed)
    narratives = []
    for n in taxonomy:
        cues = {}
        for lang, phrases in n.cues.items():
            kept = [p for p in phrases if rng.random() >= share]
            cues[lang] = tuple(kept or phrases[:1])
        narratives.append(type(n)(n.key, n.threshold, n.names, n.descriptions, n.examples, cues))
    return Taxonomy(tuple(narratives), taxonomy.source)


def folds(n: int, seed: int = 1) -> npt.NDArray[np.int64]:
    return np.random.default_rng(seed).permutation(n) % FOLDS


def cross_validate(n: int, fit_predict: FitPredict, k: int) -> Mask:
    fold_of = folds(n)
    out = np.zeros((n, k), dtype=bool)
    for fold in range(FOLDS):
        train, test = np.flatnonzero(fold_of != fold), np.flatnonzero(fold_of == fold)
        out[test] = fit_predict(train, test)
    return out


def scores(gold: Sequence[GoldPost], pred: Mask, keys: Sequence[str]) -> str:
    report = evaluate(gold, [{k for j, k in enumerate(keys) if row[j]} for row in pred], keys,
                      samples=200)
    return (f"micro-F1 {report['micro']['f1']:.3f}  macro-F1 {report['macro']['f1']:.3f}  "
            f"any-vs-none precision {report['any_narrative']['precision']:.3f}")


def run(tagger: Tagger, taxonomy: Taxonomy, gold: Sequence[GoldPost]) -> None:
    keys = tagger.keys
    cues = cue_layer(taxonomy)
    analyses: list[CueAnalysis] = [cues.analyse(g.text) for g in gold]
    features, _ = tagger.head_inputs([g.text for g in gold])
    sims = features[:, 0, :]
    labels = np.array([[k in g.labels for k in keys] for g in gold], dtype=np.float64)
    cue = cue_strengths(analyses, keys)
    veto = vetoes(analyses, keys)
    k = len(keys)
    defaults = [0.5] * k

    def cue_only(train: Indices, test: Indices) -> Mask:
        return cue[test] >= 0.5

    def chosen(use_cues: bool) -> FitPredict:
        def fit_predict(train: Indices, test: Indices) -> Mask:
            no_veto = veto if use_cues else np.zeros_like(veto)
            head = fit_head("m", keys, features[train], labels[train], no_veto[train], defaults)
            model = head.rescaled(head.probabilities(features[test]), np.full(k, 0.5))
            model = np.where(no_veto[test], 0.0, model)
            return (np.maximum(cue[test], model) if use_cues else model) >= 0.5
        return fit_predict

    guarded = np.array([[a.guarded_count(key) > 0 for key in keys] for a in analyses],
                       dtype=np.float64)
    wide = np.concatenate([
        np.repeat(sims[:, None, :], k, axis=1), cue[:, :, None], guarded[:, :, None],
        np.array([[a.reporting, a.debunking, a.negation] for a in analyses],
                 dtype=np.float64)[:, None, :].repeat(k, axis=1),
    ], axis=2)

    def per_narrative(train: Indices, test: Indices) -> Mask:
        out = np.zeros((len(test), k), dtype=bool)
        for j in range(k):
            x, y = wide[train, j], labels[train, j]
            mean, std = x.mean(axis=0), np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
            if y.min() == y.max():
                continue
            w, b = fit_logistic((x - mean) / std, y, 1.0)
            inner = folds(len(train)) % 3
            oof = np.zeros(len(train))
            for f in range(3):
                tr, te = inner != f, inner == f
                if y[tr].min() == y[tr].max():
                    continue
                wi, bi = fit_logistic((x[tr] - mean) / std, y[tr], 1.0)
                oof[te] = _sigmoid(((x[te] - mean) / std) @ wi + bi)
            threshold = best_threshold(oof, y, 0.5)
            out[:, j] = _sigmoid(((wide[test, j] - mean) / std) @ w + b) >= threshold
        return out

    n = len(gold)
    print(f"  cue only            {scores(gold, cross_validate(n, cue_only, k), keys)}")
    print(f"  similarity only     {scores(gold, cross_validate(n, chosen(False), k), keys)}")
    print(f"  per-narrative LR    {scores(gold, cross_validate(n, per_narrative, k), keys)}")
    print(f"  chosen              {scores(gold, cross_validate(n, chosen(True), k), keys)}")


def main() -> None:
    tagger = load_tagger()
    gold, _ = read_gold(ROOT / "tests" / "data" / "narratives_dev.jsonl", tagger.keys)
    english = [g for g in gold if g.lang == "en"]
    print(f"{len(english)} English dev posts, {FOLDS}-fold cross-validation, "
          f"{tagger.encoder.backend if tagger.encoder else '-'} embeddings")
    for share in (0.0, 0.5):
        print(f"\ncue phrases kept: {100 - share * 100:.0f}%")
        run(tagger, drop_cues(tagger.taxonomy, share), english)


if __name__ == "__main__":
    main()
