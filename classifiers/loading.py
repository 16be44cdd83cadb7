"""Building a Tagger: taxonomy, stance markers, model, head, and the version that names them.

The model version recorded on every tag changes when any of these change, so that
`chorus classify --backfill` knows which posts were tagged by something else.
"""

from __future__ import annotations

import hashlib
import json
import logging
from importlib import resources
from pathlib import Path
from typing import Any

from classifiers import claim_head
from classifiers.claim_head import ClaimHead
from classifiers.cue_layer import CueLayer
from classifiers.encoder import Encoder, ModelInfo
from classifiers.head import Head, HeadError
from classifiers.stance import default_stance_file, load_stance_guard
from classifiers.taxonomy import Taxonomy

log = logging.getLogger(__name__)
AnyHead = Head | ClaimHead
# Bump when the cue matching or stance rules change in code, so tags made by the old
# rules count as stale (the files' contents are hashed separately).
RULES_REVISION = 2  # 2: bullet lists of statements; reporting vetoes the model only in the lead


def rules_fingerprint(taxonomy: Taxonomy, stance_file: Path | None = None) -> str:
    """Taxonomy and stance markers: what the cue layer reads."""
    stance = (stance_file or default_stance_file()).read_bytes()
    payload = f"{RULES_REVISION}:{taxonomy.fingerprint}:".encode() + stance
    return hashlib.sha256(payload).hexdigest()[:8]


def model_version(model_id: str, backend: str, head: AnyHead | None, rules: str,
                  languages: frozenset[str]) -> str:
    """e.g. all-MiniLM-L6-v2@91757523+onnx-int8/h-9a356b77/r-cd53d1c3/l-en: model weights
    and how they run, head, cue rules, and the languages the model reads (the rest are
    tagged by cues)."""
    langs = "+".join(sorted(languages)) or "none"
    return f"{model_id}+{backend}/h-{head.version if head else 'none'}/r-{rules}/l-{langs}"


def packaged_head_path(info: ModelInfo) -> Path:
    return Path(str(resources.files("classifiers.heads").joinpath(f"{info.name}.json")))


def load_head(data: dict[str, Any]) -> AnyHead:
    """A stored head of either kind: the claim head (format 3) or the prototype head."""
    if data.get("format") == claim_head.FORMAT:
        return ClaimHead.from_dict(data)
    return Head.from_dict(data)


def packaged_head(info: ModelInfo, taxonomy: Taxonomy) -> AnyHead | None:
    """The head shipped for this exact model (same weights fingerprint), if any: the file
    named after the model first, then any other shipped head for the same weights (a
    model built into a folder of another name is the same model)."""
    named = packaged_head_path(info)
    others = sorted(p for p in named.parent.glob("*.json") if p != named)
    for path in ([named] if named.is_file() else []) + others:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if path != named and _fingerprint(str(data.get("model_id", ""))) != info.fingerprint:
                continue
            head = load_head(data)
            check_head(head, info, taxonomy)
        except (HeadError, json.JSONDecodeError, AttributeError) as exc:
            log.warning("ignoring packaged head %s: %s", path.name, exc)
            continue
        return head
    return None


def _fingerprint(model_id: str) -> str:
    return model_id.rsplit("@", 1)[-1]


def check_head(head: AnyHead, info: ModelInfo, taxonomy: Taxonomy) -> None:
    """The head must come from the same weights (the fingerprint; the folder's name may
    differ) and the same narratives."""
    if _fingerprint(head.model_id) != info.fingerprint:
        raise HeadError(f"head was trained for {head.model_id}, the model is {info.model_id}")
    if head.narratives != taxonomy.keys:
        raise HeadError("head narratives differ from the taxonomy's")


def cue_layer(taxonomy: Taxonomy, stance_file: Path | None = None) -> CueLayer:
    return CueLayer(taxonomy, load_stance_guard(stance_file))


def language_probes(taxonomy: Taxonomy) -> dict[str, str]:
    """Text per language to test the tokenizer with: the narrative descriptions."""
    return {
        lang: " ".join(n.descriptions[lang] for n in taxonomy) for lang in ("en", "ar", "fa")
    }


def covered_languages(encoder: Encoder, taxonomy: Taxonomy) -> frozenset[str]:
    return encoder.covers(language_probes(taxonomy))
