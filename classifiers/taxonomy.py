"""The narrative taxonomy (DESIGN §3), read from seeds/narratives.toml and checked.

A broken taxonomy is refused with a message that names the file, the narrative and the
field, because a silently missing language would make the classifier blind to it.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "ar", "fa")
NARRATIVE_KEYS: tuple[str, ...] = (
    "false_flag", "staged_incident", "sedition", "third_party", "us_culpability",
    "un_interference", "election_fraud", "anti_turkish_presence", "gulf_aggression",
)


class TaxonomyError(Exception):
    """The taxonomy file is unusable; the message says where and why."""


@dataclass(frozen=True)
class Narrative:
    key: str
    threshold: float
    names: dict[str, str]
    descriptions: dict[str, str]
    examples: dict[str, tuple[str, ...]]
    cues: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Taxonomy:
    narratives: tuple[Narrative, ...]
    source: str

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(n.key for n in self.narratives)

    def __iter__(self) -> Iterator[Narrative]:
        return iter(self.narratives)

    def __len__(self) -> int:
        return len(self.narratives)

    def get(self, key: str) -> Narrative:
        for narrative in self.narratives:
            if narrative.key == key:
                return narrative
        raise KeyError(key)

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything the classifier reads changes (part of model versions)."""
        payload = [
            [n.key, n.threshold, n.names, n.descriptions,
             {k: list(v) for k, v in n.examples.items()}, {k: list(v) for k, v in n.cues.items()}]
            for n in self.narratives
        ]
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:8]


def default_taxonomy_file() -> Traversable:
    return resources.files("seeds").joinpath("narratives.toml")


def load_taxonomy(path: Traversable | Path | str | None = None) -> Taxonomy:
    """Read and validate the taxonomy; the packaged seeds/narratives.toml by default."""
    source: Traversable | Path = (
        default_taxonomy_file() if path is None else Path(path) if isinstance(path, str) else path
    )
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(f"{source}: taxonomy file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{source}: not valid TOML: {exc}") from None
    return parse_taxonomy(data, str(source))


def parse_taxonomy(data: dict[str, Any], source: str = "<taxonomy>") -> Taxonomy:
    entries = data.get("narrative")
    if not isinstance(entries, list) or not entries:
        raise TaxonomyError(f"{source}: needs [[narrative]] tables, found none")
    narratives = [_narrative(source, i, entry) for i, entry in enumerate(entries)]
    keys = [n.key for n in narratives]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise TaxonomyError(f"{source}: narrative keys repeated: {', '.join(duplicates)}")
    missing = [k for k in NARRATIVE_KEYS if k not in keys]
    if missing:
        raise TaxonomyError(f"{source}: narratives missing: {', '.join(missing)}")
    by_key = {n.key: n for n in narratives}
    # Fixed order, so that head weights and reports line up across files.
    return Taxonomy(tuple(by_key[k] for k in NARRATIVE_KEYS), source)


def _narrative(source: str, index: int, entry: Any) -> Narrative:
    where = f"{source}: narrative #{index + 1}"
    if not isinstance(entry, dict):
        raise TaxonomyError(f"{where} is not a table")
    key = entry.get("key")
    if not isinstance(key, str) or not key:
        raise TaxonomyError(f"{where} has no key")
    where = f"{source}: narrative {key!r}"
    if key not in NARRATIVE_KEYS:
        raise TaxonomyError(
            f"{where}: unknown key (expected one of {', '.join(NARRATIVE_KEYS)})"
        )
    threshold = entry.get("threshold", 0.5)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not (
        0 < float(threshold) <= 1
    ):
        raise TaxonomyError(f"{where}: threshold must be a number in (0, 1], got {threshold!r}")
    return Narrative(
        key=key,
        threshold=float(threshold),
        names=_texts(where, entry, "name"),
        descriptions=_texts(where, entry, "description"),
        examples=_phrase_lists(where, entry, "examples"),
        cues=_phrase_lists(where, entry, "cues"),
    )


def _table(where: str, entry: dict[str, Any], field: str) -> dict[str, Any]:
    table = entry.get(field)
    if not isinstance(table, dict):
        raise TaxonomyError(f"{where}: missing [narrative.{field}] with {'/'.join(LANGUAGES)}")
    unknown = sorted(set(table) - set(LANGUAGES))
    if unknown:
        raise TaxonomyError(f"{where}: {field} has unknown language(s) {', '.join(unknown)}")
    for lang in LANGUAGES:
        if lang not in table:
            raise TaxonomyError(f"{where}: {field} is missing language {lang!r}")
    return table


def _texts(where: str, entry: dict[str, Any], field: str) -> dict[str, str]:
    table = _table(where, entry, field)
    out: dict[str, str] = {}
    for lang in LANGUAGES:
        value = table[lang]
        if not isinstance(value, str) or not value.strip():
            raise TaxonomyError(f"{where}: {field}.{lang} must be non-empty text")
        out[lang] = value.strip()
    return out


def _phrase_lists(where: str, entry: dict[str, Any], field: str) -> dict[str, tuple[str, ...]]:
    table = _table(where, entry, field)
    out: dict[str, tuple[str, ...]] = {}
    for lang in LANGUAGES:
        value = table[lang]
        if not isinstance(value, list) or not value:
            raise TaxonomyError(f"{where}: {field}.{lang} is empty; give at least one phrase")
        phrases: list[str] = []
        for i, phrase in enumerate(value):
            if not isinstance(phrase, str) or not phrase.strip():
                raise TaxonomyError(f"{where}: {field}.{lang}[{i}] must be non-empty text")
            phrases.append(phrase.strip())
        out[lang] = tuple(phrases)
    return out
