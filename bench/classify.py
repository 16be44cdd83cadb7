"""Classifier throughput and quality, side by side with plain SentenceTransformer.encode.

    .venv/bin/python bench/classify.py [--posts 5000] [--rounds 2]

Builds 5,000 realistic posts (English, Arabic, Persian; single posts, long multi-part
posts, hashtags, links; 30% repeats as forwards and retweets do), then, alternating
in fresh processes so that no variant warms another's caches:

  plain          SentenceTransformer(all-MiniLM-L6-v2).encode(texts) on every text;
  project        load_tagger().tag(texts, langs), the shipped path: dedupe by normalised
                 text, cue layer, transformer only for languages the model reads,
                 length-sorted batches, 128-token limit, ONNX Runtime int8, threads = cores;
  project-torch  the same on torch fp32 (what ONNX Runtime is measured against).

and the same three on the English posts alone (…-en), where the transformer does all
its work, so the gain from skipping unreadable Arabic script is shown apart.

Each worker also tags the dev split (tests/data/narratives_dev.jsonl) with its
embeddings and reports macro-F1 there, and its own peak RSS. Machines are noisy: ratios
are medians over rounds of the per-round ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TypedDict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data"

PREFIXES = {
    "en": ["", "", "BREAKING: ", "Statement: ", "Watch: "],
    "ar": ["", "", "عاجل | ", "بيان: ", "شاهد: "],
    "fa": ["", "", "فوری: ", "بیانیه: ", "ببینید: "],
}
TAGS = {
    "en": ["#Iraq", "#Baghdad", "#GreenZone", "#Kadhimi", "#Hashd"],
    "ar": ["#العراق", "#بغداد", "#المنطقة_الخضراء", "#الحشد_الشعبي", "#الكاظمي"],
    "fa": ["#عراق", "#بغداد", "#منطقه_سبز", "#حشد_الشعبی", "#الکاظمی"],
}


def _gold() -> list[dict[str, Any]]:
    rows = []
    for split in ("dev", "test"):
        path = DATA / f"narratives_{split}.jsonl"
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return rows


def make_corpus(n: int, duplicate_share: float, seed: int = 7) -> list[tuple[str, str]]:
    """(text, lang) pairs: unique posts built from the gold texts, then repeats."""
    rng = random.Random(seed)
    by_lang: dict[str, list[str]] = {}
    for row in _gold():
        by_lang.setdefault(row["lang"], []).append(row["text"])
    langs = list(by_lang)
    unique: dict[str, str] = {}
    target = int(n * (1 - duplicate_share))
    while len(unique) < target:
        lang = rng.choice(langs)
        parts = rng.sample(by_lang[lang], k=rng.choice([1, 1, 1, 2, 3, 5]))
        text = rng.choice(PREFIXES[lang]) + " ".join(parts)
        if rng.random() < 0.5:
            text += " " + " ".join(rng.sample(TAGS[lang], k=rng.randint(1, 3)))
        if rng.random() < 0.3:
            text += f" https://t.me/channel{rng.randint(1, 99)}/{rng.randint(1000, 99999)}"
        unique.setdefault(text, lang)
    posts = list(unique.items())
    repeats = [rng.choice(posts) for _ in range(n - len(posts))]
    # a forward is the same text; a retweet may add a different link (same normalised text)
    repeats = [
        (t + f" https://x.com/i/status/{rng.randint(10**9, 10**10)}", lang)
        if rng.random() < 0.3 else (t, lang)
        for t, lang in repeats
    ]
    corpus = posts + repeats
    rng.shuffle(corpus)
    return corpus


def _dev_macro_f1(tagger: Any) -> float:
    from classifiers.evaluation import evaluate, read_gold

    gold, _ = read_gold(DATA / "narratives_dev.jsonl", tagger.keys)
    results = tagger.tag([g.text for g in gold], [g.lang for g in gold])
    report = evaluate(gold, [{r.narrative for r in rs} for rs in results], tagger.keys,
                      samples=100)
    return float(report["macro"]["f1"])


class WorkerResult(TypedDict):
    """One variant's run, printed by the worker process as a JSON line."""

    variant: str
    backend: str
    posts: int
    seconds: float
    posts_per_second: float
    dev_macro_f1: float
    peak_rss_mb: float
    distinct_normalised: int


class PlainEncoder:
    """SentenceTransformer behind the Encoder interface, so the same head scores it."""

    def __init__(self, model: Any, info: Any) -> None:
        self.model, self.info = model, info
        self.model_id = info.model_id

    def encode(self, texts: list[str], batch_size: int = 32) -> Any:
        return self.model.encode(list(texts), batch_size=32, normalize_embeddings=True)


