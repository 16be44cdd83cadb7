"""What the head sees, and when it is not allowed to speak.

For each (post, narrative): the post's best similarity to the narrative's prototypes and
its margin over the best other narrative (so near neighbours such as false_flag and
third_party are told apart). The similarity is vetoed when the post reports, quotes or
debunks rather than asserts: a cue of that narrative was guarded, or the post carries
words of someone else in its first sentence ("X said that ..."), lists who said what, or
carries debunking markers, and no cue of the narrative is asserted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from classifiers.cue_layer import CueAnalysis

FEATURE_NAMES = ("similarity", "margin")
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def similarity_features(similarities: npt.NDArray[np.float32]) -> Floats:
    """(posts, narratives) similarities -> (posts, narratives, 2) features."""
    sims = similarities.astype(np.float64)
    n, k = sims.shape
    if k < 2:
        return np.stack([sims, np.zeros_like(sims)], axis=2)
    order = np.sort(sims, axis=1)
    best, second = order[:, -1:], order[:, -2:-1]
    best_other = np.where(sims >= best, second, best)  # for the top narrative: the runner-up
    return np.stack([sims, sims - best_other], axis=2)


def cue_features(analyses: Sequence[CueAnalysis], keys: Sequence[str]) -> Floats:
    """What the claim head reads of the cue layer, per post: the asserted cue's strength
    and whether a cue was guarded (reported, quoted, debunked, negated), per narrative,
    then whether the post reports, debunks or negates anywhere (2 * narratives + 3)."""
    rows = [
        [a.asserted_strength(k) for k in keys]
        + [float(a.guarded_count(k) > 0) for k in keys]
        + [float(a.reporting), float(a.debunking), float(a.negation)]
        for a in analyses
    ]
    return np.asarray(rows, dtype=np.float64).reshape(len(analyses), 2 * len(keys) + 3)


def cue_strengths(analyses: Sequence[CueAnalysis], keys: Sequence[str]) -> Floats:
    return np.asarray([[a.asserted_strength(k) for k in keys] for a in analyses],
                      dtype=np.float64).reshape(len(analyses), len(keys))


def vetoes(analyses: Sequence[CueAnalysis], keys: Sequence[str]) -> Bools:
    out = np.zeros((len(analyses), len(keys)), dtype=bool)
    for i, a in enumerate(analyses):
        distanced = a.attributed or a.debunking
        for j, key in enumerate(keys):
            if key not in a.asserted and (distanced or a.guarded_count(key) > 0):
                out[i, j] = True
    return out
