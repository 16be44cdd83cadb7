"""Builds seeds/replay/corpus.jsonl, the demonstration RECONSTRUCTION of Sep–Nov 2021.

    python -m seeds.replay.build_corpus          # rewrite corpus.jsonl
    python -m seeds.replay.build_corpus --check  # exit 1 if the file is out of date

Deterministic: the same code always writes the same bytes. Each line is one post in the
authoring format the replay clients turn into Telethon messages or X API v2 tweets.
"""

from __future__ import annotations

import json
import random
import sys
import tomllib
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from seeds.replay import (
    signal_attack,
    signal_cards,
    signal_early,
    signal_echoes,
    signal_elections_un,
    signal_observers,
    signal_regional,
)
from seeds.replay.drafts import Draft
from seeds.replay.ids import channel_ids, snowflake
from seeds.replay.routine import routine_posts

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.jsonl"
WINDOW = (datetime(2021, 9, 1, tzinfo=UTC), datetime(2021, 11, 11, tzinfo=UTC))
MAIN_START = datetime(2021, 10, 24, tzinfo=UTC)  # the episode; before it, the early period
# Where each Telegram channel's message numbering starts when nothing is pinned.
CHANNEL_START = {"kataibhezbollah_demo": 4_120, "lh_media_demo": 61_230,
                 "alnoornews_demo": 90_214}


@dataclass(frozen=True)
class Source:
    platform: str
    actor: str
    role: str


def load_sources() -> dict[str, Source]:
    """Handles from seeds/sources.toml and the illustrative ones in seeds/replay/."""
    sources: dict[str, Source] = {}
    for path in (HERE.parent / "sources.toml", HERE / "sources.toml"):
        for entry in tomllib.loads(path.read_text(encoding="utf-8"))["source"]:
            sources[entry["handle"]] = Source(entry["platform"], entry["actor"], entry["role"])
    return sources


def all_drafts() -> list[Draft]:
    signal = (signal_elections_un.election_posts() + signal_elections_un.un_campaign_posts()
              + signal_regional.gulf_lebanon_posts() + signal_regional.inis_rocket_posts()
              + signal_regional.turkish_presence_posts() + signal_attack.attack_posts()
              + signal_observers.reporting_posts() + signal_observers.actor_hard_negatives()
              + signal_echoes.echoes() + signal_early.early_posts()
              + signal_cards.card_posts())
    return signal + routine_posts()


def _resolve_shares(drafts: list[Draft]) -> dict[str, Draft]:
    by_key: dict[str, Draft] = {}
    for draft in drafts:
        if draft.key is not None:
            if draft.key in by_key:
                raise ValueError(f"two posts share the key {draft.key!r}")
            by_key[draft.key] = draft
    for draft in drafts:
        for ref in (draft.forward_of, draft.retweet_of, draft.quote_of, draft.reply_to):
            if ref is None:
                continue
            original = by_key.get(ref)
            if original is None:
                raise ValueError(f"{draft.source} {draft.at}: no post with key {ref!r}")
            if original.at >= draft.at:
                raise ValueError(f"{draft.source} {draft.at}: refers to a later post {ref!r}")
            if original.deleted_at is not None and original.deleted_at <= draft.at:
                raise ValueError(f"{draft.source} {draft.at}: refers to deleted post {ref!r}")
        shared = draft.forward_of or draft.retweet_of
        if shared is not None:
            original = by_key[shared]
            draft.text = original.text_at(draft.at)
            draft.lang = original.lang
            draft.narratives = original.narratives
    return by_key


