"""The bundled replay corpus of the Oct–Nov 2021 episode.

A RECONSTRUCTION written for demonstration, not real posts: see README.md here.
"""

from __future__ import annotations

from importlib.abc import Traversable

from seeds import seed_file


def corpus_file() -> Traversable:
    """seeds/replay/corpus.jsonl: one post per line in the authoring format."""
    return seed_file("replay/corpus.jsonl")
