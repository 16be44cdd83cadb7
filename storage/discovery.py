"""Snowball discovery in SQL: the channels and accounts watched sources cite, ranked, and the
analyst's decisions on them (migration 130)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from psycopg import sql
from psycopg.types.json import Jsonb

from storage.database import Conn
from storage.rows import JsonObject, fetch_all, fetch_one, fetch_row

# Per cited key, from the (key, citing source) pairs of migration 131: citing posts, sources
# and actors; never a watched source nor a decided candidate.
_CANDIDATES = """
WITH ranked AS (
    SELECT p.cited_platform AS platform, p.cited_key AS key, min(p.label) AS label,
           sum(p.posts)::bigint AS posts, count(*)::bigint AS citing_sources,
           count(DISTINCT s.actor_id) FILTER (WHERE s.role = 'actor')::bigint AS actors,
           min(p.first_at) AS first_seen, max(p.last_at) AS last_seen,
           array_agg(DISTINCT s.platform ORDER BY s.platform) AS platforms,
           array(SELECT DISTINCT k FROM unnest(string_to_array(
                     string_agg(array_to_string(p.kinds, ','), ','), ',')) AS k
                 ORDER BY k) AS kinds,
           array_agg(DISTINCT a.name ORDER BY a.name)
               FILTER (WHERE s.role = 'actor' AND a.name IS NOT NULL) AS actor_names
    FROM citation_pairs p
    JOIN sources s ON s.id = p.source_id
    LEFT JOIN actors a ON a.id = s.actor_id
    WHERE {one_candidate}
      NOT EXISTS (SELECT 1 FROM watched_keys w
                      WHERE w.platform = p.cited_platform AND w.cited_key = p.cited_key)
      AND NOT EXISTS (SELECT 1 FROM source_candidate_decisions d
                      WHERE d.cited_platform = p.cited_platform AND d.cited_key = p.cited_key)
    GROUP BY p.cited_platform, p.cited_key
    HAVING sum(p.posts) >= %(min_refs)s
)
SELECT r.*,
       array(SELECT DISTINCT np.narrative
             FROM post_citations c JOIN narrative_posts np ON np.post_id = c.post_id
             WHERE c.cited_platform = r.platform AND c.cited_key = r.key
             ORDER BY np.narrative) AS narratives
