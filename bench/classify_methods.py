"""Why the classifier is built the way it is: the method comparison on the dev split.

    .venv/bin/python bench/classify_methods.py [--model e5] [--no-old-dev] [--no-dev2]
                                               [--score-dev2]

The dev files of tests/data/claims (Arabic, Persian, English; never the test files), 5-fold
cross-validation stratified by language; each training fold also holds the old
tests/data/narratives_dev.jsonl unless --no-old-dev, and the second dev set
tests/data/claims/dev2_*.jsonl unless --no-dev2 (with --score-dev2 its posts are scored
too, in the folds, instead of only training). Thresholds are chosen inside each training
fold (an inner 5-fold CV), so no figure is fitted on the posts it scores.
Methods (each model score vetoed where the post reports or debunks and asserts no cue):

  cues alone        the cue layer with its stance guards, no model;
  (a) prototype     the pooled similarity calibration MiniLM's head is (similarity to the
                    narrative prototypes and its margin), or-ed with every asserted cue;
  (b) embedding     a logistic regression per narrative over the sentence embedding,
                    or-ed with every asserted cue;
  (c) + cues        the same over the embedding and the cue/stance features; a cue of
                    three or more words still tags alone, shorter ones are evidence;
  (d) + gate        (c) times a linear any-narrative gate: the claim head shipped before;
  (e) + MLP gate    (c) times the gate with one hidden layer (gate_mlp.py): shipped;
  (e) + 2-word cues (e) with two-word cues also tagging alone.

Prints micro-F1, macro-F1 per language, recall on paraphrase labels, precision of "any
narrative versus none", and how often each hard-negative kind got a tag.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers.claim_head import fit_claim_head, stratified_folds  # noqa: E402
from classifiers.evaluation import GoldPost, evaluate, read_gold  # noqa: E402
from classifiers.features import cue_features, cue_strengths, vetoes  # noqa: E402
from classifiers.head import fit_head  # noqa: E402
from classifiers.tagger import load_tagger  # noqa: E402
from classifiers.training import from_gold, label_matrix  # noqa: E402

DATA = ROOT / "tests" / "data"
FOLDS = 5
HARD = ("topic_only", "everyday", "insult", "religious", "reported", "debunk", "other")
Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
Rows = npt.NDArray[np.int64]
# method(train rows, test rows) -> predicted labels of the test rows
Method = Callable[[Rows, Rows], Mask]


class Inputs:
    """Everything the methods read, computed once through the tagger's own code."""

    def __init__(self, model: str | None, old_dev: bool, dev2: str) -> None:
        self.tagger = load_tagger(model)
        keys = self.tagger.keys
        gold: list[GoldPost] = []
        scored = ["dev"] + (["dev2"] if dev2 == "score" else [])
        for name in scored:
            for lang in ("ar", "fa", "en"):
                gold += read_gold(DATA / "claims" / f"{name}_{lang}.jsonl", keys)[0]
        self.scored = len(gold)  # the claims posts; the others only train
        if old_dev:
            gold += read_gold(DATA / "narratives_dev.jsonl", keys)[0]
        if dev2 == "train":
            for lang in ("ar", "fa", "en"):
                gold += read_gold(DATA / "claims" / f"dev2_{lang}.jsonl", keys)[0]
        self.gold = gold
        self.langs = [g.lang or "und" for g in gold]
        similarity, self.claim, analyses = self.tagger.head_inputs([g.text for g in gold])
        self.similarity = similarity
        self.width = self.claim.shape[1] - cue_features([], keys).shape[1]
        self.labels = label_matrix(from_gold(gold, keys), keys)
        self.vetoed = vetoes(analyses, keys)
        self.cues = cue_strengths(analyses, keys)
        self.defaults = [n.threshold for n in self.tagger.taxonomy]