def _assign_ids(drafts: list[Draft], sources: dict[str, Source]) -> dict[int, str]:
    """Native ids by position in `drafts` (which is in posting order).

    A channel's messages from MAIN_START on are numbered first, as they were before the
    corpus reached back to September; its earlier messages then count down from there.
    """
    rng = random.Random(2021)  # noqa: S311 - reproducible fiction, not security
    ids: dict[int, str] = {}
    per_channel: dict[str, list[int]] = {}
    early: dict[str, list[int]] = {}
    minted: set[int] = set()
    for position, draft in enumerate(drafts):
        if sources[draft.source].platform == "telegram":
            period = per_channel if draft.at >= MAIN_START else early
            period.setdefault(draft.source, []).append(position)
            continue
        if draft.pinned_id is not None:
            ids[position] = draft.pinned_id
            continue
        worker = zlib.crc32(draft.source.encode()) % 1024
        sequence = 0
        while snowflake(draft.at, worker, sequence) in minted:
            sequence += 1
        minted.add(snowflake(draft.at, worker, sequence))
        ids[position] = str(snowflake(draft.at, worker, sequence))
    for channel, positions in per_channel.items():
        anchors = {index: int(drafts[p].pinned_id or 0)
                   for index, p in enumerate(positions) if drafts[p].pinned_id is not None}
        numbers = channel_ids(len(positions), anchors, CHANNEL_START.get(channel, 1_000), rng)
        for position, number in zip(positions, numbers, strict=True):
            ids[position] = str(number)
    down = random.Random(2109)  # noqa: S311 - reproducible fiction, not security
    for channel, positions in early.items():
        number = int(ids[per_channel[channel][0]])
        for position in reversed(positions):
            number -= down.randint(1, 3)
            ids[position] = str(number)
    return ids


def _check(draft: Draft, sources: dict[str, Source]) -> None:
    where = f"{draft.source} {draft.at.isoformat()}"
    if draft.source not in sources:
        raise ValueError(f"{where}: unknown source")
    if not WINDOW[0] <= draft.at < WINDOW[1]:
        raise ValueError(f"{where}: outside the corpus window")
    later = [at for at, _ in draft.edits] + ([draft.deleted_at] if draft.deleted_at else [])
    if any(at <= draft.at or at >= WINDOW[1] for at in later):
        raise ValueError(f"{where}: an edit or deletion is not after posting, inside the window")
    if draft.lang not in ("ar", "fa", "en") or not draft.text:
        raise ValueError(f"{where}: missing text or language")
    if sources[draft.source].role == "observer" and draft.narratives:
        raise ValueError(f"{where}: observers report narratives, they do not promote them")
    if draft.card is not None and sources[draft.source].platform != "telegram":
        raise ValueError(f"{where}: image cards are downloaded from Telegram only")
    if sources[draft.source].platform == "twitter" and len(draft.text) > 280:
        raise ValueError(f"{where}: tweet longer than 280 characters")


def build() -> list[dict[str, Any]]:
    sources = load_sources()
    drafts = sorted(all_drafts(), key=lambda d: (d.at, d.source, d.text))
    by_key = _resolve_shares(drafts)
    for draft in drafts:
        _check(draft, sources)
    ids = _assign_ids(drafts, sources)
    id_of_key = {draft.key: ids[i] for i, draft in enumerate(drafts) if draft.key}
    views = random.Random(7)  # noqa: S311 - reproducible fiction, not security
    lines: list[dict[str, Any]] = []
    for position, draft in enumerate(drafts):
        line: dict[str, Any] = {
            "platform": sources[draft.source].platform, "source": draft.source,
            "id": ids[position], "posted_at": draft.at.isoformat(), "text": draft.text,
            "lang": draft.lang,
        }
        if draft.edits:
            line["edits"] = [{"at": at.isoformat(), "text": text} for at, text in draft.edits]
        if draft.deleted_at is not None:
            line["deleted_at"] = draft.deleted_at.isoformat()
        for field in ("forward_of", "retweet_of", "quote_of", "reply_to"):
            ref = getattr(draft, field)
            if ref is not None:
                line[field] = {"source": by_key[ref].source, "id": id_of_key[ref]}
        if line["platform"] == "telegram":
            line["views"] = draft.views or views.randint(4_000, 40_000)
        line["media"] = draft.media
        if draft.card is not None:
            line["card"] = {"text": draft.card}
        line["links"] = draft.links
        line["expected_narratives"] = list(draft.narratives)
        lines.append(line)
    return lines


def render(lines: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def main(argv: list[str]) -> int:
    text = render(build())
    if "--check" in argv:
        current = CORPUS.read_text(encoding="utf-8") if CORPUS.exists() else ""
        if current != text:
            print(f"{CORPUS} is out of date: run python -m seeds.replay.build_corpus")
            return 1
        return 0
    CORPUS.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10))} posts to {CORPUS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
