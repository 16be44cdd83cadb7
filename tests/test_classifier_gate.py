"""The claim head's any-narrative gate with a hidden layer (classifiers/gate_mlp.py): it
learns a gate no hyperplane can draw, survives a round trip through JSON, and heads with
the older linear gate still load."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers.claim_head import ClaimHead, fit_claim_head
from classifiers.gate_mlp import fit_mlp_gate
from classifiers.head import HeadError

KEYS = ("a", "b")


def _posts(n: int = 240) -> tuple[np.ndarray, np.ndarray]:
    """Two embedding axes; a post asserts "a" when both are positive or both negative
    (the same topic axis read both ways by stance: XOR, which no linear gate separates)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 2))
    asserts = (x[:, 0] * x[:, 1]) > 0
    labels = np.stack([asserts, np.zeros(n, dtype=bool)], axis=1).astype(np.float64)
    cue_columns = np.zeros((n, 2 * len(KEYS) + 3))
    return np.hstack([x, cue_columns]), labels


def test_the_hidden_layer_learns_what_a_linear_gate_cannot() -> None:
    features, labels = _posts()
    z = features / features.std(axis=0).clip(1e-9)
    gate = fit_mlp_gate(z, labels.max(axis=1), epochs=600)
    predicted = gate.logits(z) > 0
    assert (predicted == (labels[:, 0] == 1)).mean() >= 0.85


def test_a_head_with_a_hidden_gate_round_trips_and_a_half_layer_is_refused() -> None:
    features, labels = _posts()
    head = fit_claim_head("m@1", KEYS, features, 2, labels, np.zeros_like(labels, dtype=bool),
                          [0.5, 0.5], ["en"] * len(labels))
    assert head.gate_hidden_weights is not None and head.trained["gate"] == "mlp"
    again = ClaimHead.from_dict(head.to_dict())
    assert again.version == head.version
    np.testing.assert_allclose(again.scores(features), head.scores(features), atol=1e-5)
    broken = head.to_dict()
    del broken["gate_hidden_biases"]
    with pytest.raises(HeadError, match="half a hidden gate layer"):
        ClaimHead.from_dict(broken)


def test_a_head_with_the_linear_gate_still_loads() -> None:
    features, labels = _posts(60)
    head = fit_claim_head("m@1", KEYS, features, 2, labels, np.zeros_like(labels, dtype=bool),
                          [0.5, 0.5], ["en"] * len(labels), gate="linear")
    data = head.to_dict()
    assert "gate_hidden_weights" not in data
    assert ClaimHead.from_dict(data).version == head.version
