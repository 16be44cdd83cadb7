"""Grow the watchlist from what the sources cite: candidates, and the analyst's accept or
reject. Nothing here decides on its own: a candidate becomes a source only when accepted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from collectors.outcomes import SeenChannel
from monitor.errors import UserError
from storage import catalog, discovery, probation, telegram_channels
from storage.database import Conn
from storage.rows import JsonObject

USERNAME = {"telegram": re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}"),
             "twitter": re.compile(r"[A-Za-z0-9_]{1,15}")}
_LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|x\.com|twitter\.com)/"
                   r"(?:s/)?([A-Za-z0-9_]+)/?$", re.IGNORECASE)
_PLATFORM_OF_LINK = {"t.me": "telegram", "telegram.me": "telegram", "x.com": "twitter",
                     "twitter.com": "twitter"}


@dataclass(frozen=True)
class CandidateRef:
    """A candidate as an analyst names it: the platform (None: either) and its key."""

    platform: str | None
    key: str


def parse_ref(text: str, platform: str | None = None) -> CandidateRef:
    """`@Name`, `Name`, `t.me/Name`, `telegram:Name`, `channel:123` or `name:Some Title`."""
    ref = text.strip()
    if not ref or len(ref) > 250 or any(ord(ch) < 32 for ch in ref):
        raise UserError("name the candidate by its handle, channel:ID or name:TITLE")
    link = _LINK.match(ref)
    if link:
        host = ref.split("//")[-1].removeprefix("www.").split("/")[0].lower()
        platform = platform or _PLATFORM_OF_LINK.get(host)
        ref = link.group(1)
    head, sep, rest = ref.partition(":")
    if sep and head in ("telegram", "twitter") and rest:
        platform, ref = platform or head, rest
    if ref.startswith("channel:"):
        if not ref[8:].isdigit():
            raise UserError(f"channel:ID needs a numeric id, got {ref[:40]!r}")
        return CandidateRef(platform or "telegram", ref)
    if ref.startswith("name:"):
        return CandidateRef(platform or "telegram", "name:" + ref[5:].strip().lower())
    return CandidateRef(platform, ref.lstrip("@").lower())


def find(conn: Conn, ref: CandidateRef) -> discovery.Candidate:
    """The one candidate a reference names, or a UserError saying why there is none."""
    found = discovery.candidates(conn, platform=ref.platform, key=ref.key, limit=3)
    if len(found) > 1:
        raise UserError(f"{ref.key!r} is cited on both platforms; add --platform")
    if found:
        return found[0]
    for platform in ([ref.platform] if ref.platform else ["telegram", "twitter"]):
        decided = discovery.decision(conn, platform, ref.key)
        if decided is not None:
            raise UserError(f"{platform}/{decided['label']} was already {decided['decision']} "
                            f"on {decided['decided_at']:%Y-%m-%d}")
    raise UserError(f"no candidate {ref.key!r}: no stored post cites it, or it is watched already")


def summary(conn: Conn, candidate: discovery.Candidate) -> JsonObject:
    """What the decision was made on, kept with it (and on an accepted source)."""
    posts = discovery.evidence(conn, candidate["platform"], candidate["key"], limit=10)
    return {"via": "citations", "key": candidate["key"], "label": candidate["label"],
            "posts": candidate["posts"], "citing_sources": candidate["citing_sources"],
            "actors": candidate["actors"], "actor_names": candidate["actor_names"] or [],
            "kinds": candidate["kinds"], "narratives": candidate["narratives"],
            "first_seen": candidate["first_seen"].isoformat(),
            "last_seen": candidate["last_seen"].isoformat(),
            "evidence_posts": [p["post_id"] for p in posts]}


@dataclass(frozen=True)
class Acceptance:
    handle: str
    role: str
    actor: str | None = None
    group: str | None = None


def accept(conn: Conn, ref: CandidateRef, spec: Acceptance, analyst: str = "",
           note: str = "") -> int:
    """Turn a candidate into a source (with how it was found); returns the source id."""
    if spec.role == "actor" and not spec.actor:
        raise UserError("an actor source needs --actor (and --group for a new actor)")
    held = on_probation(conn, ref)
    if held is not None:
        return _end_probation(conn, held, spec, analyst, note)
    candidate = find(conn, ref)
    platform = candidate["platform"]
    seen = seen_channel(conn, candidate)
    handle = (spec.handle.strip().lstrip("@") or (seen.username if seen else None)
              or candidate["label"])
    if not USERNAME[platform].fullmatch(handle):
        raise UserError(f"{candidate['label']!r} is not a {platform} username: name the source "
                        "with --handle")
    _add_actor(conn, spec)
    provenance = summary(conn, candidate)
    provenance.update(accepted_at=datetime.now(UTC).isoformat(), analyst=analyst)
    source_id, _ = catalog.upsert_source(conn, catalog.SourceSpec(
        platform=platform, handle=handle, role=spec.role, actor=spec.actor,
        kind="channel" if platform == "telegram" else "account"))
    channel_id = int(candidate["key"][8:]) if candidate["key"].startswith("channel:") else None
    if seen is not None and seen.username and seen.username.lower() != handle.lower():
        seen = None  # the analyst named another channel: it is resolved by its username
    discovery.mark_discovered(conn, source_id, provenance,
                              seen.channel_id if seen else channel_id,
                              seen.access_hash if seen else None)
    discovery.record_decision(conn, platform=platform, key=candidate["key"],
                              label=candidate["label"], verdict="accepted", source_id=source_id,
                              analyst=analyst, note=note, evidence_summary=provenance)
    return source_id


def seen_channel(conn: Conn, candidate: discovery.Candidate) -> SeenChannel | None:
    """A Telegram candidate's channel as a forward header brought it (id, access hash and
    username), by its channel id or its username; None when none came with a message."""
    if candidate["platform"] != "telegram":
        return None
    key = candidate["key"]
    if key.startswith("channel:"):
        return telegram_channels.by_id(conn, int(key[8:]))
    if USERNAME["telegram"].fullmatch(key):
        return telegram_channels.by_username(conn, key)
    return None


def _add_actor(conn: Conn, spec: Acceptance) -> None:
    if spec.actor and spec.group:
        if not spec.group.replace("_", "").isalnum():
            raise UserError(f"invalid group {spec.group!r}: use letters, digits and _")
        catalog.upsert_actor(conn, catalog.ActorSpec(spec.actor, spec.group))


def on_probation(conn: Conn, ref: CandidateRef) -> discovery.Decision | None:
    """The candidate's probation, if it is on one."""
    for platform in [ref.platform] if ref.platform else ["telegram", "twitter"]:
        decided = discovery.decision(conn, platform, ref.key)
        if decided is not None and decided["decision"] == "probation":
            return decided
    return None