def worker(variant: str, corpus_file: Path) -> WorkerResult:
    corpus = [json.loads(line) for line in corpus_file.read_text(encoding="utf-8").splitlines()]
    if variant.endswith("-en"):
        corpus = [c for c in corpus if c["lang"] == "en"]
        variant = variant[:-3]
    texts = [c["text"] for c in corpus]
    langs = [c["lang"] for c in corpus]
    from classifiers.tagger import Tagger, load_tagger

    tagger = load_tagger(backend="torch" if variant in ("plain", "project-torch") else "auto")
    if variant == "plain":
        from sentence_transformers import SentenceTransformer

        from classifiers.encoder import default_model_path

        model = SentenceTransformer(str(default_model_path()), device="cpu")
        model.encode(texts[:32])  # warm-up, as the project variant's load did
        started = time.perf_counter()
        model.encode(texts, batch_size=32, normalize_embeddings=True)
        seconds = time.perf_counter() - started
        plain = PlainEncoder(model, tagger.encoder.info)  # type: ignore[union-attr]
        scorer = Tagger(tagger.taxonomy, tagger.cues, plain, tagger.head,  # type: ignore[arg-type]
                        tagger.languages, tagger.model_version)
    else:
        tagger.tag(texts[:32], langs[:32])  # warm-up
        tagger._cache.clear()
        started = time.perf_counter()
        results = tagger.tag(texts, langs)
        seconds = time.perf_counter() - started
        assert len(results) == len(texts)
        tagger._cache.clear()
        scorer = tagger
    return {
        "variant": variant, "backend": tagger.encoder.backend,  # type: ignore[union-attr]
        "posts": len(texts), "seconds": seconds,
        "posts_per_second": len(texts) / seconds, "dev_macro_f1": _dev_macro_f1(scorer),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "distinct_normalised": _distinct(texts),
    }


def _distinct(texts: list[str]) -> int:
    from classifiers.normalise import normalise_for_matching

    return len({normalise_for_matching(t) for t in texts})


VARIANTS = ("plain", "project", "project-torch")


def _run(variant: str, corpus_file: Path) -> WorkerResult:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, __file__, "--worker", variant, str(corpus_file)],
        capture_output=True, text=True, check=True, env=env,
    )
    result: WorkerResult = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _ratio(rounds: list[dict[str, WorkerResult]], variant: str, baseline: str) -> float:
    return statistics.median(r[variant]["posts_per_second"] / r[baseline]["posts_per_second"]
                             for r in rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--duplicates", type=float, default=0.3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--worker", nargs=2, metavar=("VARIANT", "CORPUS"))
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return
    corpus = make_corpus(args.posts, args.duplicates)
    langs: dict[str, int] = {}
    for _, lang in corpus:
        langs[lang] = langs.get(lang, 0) + 1
    with tempfile.TemporaryDirectory() as tmp:
        corpus_file = Path(tmp) / "corpus.jsonl"
        corpus_file.write_text("".join(json.dumps({"text": t, "lang": lang}, ensure_ascii=False)
                                       + "\n" for t, lang in corpus), encoding="utf-8")
        variants = [*VARIANTS, *(f"{v}-en" for v in VARIANTS)]
        rounds = [{v: _run(v, corpus_file) for v in variants} for _ in range(args.rounds)]
    distinct = rounds[0]["project"]["distinct_normalised"]
    print(f"corpus: {len(corpus)} posts, {len({t for t, _ in corpus})} distinct texts, "
          f"{distinct} distinct normalised; languages {langs}")
    for i, r in enumerate(rounds, 1):
        print(f"round {i}: " + ", ".join(
            f"{v} {r[v]['posts_per_second']:.1f}/s" for v in variants))
    last = rounds[-1]
    for suffix, label in (("", "all 5,000 posts"), ("-en", "English posts only")):
        plain, project, torch_path = (f"{v}{suffix}" for v in VARIANTS)
        print(f"\n{label} ({last[project]['posts']} posts):")
        print(f"  project vs plain encode:       {_ratio(rounds, project, plain):.2f}x")
        print(f"  project-torch vs plain encode: {_ratio(rounds, torch_path, plain):.2f}x")
        print(f"  ONNX int8 vs torch (project):  {_ratio(rounds, project, torch_path):.2f}x")
    print("\ndev split (tests/data/narratives_dev.jsonl), each variant's embeddings, same head:")
    for v in VARIANTS:
        print(f"  {v:14s} macro-F1 {last[v]['dev_macro_f1']:.4f}   "
              f"peak RSS {max(r[v]['peak_rss_mb'] for r in rounds):.0f} MB "
              f"({last[v]['backend']})")
    loss = last["plain"]["dev_macro_f1"] - last["project"]["dev_macro_f1"]
    print(f"macro-F1 loss of the project path vs plain embeddings: {loss * 100:+.2f} points")


if __name__ == "__main__":
    main()
