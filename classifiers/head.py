"""The light head: a logistic calibration of prototype similarity, shared by all narratives,
and a decision threshold per narrative tuned on out-of-fold predictions of the model alone.

MiniLM's shipped head. Why so small (measured for MiniLM on the old dev split): one
regression per narrative over many features overfits a few dozen labelled posts, while a
pooled two-feature calibration, or-ed with the cue layer, generalises. The default e5
model uses the claim head instead (claim_head.py), fitted on ten times the posts. Thresholds are
tuned on the model's own scores, not on the fused ones, because the cue phrases were
written against the same dev split and would make any model threshold look redundant.
Plain numpy, Newton's method on an L2-penalised log-likelihood.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from classifiers.features import FEATURE_NAMES

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
FORMAT = 2
THRESHOLD_GRID = tuple(round(float(x), 2) for x in np.arange(0.15, 0.96, 0.05))
MIN_POSITIVES = 3  # fewer than this and a narrative keeps its taxonomy threshold


class HeadError(Exception):
    """A stored head cannot be used (wrong format, wrong model, wrong taxonomy)."""


@dataclass
class Head:
    model_id: str
    narratives: tuple[str, ...]
    mean: Floats  # (features,)
    std: Floats
    weights: Floats
    bias: float
    thresholds: Floats  # (narratives,)
    trained: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        blob = json.dumps(self._params(), sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:8]

    def probabilities(self, features: Floats) -> Floats:
        """(posts, narratives, features) -> calibrated similarity scores (posts, narratives)."""
        return sigmoid(((features - self.mean) / self.std) @ self.weights + self.bias)

    def rescaled(self, model: Floats, taxonomy_thresholds: Floats) -> Floats:
        return rescale(model, self.thresholds, taxonomy_thresholds)

    def _params(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "model_id": self.model_id, "narratives": list(self.narratives),
            "features": list(FEATURE_NAMES), "mean": floats(self.mean),
            "std": floats(self.std), "weights": floats(self.weights),
            "bias": round(self.bias, 6), "thresholds": floats(self.thresholds),
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self._params(), "trained": self.trained, "version": self.version}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Head:
        if data.get("format") != FORMAT:
            raise HeadError(f"head format {data.get('format')!r} is not {FORMAT}")
        if list(data.get("features", [])) != list(FEATURE_NAMES):
            raise HeadError(f"head features {data.get('features')!r} are not {FEATURE_NAMES}")
        try:
            head = cls(
                model_id=str(data["model_id"]),
                narratives=tuple(data["narratives"]),
                mean=np.asarray(data["mean"], dtype=np.float64),
                std=np.asarray(data["std"], dtype=np.float64),
                weights=np.asarray(data["weights"], dtype=np.float64),
                bias=float(data["bias"]),
                thresholds=np.asarray(data["thresholds"], dtype=np.float64),
                trained=dict(data.get("trained", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise HeadError(f"head is incomplete: {exc}") from None
        if head.thresholds.shape != (len(head.narratives),):
            raise HeadError("head has one threshold per narrative")
        return head


def rescale(model: Floats, thresholds: Floats, taxonomy_thresholds: Floats) -> Floats:
    """Model scores mapped piecewise-linearly so that a head's threshold lands on the
    taxonomy's: stored scores then pass `score >= narratives.threshold` (what the
    convergence SQL applies) exactly when the head decided to tag."""
    t, tau = thresholds, taxonomy_thresholds
    low = model / t * tau
    high = tau + (model - t) / np.maximum(1 - t, 1e-9) * (1 - tau)
    return np.clip(np.where(model < t, low, high), 0.0, 1.0)


def floats(values: Floats) -> list[float]:
    return [round(float(v), 6) for v in values]


def sigmoid(z: Floats) -> Floats:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_logistic(x: Floats, y: Floats, l2: float, steps: int = 30) -> tuple[Floats, float]:
    """Weights and bias of an L2-penalised logistic regression (bias not penalised)."""
    n, f = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(f + 1)
    penalty = np.full(f + 1, l2)
    penalty[-1] = 1e-6
    for _ in range(steps):
        p = sigmoid(design @ theta)
        gradient = design.T @ (p - y) + penalty * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def best_threshold(scores: Floats, truth: Floats, default: float,
                   grid: Sequence[float] = THRESHOLD_GRID) -> float:
    """The middle of the grid thresholds that reach the best F1 on these (out-of-fold)
    scores: the plateau's middle is less fragile than either edge on small data."""
    if truth.sum() < MIN_POSITIVES:
        return default
    f1s = []
    for threshold in grid:
        predicted = scores >= threshold
        tp = float((predicted & (truth == 1)).sum())
        fp = float((predicted & (truth == 0)).sum())
        fn = float((~predicted & (truth == 1)).sum())
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    best = max(f1s)
    if best == 0.0:
        return default
    plateau = [t for t, f1 in zip(grid, f1s, strict=True) if f1 >= best - 1e-9]
    return plateau[len(plateau) // 2]


def _calibrate(features: Floats, labels: Floats, usable: Bools, rows: npt.NDArray[np.int64],
               l2: float) -> tuple[Floats, Floats, Floats, float]:
    """Pooled fit over every (post, narrative) with a known label the model may speak on."""
    mask = usable[rows]
    x = features[rows][mask]
    y = labels[rows][mask]
    if len(y) == 0 or y.min() == y.max():
        raise HeadError("the labels need both promoted and not-promoted examples")
    mean = x.mean(axis=0)
    std = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    weights, bias = fit_logistic((x - mean) / std, y, l2)
    return mean, std, weights, bias


def fit_head(
    model_id: str,
    narratives: Sequence[str],
    features: Floats,
    labels: Floats,
    vetoed: Bools,
    defaults: Sequence[float],
    *,
    l2: float = 1.0,
    folds: int = 5,
    seed: int = 0,
) -> Head:
    """features (posts, narratives, 2); labels (posts, narratives) with NaN where unknown
    (an analyst who confirmed one narrative said nothing about the others); vetoed: where
    the model may not speak (reported or debunked posts). Thresholds are chosen from
    out-of-fold scores, never from rows the calibration was fitted on."""
    posts, k = labels.shape
    known = ~np.isnan(labels)
    usable = known & ~vetoed
    filled = np.nan_to_num(labels, nan=0.0)
    all_rows = np.arange(posts)
    mean, std, weights, bias = _calibrate(features, filled, usable, all_rows, l2)
    fold_of = np.random.default_rng(seed).permutation(posts) % max(2, min(folds, posts))
    out_of_fold = np.zeros((posts, k))
    for fold in np.unique(fold_of):
        train, test = all_rows[fold_of != fold], all_rows[fold_of == fold]
        try:
            m, s, w, b = _calibrate(features, filled, usable, train, l2)
        except HeadError:
            m, s, w, b = mean, std, weights, bias
        model = sigmoid(((features[test] - m) / s) @ w + b)
        out_of_fold[test] = np.where(vetoed[test], 0.0, model)
    thresholds = np.asarray(defaults, dtype=np.float64).copy()
    support: dict[str, dict[str, int]] = {}
    for j, key in enumerate(narratives):
        rows = known[:, j]
        truth = labels[rows, j]
        support[key] = {"positives": int(truth.sum()), "negatives": int((truth == 0).sum())}
        thresholds[j] = best_threshold(out_of_fold[rows, j], truth, float(defaults[j]))
    return Head(model_id, tuple(narratives), mean, std, weights, bias, thresholds,
                {"posts": posts, "l2": l2, "folds": folds, "support": support})