def _end_probation(conn: Conn, held: discovery.Decision, spec: Acceptance, analyst: str,
                   note: str) -> int:
    """Keep a source collected on probation, with the role (and actor) the analyst gives."""
    source_id = held["source_id"]
    if source_id is None:
        raise UserError(f"{held['label']}: its probation source was removed; add it again")
    _add_actor(conn, spec)
    catalog.upsert_source(conn, catalog.SourceSpec(
        platform=held["cited_platform"], handle=held["label"], role=spec.role, actor=spec.actor,
        kind="channel" if held["cited_platform"] == "telegram" else "account"))
    discovery.record_decision(
        conn, platform=held["cited_platform"], key=held["cited_key"], label=held["label"],
        verdict="accepted", source_id=source_id, analyst=analyst, note=note,
        evidence_summary={"via": "probation", "analyst": analyst})
    return source_id


def reject(conn: Conn, ref: CandidateRef, analyst: str = "", note: str = "") -> discovery.Decision:
    """Remember that a candidate is not wanted: it is never proposed again (one on
    probation stops being collected; what it posted stays)."""
    held = on_probation(conn, ref)
    if held is not None:
        if held["source_id"] is not None:
            probation.deactivate(conn, held["source_id"])
        return discovery.record_decision(
            conn, platform=held["cited_platform"], key=held["cited_key"], label=held["label"],
            verdict="rejected", source_id=held["source_id"], analyst=analyst, note=note,
            evidence_summary={"via": "probation", "analyst": analyst})
    candidate = find(conn, ref)
    return discovery.record_decision(
        conn, platform=candidate["platform"], key=candidate["key"], label=candidate["label"],
        verdict="rejected", source_id=None, analyst=analyst, note=note,
        evidence_summary=summary(conn, candidate))
