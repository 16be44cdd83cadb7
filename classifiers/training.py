"""Fitting a head from labelled posts: the dev split, analyst labels, or both.

Labels may be partial: an analyst who confirmed "sedition" on a post said nothing about
"third_party", so each narrative's regression learns only from posts labelled for it.
Only posts in a language the model reads train the head (the others are tagged by the
cue layer, which has nothing to fit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from classifiers.features import feature_names
from classifiers.head import Head, fit_head
from classifiers.normalise import detect_language
from classifiers.tagger import Tagger

DEFAULT_L2 = 1.0


@dataclass(frozen=True)
class LabelledPost:
    text: str
    lang: str | None
    labels: Mapping[str, bool]  # narrative -> promoted or not; absent means unknown


class NotEnoughLabels(Exception):
    """Too few labelled posts in a language the model reads to fit a head."""


def label_matrix(posts: Sequence[LabelledPost], keys: Sequence[str]) -> np.ndarray:  # type: ignore[type-arg]
    out = np.full((len(posts), len(keys)), np.nan)
    for i, post in enumerate(posts):
        for j, key in enumerate(keys):
            if key in post.labels:
                out[i, j] = 1.0 if post.labels[key] else 0.0
    return out


def trainable(tagger: Tagger, posts: Sequence[LabelledPost]) -> list[LabelledPost]:
    return [p for p in posts if (p.lang or detect_language(p.text)) in tagger.languages]


def train_head(
    tagger: Tagger, posts: Sequence[LabelledPost], *, l2: float = DEFAULT_L2,
    min_posts: int = 10,
) -> Head:
    """A head for the tagger's model, fitted on the posts it can read."""
    usable = trainable(tagger, posts)
    if len(usable) < min_posts:
        raise NotEnoughLabels(
            f"only {len(usable)} labelled posts in {', '.join(sorted(tagger.languages))}; "
            f"need at least {min_posts}"
        )
    if tagger.encoder is None:
        raise NotEnoughLabels("this tagger has no sentence encoder to train a head for")
    features, _ = tagger.head_inputs([p.text for p in usable])
    labels = label_matrix(usable, tagger.keys)
    defaults = [n.threshold for n in tagger.taxonomy]
    head = fit_head(tagger.encoder.model_id, tagger.keys, feature_names(tagger.keys),
                    features, labels, defaults, l2=l2)
    head.trained["languages"] = sorted({p.lang or detect_language(p.text) for p in usable})
    return head
