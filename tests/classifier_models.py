"""Tiny randomly initialised Hugging Face models for fast classifier plumbing tests.

Their vocabulary holds the English words of the taxonomy, so the coverage probe finds
that they read English and shreds Arabic script, like the real MiniLM; their weights are
random, so their similarities mean nothing (tests must not rely on them).
"""

from __future__ import annotations

import re
from pathlib import Path

from classifiers.taxonomy import load_taxonomy

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _english_words() -> list[str]:
    words: set[str] = set()
    for narrative in load_taxonomy():
        for text in (narrative.descriptions["en"], narrative.names["en"],
                     *narrative.examples["en"]):
            words.update(re.findall(r"[a-z]+", text.lower()))
    return sorted(words)


def tiny_model_path(base: Path, *, nli: bool = False) -> Path:
    """One tiny model per test session, shared by the modules that need it."""
    path = base / ("tiny-nli" if nli else "tiny-bert")
    if not (path / "config.json").exists():
        make_tiny_model(path, nli=nli)
    return path


def make_tiny_model(path: Path, *, nli: bool = False, seed: int = 0) -> Path:
    import torch

    # transformers 5 keeps BertTokenizerFast as a lazy alias of BertTokenizer its typed
    # __init__ does not list; the name also works on 4.x, where BertTokenizer is the slow one.
    from transformers import BertConfig, BertForSequenceClassification, BertModel, BertTokenizerFast  # type: ignore[attr-defined]

    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    vocab = SPECIAL + letters + [f"##{c}" for c in letters] + [
        w for w in _english_words() if len(w) > 1
    ] + list(".,:;!?'\"-()")
    path.mkdir(parents=True, exist_ok=True)
    ids = {token: i for i, token in enumerate(dict.fromkeys(vocab))}
    tokenizer = BertTokenizerFast(vocab=ids, do_lower_case=True)
    tokenizer.save_pretrained(str(path))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=256,
    )
    torch.manual_seed(seed)
    if nli:
        config.num_labels = 3
        config.id2label = {0: "entailment", 1: "neutral", 2: "contradiction"}
        config.label2id = {v: k for k, v in config.id2label.items()}
        model: torch.nn.Module = BertForSequenceClassification(config)
    else:
        model = BertModel(config)
    model.save_pretrained(str(path))  # type: ignore[operator]
    return path
