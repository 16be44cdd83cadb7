"""Fitting a head from labelled posts: the dev split, analyst labels, or both.

Labels may be partial: an analyst who confirmed "sedition" on a post said nothing about
"third_party", so each narrative's regression learns only from posts labelled for it.
Only posts in a language the model reads train the head (the others are tagged by the
cue layer, which has nothing to fit).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from classifiers import claim_head
from classifiers.claim_head import fit_claim_head
from classifiers.evaluation import GoldPost
from classifiers.features import cue_features, vetoes
from classifiers.head import fit_head
from classifiers.loading import AnyHead
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


def label_matrix(posts: Sequence[LabelledPost], keys: Sequence[str]) -> npt.NDArray[np.float64]:
    out = np.full((len(posts), len(keys)), np.nan)
    for i, post in enumerate(posts):
        for j, key in enumerate(keys):
            if key in post.labels:
                out[i, j] = 1.0 if post.labels[key] else 0.0
    return out


def trainable(tagger: Tagger, posts: Sequence[LabelledPost]) -> list[LabelledPost]:
    return [p for p in posts if (p.lang or detect_language(p.text)) in tagger.languages]


def train_head(
    tagger: Tagger, posts: Sequence[LabelledPost], *, kind: str = "claim",
    l2: float | None = None, min_posts: int = 10,
) -> AnyHead:
    """A head for the tagger's model, fitted on the posts it can read. kind "claim": the
    claim head (claim_head.py, the default); "prototype": the similarity calibration
    MiniLM's shipped head is."""
    usable = trainable(tagger, posts)
    if len(usable) < min_posts:
        raise NotEnoughLabels(
            f"only {len(usable)} labelled posts in {', '.join(sorted(tagger.languages))}; "
            f"need at least {min_posts}"
        )
    if tagger.encoder is None:
        raise NotEnoughLabels("this tagger has no sentence encoder to train a head for")
    similarity, claim, analyses = tagger.head_inputs([p.text for p in usable])
    labels = label_matrix(usable, tagger.keys)
    defaults = [n.threshold for n in tagger.taxonomy]
    vetoed = vetoes(analyses, tagger.keys)
    langs = [p.lang or detect_language(p.text) for p in usable]
    head: AnyHead
    if kind == "prototype":
        head = fit_head(tagger.encoder.model_id, tagger.keys, similarity, labels, vetoed,
                        defaults, l2=DEFAULT_L2 if l2 is None else l2)
    elif kind == "claim":
        width = claim.shape[1] - cue_features([], tagger.keys).shape[1]
        head = fit_claim_head(tagger.encoder.model_id, tagger.keys, claim, width, labels,
                              vetoed, defaults, langs,
                              l2=claim_head.DEFAULT_L2 if l2 is None else l2)
    else:
        raise ValueError(f"unknown head kind {kind!r}")
    head.trained["languages"] = sorted(set(langs))
    return head


def from_gold(posts: Sequence[GoldPost], keys: Sequence[str]) -> list[LabelledPost]:
    """Gold posts carry full labels: every narrative not listed is a negative."""
    return [LabelledPost(g.text, g.lang, {k: k in g.labels for k in keys}) for g in posts]


def main(argv: Sequence[str] | None = None) -> None:
    """Build the head shipped for a model from gold files (the dev split, never test):
    python -m classifiers.training tests/data/narratives_dev.jsonl [--model PATH]"""
    import argparse

    from classifiers.evaluation import read_gold
    from classifiers.loading import packaged_head_path
    from classifiers.tagger import load_tagger

    parser = argparse.ArgumentParser(prog="python -m classifiers.training")
    parser.add_argument("gold", nargs="+", type=Path)
    parser.add_argument("--model", default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--kind", choices=("claim", "prototype"), default="claim")
    args = parser.parse_args(argv)
    tagger = load_tagger(args.model, languages=None)
    posts: list[LabelledPost] = []
    for path in args.gold:
        gold, problems = read_gold(path, tagger.keys)
        for problem in problems:
            print(f"skipped {problem.location}: {problem.reason}", file=sys.stderr)
        posts.extend(from_gold(gold, tagger.keys))
    head = train_head(tagger, posts, kind=args.kind)
    head.trained["source"] = [p.as_posix() for p in args.gold]  # as given: dev files only
    if tagger.encoder is None:
        raise SystemExit("no encoder")
    out = args.out or packaged_head_path(tagger.encoder.info)
    out.write_text(head.to_json(), encoding="utf-8")
    print(f"wrote {out} (head {head.version}, thresholds {head.thresholds.tolist()})")


if __name__ == "__main__":
    main()
