"""The light head: one logistic regression per narrative over a handful of features, with
a decision threshold per narrative tuned on out-of-fold predictions.

Plain numpy (Newton's method on an L2-penalised log-likelihood): the feature count is
small, so this converges in a few steps and needs no extra dependency.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]
Vector = npt.NDArray[np.float64]
FORMAT = 1
THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.15, 0.86, 0.05))
MIN_POSITIVES = 3  # fewer than this and a narrative keeps its taxonomy threshold


class HeadError(Exception):
    """A stored head cannot be used (wrong format, wrong model, wrong taxonomy)."""


@dataclass
class Head:
    model_id: str
    narratives: tuple[str, ...]
    feature_names: tuple[str, ...]
    mean: Matrix  # (narratives, features)
    std: Matrix
    weights: Matrix
    bias: Vector
    thresholds: Vector
    trained: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        blob = json.dumps(self._params(), sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:8]

    def probabilities(self, features: npt.NDArray[np.float64]) -> Matrix:
        """features: (posts, narratives, features) -> (posts, narratives)."""
        z = ((features - self.mean) / self.std * self.weights).sum(axis=2) + self.bias
        return _sigmoid(z)

    def _params(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "model_id": self.model_id, "narratives": list(self.narratives),
            "feature_names": list(self.feature_names), "mean": self.mean.tolist(),
            "std": self.std.tolist(), "weights": self.weights.tolist(),
            "bias": self.bias.tolist(), "thresholds": self.thresholds.tolist(),
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self._params(), "trained": self.trained, "version": self.version}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Head:
        if data.get("format") != FORMAT:
            raise HeadError(f"head format {data.get('format')!r} is not {FORMAT}")
        try:
            return cls(
                model_id=str(data["model_id"]),
                narratives=tuple(data["narratives"]),
                feature_names=tuple(data["feature_names"]),
                mean=np.asarray(data["mean"], dtype=np.float64),
                std=np.asarray(data["std"], dtype=np.float64),
                weights=np.asarray(data["weights"], dtype=np.float64),
                bias=np.asarray(data["bias"], dtype=np.float64),
                thresholds=np.asarray(data["thresholds"], dtype=np.float64),
                trained=dict(data.get("trained", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise HeadError(f"head is incomplete: {exc}") from None


def _sigmoid(z: npt.NDArray[np.float64]) -> Matrix:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_logistic(x: Matrix, y: Vector, l2: float, steps: int = 30) -> tuple[Vector, float]:
    """Weights and bias of an L2-penalised logistic regression (bias not penalised)."""
    n, f = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(f + 1)
    penalty = np.full(f + 1, l2)
    penalty[-1] = 1e-6
    for _ in range(steps):
        p = _sigmoid(design @ theta)
        gradient = design.T @ (p - y) + penalty * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def best_threshold(scores: Vector, truth: Vector, default: float) -> float:
    """The grid threshold with the best F1 on these (out-of-fold) scores; ties go higher."""
    if truth.sum() < MIN_POSITIVES:
        return default
    best, best_f1 = default, -1.0
    for threshold in THRESHOLD_GRID:
        predicted = scores >= threshold
        tp = float((predicted & (truth == 1)).sum())
        fp = float((predicted & (truth == 0)).sum())
        fn = float((~predicted & (truth == 1)).sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 >= best_f1:
            best, best_f1 = threshold, f1
    return best


def fit_head(
    model_id: str,
    narratives: Sequence[str],
    feature_names: Sequence[str],
    features: npt.NDArray[np.float64],
    labels: npt.NDArray[np.float64],
    defaults: Sequence[float],
    *,
    l2: float = 1.0,
    folds: int = 5,
    seed: int = 0,
) -> Head:
    """Fit one regression per narrative on the rows whose label is known (labels may be
    NaN: an analyst who confirmed one narrative said nothing about the others), then pick
    each threshold from out-of-fold probabilities so the threshold is not tuned on the
    very rows the weights were fitted to."""
    posts, k, f = features.shape
    mean = np.zeros((k, f))
    std = np.ones((k, f))
    weights = np.zeros((k, f))
    bias = np.zeros(k)
    thresholds = np.asarray(defaults, dtype=np.float64).copy()
    rng = np.random.default_rng(seed)
    support: dict[str, dict[str, int]] = {}
    for j in range(k):
        known = ~np.isnan(labels[:, j])
        x, y = features[known, j, :], labels[known, j]
        support[narratives[j]] = {"positives": int(y.sum()), "negatives": int((y == 0).sum())}
        if y.sum() < 1 or (y == 0).sum() < 1:
            bias[j] = -30.0 if y.sum() < 1 else 30.0
            continue
        mean[j] = x.mean(axis=0)
        std[j] = np.where(x.std(axis=0) > 1e-6, x.std(axis=0), 1.0)
        xs = (x - mean[j]) / std[j]
        weights[j], bias[j] = fit_logistic(xs, y, l2)
        fold_of = rng.permutation(len(y)) % max(2, min(folds, len(y)))
        out_of_fold = np.zeros(len(y))
        for fold in np.unique(fold_of):
            train, test = fold_of != fold, fold_of == fold
            if y[train].sum() < 1 or (y[train] == 0).sum() < 1:
                out_of_fold[test] = 0.5
                continue
            w, b = fit_logistic(xs[train], y[train], l2)
            out_of_fold[test] = _sigmoid(xs[test] @ w + b)
        thresholds[j] = best_threshold(out_of_fold, y, float(defaults[j]))
    return Head(model_id, tuple(narratives), tuple(feature_names), mean, std, weights, bias,
                thresholds, {"posts": posts, "l2": l2, "folds": folds, "support": support})