FROM ranked r
-- Cited by actors first (an observer's citations say less), then by how many, then volume.
ORDER BY (r.actors > 0) DESC, r.actors DESC, r.citing_sources DESC, r.posts DESC, r.key
LIMIT %(limit)s
"""


class Candidate(TypedDict):
    platform: str
    key: str
    label: str
    posts: int
    citing_sources: int
    actors: int
    first_seen: datetime
    last_seen: datetime
    platforms: list[str]
    kinds: list[str]
    actor_names: list[str] | None
    narratives: list[str]


class Evidence(TypedDict):
    post_id: int
    kind: str
    posted_at: datetime
    url: str | None
    handle: str
    role: str
    text: str


class Decision(TypedDict):
    cited_platform: str
    cited_key: str
    label: str
    decision: str  # accepted, rejected, or probation (collected as an observer until ...)
    source_id: int | None
    analyst: str
    note: str
    decided_at: datetime
    probation_until: datetime | None


# A filter composed in, not `%(key)s IS NULL OR ...`: once psycopg prepares the statement,
# PostgreSQL's generic plan cannot drop such a test, misjudges the rows and ran 20x slower.
_ONE_CANDIDATE = sql.SQL("p.cited_key = %(key)s AND p.cited_platform = ANY (%(platforms)s) AND")


def candidates(conn: Conn, *, min_refs: int = 1, limit: int = 200,
               platform: str | None = None, key: str | None = None) -> list[Candidate]:
    query = sql.SQL(_CANDIDATES).format(one_candidate=_ONE_CANDIDATE if key else sql.SQL(""))
    platforms = [platform] if platform else ["telegram", "twitter"]
    return fetch_all(conn, Candidate, query, {"min_refs": min_refs, "limit": limit,
                                              "key": key, "platforms": platforms})


def evidence(conn: Conn, platform: str, key: str, limit: int = 5) -> list[Evidence]:
    """The newest posts citing a key, with who posted them."""
    return fetch_all(
        conn, Evidence,
        """SELECT c.post_id, c.kind, c.posted_at, p.url, s.handle, s.role, left(p.text, 280) AS text
           FROM post_citations c
           JOIN posts p ON p.id = c.post_id
           JOIN sources s ON s.id = c.source_id
           WHERE c.cited_platform = %(platform)s AND c.cited_key = %(key)s
           ORDER BY c.posted_at DESC, c.post_id DESC
           LIMIT %(limit)s""",
        {"platform": platform, "key": key, "limit": limit})


def decision(conn: Conn, platform: str, key: str) -> Decision | None:
    return fetch_one(
        conn, Decision,
        """SELECT cited_platform, cited_key, label, decision, source_id, analyst, note, decided_at,
                  probation_until
           FROM source_candidate_decisions
           WHERE cited_platform = %(platform)s AND cited_key = %(key)s""",
        {"platform": platform, "key": key})


def decisions(conn: Conn, kind: str | None = None) -> list[Decision]:
    return fetch_all(
        conn, Decision,
        """SELECT cited_platform, cited_key, label, decision, source_id, analyst, note, decided_at,
                  probation_until
           FROM source_candidate_decisions
           WHERE %(kind)s::text IS NULL OR decision = %(kind)s
           ORDER BY decided_at DESC, cited_key""",
        {"kind": kind})


def record_decision(conn: Conn, *, platform: str, key: str, label: str, verdict: str,
                    source_id: int | None, analyst: str, note: str,
                    evidence_summary: JsonObject,
                    probation_until: datetime | None = None) -> Decision:
    """Record (or change) the decision on a candidate."""
    return fetch_row(
        conn, Decision,
        """INSERT INTO source_candidate_decisions AS d (cited_platform, cited_key, label,
               decision, source_id, analyst, note, evidence, probation_until)
           VALUES (%(platform)s, %(key)s, %(label)s, %(verdict)s, %(source_id)s, %(analyst)s,
                   %(note)s, %(evidence)s, %(until)s)
           ON CONFLICT (cited_platform, cited_key) DO UPDATE SET
               label = EXCLUDED.label, decision = EXCLUDED.decision,
               source_id = EXCLUDED.source_id, analyst = EXCLUDED.analyst, note = EXCLUDED.note,
               evidence = EXCLUDED.evidence, decided_at = now(),
               probation_until = EXCLUDED.probation_until
           RETURNING cited_platform, cited_key, label, decision, source_id, analyst, note,
                     decided_at, probation_until""",
        {"platform": platform, "key": key, "label": label, "verdict": verdict,
         "source_id": source_id, "analyst": analyst, "note": note,
         "evidence": Jsonb(evidence_summary), "until": probation_until})


def mark_discovered(conn: Conn, source_id: int, provenance: JsonObject,
                    platform_id: int | None, access_hash: int | None = None) -> None:
    """Write how a source was found (and its channel id, with the access hash a forward
    header came with, so the collector reads it without a username lookup)."""
    conn.execute(
        """UPDATE sources SET discovered = %(provenance)s,
               platform_id = COALESCE(platform_id, %(platform_id)s),
               access_hash = CASE WHEN platform_id IS NULL OR platform_id = %(platform_id)s
                                  THEN COALESCE(access_hash, %(access_hash)s)
                                  ELSE access_hash END,
               updated_at = now()
           WHERE id = %(id)s""",
        {"provenance": Jsonb(provenance), "platform_id": platform_id,
         "access_hash": access_hash, "id": source_id})
