"""Scoring tags against a gold file: micro/macro/per-label/per-language F1 with bootstrap
95% intervals, "any narrative vs none" precision, and how often each kind of hard negative
(reported, debunked, negated, other sense) was wrongly tagged.

Gold file (DESIGN §5): one JSON object per line with `id`, `text`, optional `lang`,
`labels` (narrative keys, possibly empty); optional `hard_negative` names the kind of hard
negative, optional `kind` what sort of post it is (tests/data/claims/README.md: cue,
paraphrase, topic_only, everyday, insult, religious, reported, debunk, other), reported
as `per_kind`: how often posts of each kind got a tag, and the recall on their labels.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Binary = npt.NDArray[np.bool_]
BOOTSTRAP_SAMPLES = 1000


@dataclass(frozen=True)
class GoldPost:
    id: str
    text: str
    lang: str | None
    labels: frozenset[str]
    hard_negative: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class GoldProblem:
    location: str  # "FILE:LINE"
    reason: str


def read_gold(path: Path, keys: Sequence[str]) -> tuple[list[GoldPost], list[GoldProblem]]:
    """Every good line, and a problem for each bad one (the good ones are kept)."""
    posts: list[GoldPost] = []
    problems: list[GoldProblem] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                post = _gold_post(json.loads(line), set(keys))
            except json.JSONDecodeError as exc:
                problems.append(GoldProblem(where, f"not valid JSON ({exc.msg})"))
                continue
            except ValueError as exc:
                problems.append(GoldProblem(where, str(exc)))
                continue
            if post.id in seen:
                problems.append(GoldProblem(where, f"id {post.id!r} repeated"))
                continue
            seen.add(post.id)
            posts.append(post)
    return posts, problems


def _gold_post(data: Any, keys: set[str]) -> GoldPost:
    if not isinstance(data, dict):
        raise ValueError("a line must be a JSON object")
    post_id, text = data.get("id"), data.get("text")
    if not isinstance(post_id, str | int) or isinstance(post_id, bool) or str(post_id) == "":
        raise ValueError("missing `id`")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing `text`")
    labels = data.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise ValueError("`labels` must be a list of narrative keys")
    unknown = sorted(set(labels) - keys)
    if unknown:
        raise ValueError(f"unknown narrative key(s) {', '.join(unknown)}")
    lang = data.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise ValueError("`lang` must be a language code")
    hard, kind = data.get("hard_negative"), data.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise ValueError("`kind` must be a string")
    return GoldPost(str(post_id), text, lang or None, frozenset(labels),
                    hard if isinstance(hard, str) else None, kind or None)


def _matrix(sets: Iterable[frozenset[str] | set[str]], keys: Sequence[str]) -> Binary:
    rows = list(sets)
    out = np.zeros((len(rows), len(keys)), dtype=bool)
    index = {k: j for j, k in enumerate(keys)}
    for i, row in enumerate(rows):
        for key in row:
            out[i, index[key]] = True
    return out


def _counts(truth: Binary, pred: Binary, weights: npt.NDArray[np.float64]) -> tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]
]:
    """Per-label tp, fp, fn; weights (samples, posts) give bootstrap resamples."""
    tp = weights @ (truth & pred).astype(np.float64)
    fp = weights @ (~truth & pred).astype(np.float64)
    fn = weights @ (truth & ~pred).astype(np.float64)
    return tp, fp, fn


def _f1(tp: Any, fp: Any, fn: Any) -> Any:
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.zeros_like(denominator, dtype=np.float64),
                     where=denominator > 0)


def _ratio(a: Any, b: Any) -> Any:
    return np.divide(a, b, out=np.zeros_like(b, dtype=np.float64), where=b > 0)


def _interval(samples: npt.NDArray[np.float64]) -> list[float] | None:
    """Percentile 95% interval over the resamples where the quantity is defined."""
    defined = samples[~np.isnan(samples)]
    if defined.size == 0:
        return None
    low, high = np.percentile(defined, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def _scores(truth: Binary, pred: Binary, weights: npt.NDArray[np.float64]) -> dict[str, Any]:
    """micro/macro precision, recall, f1 for each row of weights (vectorised)."""
    tp, fp, fn = _counts(truth, pred, weights)
    micro_tp, micro_fp, micro_fn = tp.sum(axis=1), fp.sum(axis=1), fn.sum(axis=1)
    # Macro averages over labels present in the gold or the predictions of this sample.
    active = (tp + fp + fn) > 0
    per_label_f1 = _f1(tp, fp, fn)
    n_active = active.sum(axis=1)

    def macro(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return _ratio((values * active).sum(axis=1), n_active)  # type: ignore[no-any-return]

    return {
        "micro_precision": _ratio(micro_tp, micro_tp + micro_fp),
        "micro_recall": _ratio(micro_tp, micro_tp + micro_fn),
        "micro_f1": _f1(micro_tp, micro_fp, micro_fn),
        "macro_precision": macro(_ratio(tp, tp + fp)),
        "macro_recall": macro(_ratio(tp, tp + fn)),
        "macro_f1": macro(per_label_f1),
        "per_label_f1": per_label_f1,
        # undefined (NaN) where a resample holds no post of that label, gold or predicted
        "per_label_f1_defined": np.where(active, per_label_f1, np.nan),
        "tp": tp, "fp": fp, "fn": fn,
    }


def _bootstrap_weights(n: int, samples: int, seed: int) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, np.full(n, 1.0 / n), size=samples).astype(np.float64)


def evaluate(
    gold: Sequence[GoldPost],
    predicted: Sequence[set[str] | frozenset[str]],
    keys: Sequence[str],
    *,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> dict[str, Any]:
    """The `chorus eval --json` report (DESIGN §5 keys plus intervals and stance checks)."""
    if len(gold) != len(predicted):
        raise ValueError("one prediction per gold post is needed")
    if not gold:
        raise ValueError("the gold file has no usable posts")
    truth = _matrix((g.labels for g in gold), keys)
    pred = _matrix(predicted, keys)
    point = _scores(truth, pred, np.ones((1, len(gold))))
    boot = _scores(truth, pred, _bootstrap_weights(len(gold), samples, seed))
    report: dict[str, Any] = {
        "n": len(gold),
        "micro": _summary(point, boot, "micro"),
        "macro": _summary(point, boot, "macro"),
        "per_label": {
            key: {
                "precision": _round(_ratio(point["tp"][0, j], point["tp"][0, j] + point["fp"][0, j])),
                "recall": _round(_ratio(point["tp"][0, j], point["tp"][0, j] + point["fn"][0, j])),
                "f1": _round(point["per_label_f1"][0, j]),
                "support": int(truth[:, j].sum()),
                "f1_ci95": _interval(boot["per_label_f1_defined"][:, j]),
            }
            for j, key in enumerate(keys)
        },
        "per_language": _per_language(gold, truth, pred, samples, seed),
        "any_narrative": _any_narrative(truth, pred, samples, seed),
        "hard_negatives": _hard_negatives(gold, pred),
        "per_kind": _per_kind(gold, truth, pred),
    }
    return report


def _round(value: Any) -> float:
    return round(float(value), 4)


def _summary(point: dict[str, Any], boot: dict[str, Any], kind: str) -> dict[str, Any]:
    return {
        "precision": _round(point[f"{kind}_precision"][0]),
        "recall": _round(point[f"{kind}_recall"][0]),
        "f1": _round(point[f"{kind}_f1"][0]),
        "f1_ci95": _interval(boot[f"{kind}_f1"]),
    }


def _per_language(gold: Sequence[GoldPost], truth: Binary, pred: Binary, samples: int,
                  seed: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    langs = sorted({g.lang or "und" for g in gold})
    for lang in langs:
        rows = np.asarray([(g.lang or "und") == lang for g in gold])
        t, p = truth[rows], pred[rows]
        point = _scores(t, p, np.ones((1, len(t))))
        boot = _scores(t, p, _bootstrap_weights(len(t), samples, seed))
        out[lang] = {
            "n": int(rows.sum()),
            "micro_f1": _round(point["micro_f1"][0]),
            "macro_f1": _round(point["macro_f1"][0]),
            "micro_f1_ci95": _interval(boot["micro_f1"]),
            "macro_f1_ci95": _interval(boot["macro_f1"]),
        }
    return out


def _any_narrative(truth: Binary, pred: Binary, samples: int, seed: int) -> dict[str, Any]:
    """Does the post promote any narrative at all? Precision here is what an analyst sees
    first: how many flagged posts are really promotion."""
    t: Binary = np.asarray(truth.any(axis=1), dtype=bool).reshape(-1, 1)
    p: Binary = np.asarray(pred.any(axis=1), dtype=bool).reshape(-1, 1)
    point = _scores(t, p, np.ones((1, len(t))))
    boot = _scores(t, p, _bootstrap_weights(len(t), samples, seed))
    return {
        "precision": _round(point["micro_precision"][0]),
        "recall": _round(point["micro_recall"][0]),
        "f1": _round(point["micro_f1"][0]),
        "precision_ci95": _interval(boot["micro_precision"]),
    }


def _hard_negatives(gold: Sequence[GoldPost], pred: Binary) -> dict[str, Any]:
    """For each kind of hard negative: how many posts, how many got any tag."""
    out: dict[str, Any] = {}
    for kind in sorted({g.hard_negative for g in gold if g.hard_negative}):
        rows = [i for i, g in enumerate(gold) if g.hard_negative == kind]
        wrong = int(pred[rows].any(axis=1).sum())
        out[kind] = {"n": len(rows), "tagged": wrong,
                     "false_positive_rate": round(wrong / len(rows), 4)}
    return out


def _per_kind(gold: Sequence[GoldPost], truth: Binary, pred: Binary) -> dict[str, Any]:
    """Per `kind`: posts, how many got any tag (the tag rate: for a hard-negative kind,
    every tag is wrong), and for kinds with labels the recall on them (a paraphrase
    positive found, or not)."""
    out: dict[str, Any] = {}
    for kind in sorted({g.kind for g in gold if g.kind}):
        rows = np.asarray([g.kind == kind for g in gold])
        tagged = int(pred[rows].any(axis=1).sum())
        positives = int(truth[rows].sum())
        found = int((truth[rows] & pred[rows]).sum())
        out[kind] = {"n": int(rows.sum()), "tagged": tagged,
                     "tag_rate": _round(tagged / rows.sum()), "labels": positives,
                     "recall": _round(found / positives) if positives else None}
    return out
