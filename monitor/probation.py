"""Probation (optional, setting discovery_probation_days): a candidate that actors cite at
least discovery_probation_min_refs times is collected as an observer for that many days,
then shown for a decision with what it posted. Only candidates with a username start
probation (a channel known by a forward header's id takes the username the header came
with; with none it waits for the analyst), and at most a few per run. A channel whose access
hash came with a forward is read by id, never looked up; the others are resolved one by one,
never in a burst."""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.discovery import USERNAME, seen_channel, summary
from storage import catalog, discovery
from storage.database import Database

PER_RUN = 5


def start_probation(db: Database, now: datetime, *, days: int, min_refs: int) -> list[str]:
    """Put the strongest undecided candidates on probation; returns their labels."""
    if days <= 0:
        return []
    started: list[str] = []
    with db.connection() as conn:
        for candidate in discovery.candidates(conn, min_refs=max(1, min_refs), limit=50):
            if len(started) >= PER_RUN or candidate["actors"] == 0:
                break  # ranked: actor-cited first, so the rest are cited by observers only
            platform, label = candidate["platform"], candidate["label"]
            seen = seen_channel(conn, candidate)
            if seen is not None and seen.username:
                label = seen.username
            if not USERNAME[platform].fullmatch(label):
                continue
            until = now + timedelta(days=days)
            provenance = summary(conn, candidate)
            provenance.update(probation_until=until.isoformat())
            source_id, _ = catalog.upsert_source(conn, catalog.SourceSpec(
                platform=platform, handle=label, role="observer",
                kind="channel" if platform == "telegram" else "account"))
            discovery.mark_discovered(conn, source_id, provenance,
                                      seen.channel_id if seen else None,
                                      seen.access_hash if seen else None)
            discovery.record_decision(
                conn, platform=platform, key=candidate["key"], label=label,
                verdict="probation", source_id=source_id, analyst="probation", note="",
                evidence_summary=provenance, probation_until=until)
            started.append(f"{platform}/{label}")
    return started
