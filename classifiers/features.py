"""What the head sees for each (post, narrative): prototype similarities to every narrative
(so it can tell neighbours apart), the narrative's own cue evidence and the post's stance
markers (so reported or debunked text does not score like an assertion)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from classifiers.cue_layer import CueAnalysis

POST_FLAGS = ("reporting", "debunking", "negation")


def feature_names(keys: Sequence[str]) -> tuple[str, ...]:
    return (*(f"sim:{key}" for key in keys), "cue_asserted", "cue_guarded", *POST_FLAGS)


def head_features(
    similarities: npt.NDArray[np.float32],
    analyses: Sequence[CueAnalysis],
    keys: Sequence[str],
) -> npt.NDArray[np.float64]:
    """(posts, narratives, features) for posts whose similarities are known."""
    n, k = len(analyses), len(keys)
    out = np.zeros((n, k, k + 2 + len(POST_FLAGS)), dtype=np.float64)
    out[:, :, :k] = similarities[:, None, :]
    for i, analysis in enumerate(analyses):
        flags = (analysis.reporting, analysis.debunking, analysis.negation)
        for j, key in enumerate(keys):
            out[i, j, k] = analysis.asserted_strength(key)
            out[i, j, k + 1] = 1.0 if analysis.guarded_count(key) else 0.0
            out[i, j, k + 2:] = flags
    return out