def prototype(x: Inputs) -> Method:
    keys = x.tagger.keys

    def method(train: Rows, test: Rows) -> Mask:
        head = fit_head("bench", keys, x.similarity[train], x.labels[train], x.vetoed[train],
                        x.defaults)
        model = np.where(x.vetoed[test], 0.0, head.probabilities(x.similarity[test]))
        return (model >= head.thresholds) | (x.cues[test] > 0)

    return method


def claim(x: Inputs, *, with_cues: bool, gate: str, alone: float) -> Method:
    keys = x.tagger.keys
    columns = slice(None) if with_cues else slice(0, x.width)

    def method(train: Rows, test: Rows) -> Mask:
        head = fit_claim_head("bench", keys, x.claim[train][:, columns], x.width,
                              x.labels[train], x.vetoed[train], x.defaults,
                              [x.langs[i] for i in train], gate=gate)
        model = np.where(x.vetoed[test], 0.0, head.scores(x.claim[test][:, columns]))
        return (model >= head.thresholds) | (x.cues[test] >= alone)

    return method


def cross_validate(x: Inputs, method: Method) -> Mask:
    scored = np.arange(x.scored)
    fold_of = stratified_folds(x.langs[:x.scored], FOLDS, seed=0)
    extra = np.arange(x.scored, len(x.gold))
    out = np.zeros((x.scored, len(x.tagger.keys)), dtype=bool)
    for fold in range(FOLDS):
        test = scored[fold_of == fold]
        train = np.concatenate([scored[fold_of != fold], extra])
        out[test] = method(train, test)
    return out


def line(name: str, gold: Sequence[GoldPost], pred: Mask, keys: Sequence[str]) -> str:
    report: dict[str, Any] = evaluate(
        gold, [{k for j, k in enumerate(keys) if row[j]} for row in pred], keys, samples=100)
    langs = " / ".join(f"{report['per_language'][lang]['macro_f1']:.2f}"
                       for lang in ("en", "ar", "fa"))
    kinds = report["per_kind"]
    hard = " / ".join(f"{kinds[k]['tag_rate']:.2f}" for k in HARD if k in kinds)
    return (f"| {name} | {report['micro']['f1']:.3f} | {langs} | "
            f"{kinds['paraphrase']['recall']:.2f} | "
            f"{report['any_narrative']['precision']:.2f} | {hard} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=None)
    parser.add_argument("--no-old-dev", action="store_true")
    parser.add_argument("--no-dev2", action="store_true")
    parser.add_argument("--score-dev2", action="store_true")
    parser.add_argument("--only", default=None, help="run only methods whose name has this")
    args = parser.parse_args()
    dev2 = "score" if args.score_dev2 else "none" if args.no_dev2 else "train"
    x = Inputs(args.model, not args.no_old_dev, dev2)
    gold, keys = x.gold[:x.scored], x.tagger.keys
    print(f"{x.scored} dev posts, {FOLDS}-fold CV by language, {x.tagger.model_version}")
    print("| method | micro-F1 | macro-F1 en / ar / fa | paraphrase recall | any precision "
          f"| {' / '.join(HARD)} tagged |")
    print(line("cues alone", gold, x.cues[:x.scored] > 0, keys))
    methods: dict[str, Method] = {
        "(a) prototype head, or cues": prototype(x),
        "(b) embedding, or cues": claim(x, with_cues=False, gate="none", alone=0.5),
        "(c) embedding + cue features": claim(x, with_cues=True, gate="none", alone=0.95),
        "(d) (c) x linear gate": claim(x, with_cues=True, gate="linear", alone=0.95),
        "(e) (c) x MLP gate": claim(x, with_cues=True, gate="mlp", alone=0.95),
        "(e) + 2-word cues alone": claim(x, with_cues=True, gate="mlp", alone=0.85),
    }
    for name, method in methods.items():
        if args.only and args.only not in name:
            continue
        print(line(name, gold, cross_validate(x, method), keys), flush=True)


if __name__ == "__main__":
    main()
