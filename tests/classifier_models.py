"""Tiny randomly initialised Hugging Face models for fast classifier plumbing tests.

Their vocabulary holds the English words of the taxonomy, so the coverage probe finds
that they read English and shreds Arabic script, like the real MiniLM; their weights are
random, so their similarities mean nothing (tests must not rely on them).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from classifiers.taxonomy import Taxonomy, load_taxonomy

# The cue phrases the classifier's plumbing tests are written with. Many were taken out of
# the shipped cues because the blind test split or the demo corpus holds them
# (test_classifier_leaks), so the plumbing tests add them back to a copy: they test the
# matching, the stance guards and the tagger around them, not the shipped list.
MACHINERY_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "false_flag": {"en": ("false flag", "false-flag", "blame the resistance",
                          "pin the blame on the resistance"),
                   "ar": ("علم كاذب",), "fa": ("پرچم دروغین",)},
    "third_party": {"en": ("third party",), "ar": ("طرف ثالث",), "fa": ("طرف سوم", "طرف سومی")},
    "sedition": {"en": ("sedition",), "ar": ("فتنة", "مشروع فتنة"), "fa": ("فتنه", "پروژه فتنه")},
    "staged_incident": {"en": ("playing the victim",), "ar": ("يلعب دور الضحية",)},
    "election_fraud": {"fa": ("تقلب ... انتخابات",)},
}


def with_cues(taxonomy: Taxonomy, extra: dict[str, dict[str, tuple[str, ...]]]) -> Taxonomy:
    narratives = tuple(
        replace(n, cues={lang: (*phrases, *extra.get(n.key, {}).get(lang, ()))
                         for lang, phrases in n.cues.items()})
        for n in taxonomy
    )
    return Taxonomy(narratives, taxonomy.source)


def machinery_taxonomy() -> Taxonomy:
    """The shipped taxonomy with MACHINERY_CUES added."""
    return with_cues(load_taxonomy(), MACHINERY_CUES)


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
