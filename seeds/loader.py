"""Reads the seed TOML files into catalogue specs, with errors that say where."""

from __future__ import annotations

import tomllib
from datetime import datetime
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from seeds import seed_file
from storage.catalog import ActorSpec, EventSpec, NarrativeSpec, SourceSpec

GROUPS = (
    "iran_official", "iraqi_militia", "militia_media", "iraqi_government", "sadrist",
    "lebanese_hezbollah", "journalist", "osint_analyst", "news_outlet",
)
LANGUAGES = ("en", "ar", "fa")


class SeedError(Exception):
    """A seed file is malformed; the message names the file and entry."""


def _load(path: Traversable | Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{path}: not valid TOML: {exc}") from None


def _entries(path: Traversable | Path, table: str) -> list[dict[str, Any]]:
    data = _load(path)
    entries = data.get(table, [])
    if not isinstance(entries, list):
        raise SeedError(f"{path}: [[{table}]] must be an array of tables")
    return entries


def _require(path: Traversable | Path, table: str, i: int, entry: dict[str, Any], key: str) -> Any:
    if key not in entry or entry[key] in ("", None):
        raise SeedError(f"{path}: {table} #{i + 1} is missing {key!r}")
    return entry[key]


def load_actors(path: Traversable | Path | None = None) -> list[ActorSpec]:
    path = path or seed_file("actors.toml")
    out = []
    for i, e in enumerate(_entries(path, "actor")):
        out.append(ActorSpec(
            name=_require(path, "actor", i, e, "name"),
            group=_require(path, "actor", i, e, "group"),
            description=e.get("description", ""),
            illustrative=bool(e.get("illustrative", False)),
        ))
    return out


def load_sources(path: Traversable | Path | None = None) -> list[SourceSpec]:
    path = path or seed_file("sources.toml")
    out = []
    for i, e in enumerate(_entries(path, "source")):
        role = e.get("role", "observer")
        if role not in ("actor", "observer"):
            raise SeedError(f"{path}: source #{i + 1} has role {role!r} (actor|observer)")
        platform = _require(path, "source", i, e, "platform")
        if platform not in ("telegram", "twitter"):
            raise SeedError(f"{path}: source #{i + 1} has unknown platform {platform!r}")
        out.append(SourceSpec(
            platform=platform,
            handle=_require(path, "source", i, e, "handle"),
            role=role,
            actor=e.get("actor"),
            kind=e.get("kind", "channel" if platform == "telegram" else "account"),
            query=e.get("query"),
            cited_in=list(e.get("cited_in", [])),
            illustrative=bool(e.get("illustrative", False)),
        ))
    return out


def load_events(path: Traversable | Path | None = None) -> list[EventSpec]:
    path = path or seed_file("events.toml")
    out = []
    for i, e in enumerate(_entries(path, "event")):
        at = _require(path, "event", i, e, "at")
        if isinstance(at, str):
            try:
                at = datetime.fromisoformat(at)
            except ValueError:
                raise SeedError(f"{path}: event #{i + 1} has an unparseable time {at!r}") from None
        if not isinstance(at, datetime) or at.tzinfo is None:
            raise SeedError(f"{path}: event #{i + 1} time must carry an offset (UTC)")
        out.append(EventSpec(
            name=_require(path, "event", i, e, "name"), at=at,
            description=e.get("description", ""), source=e.get("source", "seed report"),
            detail={"approximate": bool(e.get("approximate", False))},
        ))
    return out


def load_event_keywords(path: Traversable | Path | None = None) -> dict[str, dict[str, list[str]]]:
    """Each event's [event.keywords] by name: {language: [keyword, ...]} (events without any
    are absent); a keyword must be a non-empty string."""
    path = path or seed_file("events.toml")
    out: dict[str, dict[str, list[str]]] = {}
    for i, e in enumerate(_entries(path, "event")):
        keywords = e.get("keywords", {})
        if not isinstance(keywords, dict):
            raise SeedError(f"{path}: event #{i + 1} keywords must be a table of lists by language")
        for lang, values in keywords.items():
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip()
                                                        for v in values):
                raise SeedError(f"{path}: event #{i + 1} keywords.{lang} must be a list of "
                                "non-empty strings")
        if keywords:
            out[_require(path, "event", i, e, "name")] = {k: list(v) for k, v in keywords.items()}
    return out


def load_narratives(path: Traversable | Path | None = None) -> list[NarrativeSpec]:
    path = path or seed_file("narratives.toml")
    out = []
    for i, e in enumerate(_entries(path, "narrative")):
        key = _require(path, "narrative", i, e, "key")
        names = e.get("name", {})
        descriptions = e.get("description", {})
        for lang in LANGUAGES:
            if not names.get(lang) or not descriptions.get(lang):
                raise SeedError(f"{path}: narrative {key!r} lacks a name or description in {lang}")
        out.append(NarrativeSpec(
            key=key, names=dict(names), descriptions=dict(descriptions),
            examples={k: list(v) for k, v in e.get("examples", {}).items()},
            cues={k: list(v) for k, v in e.get("cues", {}).items()},
            threshold=float(e.get("threshold", 0.5)),
        ))
    return out
