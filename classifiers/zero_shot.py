"""Zero-shot tagging when the configured model is an NLI cross-encoder: the probability
that the post entails "the author asserts <narrative description>"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from classifiers.taxonomy import Taxonomy

if TYPE_CHECKING:
    from classifiers.encoder import Encoder


class ZeroShot:
    def __init__(self, encoder: Encoder, taxonomy: Taxonomy) -> None:
        self.encoder = encoder
        # English hypotheses: NLI models (multilingual ones included) are strongest there.
        self.hypotheses = tuple(
            "The author asserts that " + n.descriptions["en"][0].lower()
            + n.descriptions["en"][1:]
            for n in taxonomy
        )

    def scores(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        k = len(self.hypotheses)
        premises = [t for t in texts for _ in range(k)]
        hypotheses = [h for _ in texts for h in self.hypotheses]
        probs = self.encoder.entailment(premises, hypotheses)
        return probs.reshape(len(texts), k).astype(np.float64)
