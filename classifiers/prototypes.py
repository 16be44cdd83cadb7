"""Narrative prototypes: the taxonomy's descriptions and example phrasings, embedded once.

A post's similarity to a narrative is its best cosine similarity to any of that
narrative's prototypes, in the languages the model can read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from classifiers.taxonomy import Taxonomy

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class PrototypeMatch:
    similarities: Matrix  # (posts, narratives): best similarity per narrative
    best: npt.NDArray[np.int64]  # (posts, narratives): index into Prototypes.texts


class Prototypes:
    def __init__(self, taxonomy: Taxonomy, embed: Callable[[list[str]], Matrix],
                 languages: Iterable[str]) -> None:
        """`embed` turns texts into L2-normalised rows (the encoder's encode)."""
        langs = [lang for lang in ("en", "ar", "fa") if lang in set(languages)]
        self.keys = taxonomy.keys
        texts: list[str] = []
        owners: list[int] = []
        for index, narrative in enumerate(taxonomy):
            for lang in langs:
                for text in (narrative.descriptions[lang], *narrative.examples[lang]):
                    texts.append(text)
                    owners.append(index)
        self.texts = tuple(texts)
        self.owners = np.asarray(owners, dtype=np.int64)
        self.matrix: Matrix = embed(list(texts)) if texts else np.zeros((0, 0), np.float32)

    def match(self, embeddings: Matrix) -> PrototypeMatch:
        n, k = embeddings.shape[0], len(self.keys)
        sims = np.full((n, k), -1.0, dtype=np.float32)
        best = np.zeros((n, k), dtype=np.int64)
        if n == 0 or len(self.texts) == 0:
            return PrototypeMatch(sims, best)
        all_sims = embeddings @ self.matrix.T  # (n, prototypes)
        for narrative in range(k):
            columns = np.flatnonzero(self.owners == narrative)
            block = all_sims[:, columns]
            arg = block.argmax(axis=1)
            sims[:, narrative] = block[np.arange(n), arg]
            best[:, narrative] = columns[arg]
        return PrototypeMatch(sims, best)
