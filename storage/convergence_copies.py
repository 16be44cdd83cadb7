"""Coordinated copies and shared phrases, computed in PostgreSQL from stored post features.

Both look at the post window [T0, T0 + post window], at posts by actors that carry the
narrative, and read the matching features stored with each narrative_posts row (computed
once per post in post_features, migration 030; copied into the rows by migration 060)
rather than re-tokenising texts.

Coordinated copies: posts whose texts are near identical — Jaccard similarity of their
word-bigram sets at least COPY_SIMILARITY — and posted within COPY_WITHIN of each other are
linked; linked posts form clusters. A cluster is a coordinated copy when its re-authored
posts come from two or more distinct actors. Telegram forwards and retweets are listed
apart inside each cluster; clusters that reach two actors only through forwards are
reported separately as forward cascades. Candidate pairs come from prefix filtering (each
post's bigram hashes sorted ascending; two sets with Jaccard >= t must share one of their
first n - ceil(t n) + 1 hashes), so the search is exact without pg_trgm and without
comparing every pair.

Shared phrases: 2- to 4-word phrases (not starting or ending with a stop word) that at
least `min_actors` distinct adopters used in their adoption post (each adopter's first
post carrying the narrative in the window: the statement that made it an adopter), most
widely used first, longer first on ties; a phrase inside a longer one used by as many
actors is dropped.
"""

from __future__ import annotations

from typing import Any

import psycopg

from storage.convergence_common import COPY_SIMILARITY, COPY_WITHIN, Window, fetch

# Both searches start from the adopters' posts in the post window, with the matching
# features each narrative_posts row carries (migration 060): no per-post lookup.
_WINDOW_FEATURES = """
cand AS MATERIALIZED (
    SELECT a.narrative, a.post_id, a.actor_id, a.actor, a.group_key, a.platform, a.posted_at,
           a.shingles, a.grams
    FROM narrative_adoptions a
    WHERE a.posted_at >= %(t0)s AND a.posted_at <= %(post_end)s
      AND (%(narrative)s::text IS NULL OR a.narrative = %(narrative)s::text)
)"""

_COPIES_STEPS = """
feat AS MATERIALIZED (
    -- One row per post with the narratives it carries here (a post without a word bigram
    -- cannot be a copy). The features are the same in each of the post's rows.
    SELECT post_id, min(posted_at) AS posted_at, array_agg(narrative) AS narratives,
           min(shingles) AS shingles, cardinality(min(shingles)) AS n
    FROM cand
    WHERE cardinality(shingles) > 0
    GROUP BY post_id
), prefix AS (
    SELECT post_id, posted_at, h
    FROM feat
    CROSS JOIN LATERAL unnest(
        shingles[1:n - ceil(%(similarity)s * n - 1e-9)::integer + 1]) AS h
), pairs AS (
    SELECT DISTINCT x.post_id AS a, y.post_id AS b
    FROM prefix x
    JOIN prefix y ON y.h = x.h AND y.post_id > x.post_id
    WHERE y.posted_at BETWEEN x.posted_at - %(within)s AND x.posted_at + %(within)s
), linked AS (
    -- Verified pairs, once per narrative both posts carry.
    SELECT nr.narrative, pr.a AS x, pr.b AS y
    FROM pairs pr
    JOIN feat fa ON fa.post_id = pr.a
    JOIN feat fb ON fb.post_id = pr.b
    CROSS JOIN LATERAL (
        SELECT count(*) AS shared FROM unnest(fa.shingles) s WHERE s = ANY (fb.shingles)
    ) i
    CROSS JOIN LATERAL unnest(fa.narratives) AS nr (narrative)
    WHERE i.shared::double precision / (fa.n + fb.n - i.shared) >= %(similarity)s
      AND nr.narrative = ANY (fb.narratives)
), undirected AS (
    SELECT narrative, x, y FROM linked UNION ALL SELECT narrative, y, x FROM linked
), reach (narrative, node, root) AS (
    SELECT narrative, x, x FROM undirected
    UNION
    SELECT r.narrative, u.y, r.root
    FROM reach r
    JOIN undirected u ON u.narrative = r.narrative AND u.x = r.node
), members AS (
    SELECT cl.cluster, c.*, p.kind, p.url, p.forwarded_from, p.norm_hash,
           left(p.text, 280) AS text, p.kind IN ('forward', 'retweet') AS is_forward
    FROM (SELECT narrative, node, min(root) AS cluster FROM reach GROUP BY narrative, node) cl
    JOIN cand c ON c.post_id = cl.node AND c.narrative = cl.narrative
    JOIN posts p ON p.id = c.post_id
), clusters AS (
    SELECT narrative, cluster,
           count(DISTINCT actor_id) FILTER (WHERE NOT is_forward) AS authors,
           count(DISTINCT actor_id) AS actors,
           min(posted_at) AS first_at, max(posted_at) AS last_at,
           count(DISTINCT norm_hash) = 1 AS identical,
           (array_agg(text ORDER BY is_forward, posted_at, post_id))[1] AS text,
           jsonb_agg(DISTINCT group_key) AS groups,
           coalesce(json_agg(json_build_object(
               'actor', actor, 'group', group_key, 'platform', platform, 'kind', kind,
               'posted_at', convergence_iso(posted_at), 'url', url, 'post_id', post_id)
               ORDER BY posted_at, post_id) FILTER (WHERE NOT is_forward), '[]') AS posts,
           coalesce(json_agg(json_build_object(
               'actor', actor, 'group', group_key, 'platform', platform, 'kind', kind,
               'forwarded_from', forwarded_from,
               'posted_at', convergence_iso(posted_at), 'url', url, 'post_id', post_id)
               ORDER BY posted_at, post_id) FILTER (WHERE is_forward), '[]') AS forwards
    FROM members
    GROUP BY narrative, cluster
)"""

_COPIES_RESULT = """
SELECT narrative, authors >= 2 AS coordinated,
       json_agg(json_build_object(
           'text', text, 'identical', identical,
           'first_at', convergence_iso(first_at), 'last_at', convergence_iso(last_at),
           'span_minutes', round((extract(epoch FROM last_at - first_at) / 60.0)::numeric, 1),
           'actors', authors, 'actors_with_forwards', actors, 'groups', groups,
           'posts', posts, 'forwards', forwards)
           ORDER BY authors DESC, first_at) AS clusters
FROM clusters
WHERE actors >= 2
GROUP BY narrative, authors >= 2
"""

# Each adopter counts with the post that made it an adopter (its first in the window), so
# every (narrative, actor, phrase) row is already unique and one hash aggregate counts the
# actors. Every word bigram of a phrase that m adopters used was used by those m adopters
# too, so only posts holding such a frequent bigram (counted first, over the stored bigram
# hashes) need their phrases counted. Phrase hashes carry their length in the two low bits
# (convergence_phrase_hash): the ranking prefers longer phrases before any words are looked
# up, and only the top candidates are turned back into words, from one post that used them.
_PHRASES_STEPS = """
feats AS MATERIALIZED (
    SELECT DISTINCT ON (c.narrative, c.actor_id) c.narrative, c.actor, c.post_id,
           c.shingles, c.grams
    FROM cand c
    ORDER BY c.narrative, c.actor_id, c.posted_at, c.post_id
), frequent AS (
    SELECT narrative, array_agg(h) AS bigrams
    FROM (SELECT f.narrative, s.h
          FROM feats f CROSS JOIN LATERAL unnest(f.shingles) AS s (h)
          GROUP BY f.narrative, s.h
          HAVING count(*) >= %(min_actors)s) x
    GROUP BY narrative
), used AS MATERIALIZED (
    SELECT f.narrative, f.actor, f.post_id, g.h
    FROM feats f
    JOIN frequent q ON q.narrative = f.narrative AND f.shingles && q.bigrams
    CROSS JOIN LATERAL unnest(f.grams) AS g (h)
), counted AS (
    SELECT narrative, h, count(*) AS actors, min(post_id) AS sample
    FROM used
    GROUP BY narrative, h
    HAVING count(*) >= %(min_actors)s
), top AS (
    SELECT *, (h & 3) + 1 AS n,
           row_number() OVER (PARTITION BY narrative
                              ORDER BY actors DESC, (h & 3) DESC, h) AS pos
    FROM counted
), worded AS (
    SELECT t.*, w.phrase
    FROM top t
    CROSS JOIN LATERAL (
        SELECT array_to_string(f.tokens[i:i + t.n - 1], ' ') AS phrase
        FROM post_features f
        CROSS JOIN LATERAL generate_series(1, cardinality(f.tokens) - t.n + 1) AS i
        WHERE f.post_id = t.sample
          AND convergence_phrase_hash(array_to_string(f.tokens[i:i + t.n - 1], ' '), t.n) = t.h
        LIMIT 1
    ) w
    WHERE t.pos <= 5 * %(limit)s
), kept AS (
    SELECT ranked.* FROM (
        SELECT w.*, row_number() OVER (PARTITION BY narrative ORDER BY pos) AS rank
        FROM worded w
        WHERE NOT EXISTS (
            SELECT 1 FROM worded l
            WHERE l.narrative = w.narrative AND l.n > w.n AND l.actors >= w.actors
              AND position(' ' || w.phrase || ' ' IN ' ' || l.phrase || ' ') > 0)
    ) ranked
    WHERE ranked.rank <= %(limit)s
), names AS (
    SELECT u.narrative, u.h, (array_agg(u.actor ORDER BY u.actor))[1:20] AS names
    FROM used u
    WHERE (u.narrative, u.h) IN (SELECT narrative, h FROM kept)
    GROUP BY u.narrative, u.h
)"""

_PHRASES_RESULT = """
SELECT k.narrative,
       jsonb_agg(jsonb_build_object('phrase', k.phrase, 'actors', k.actors,
                                    'uses', k.actors, 'used_by', to_jsonb(nm.names))
                 ORDER BY k.rank) AS phrases
FROM kept k
JOIN names nm ON nm.narrative = k.narrative AND nm.h = k.h
GROUP BY k.narrative
"""


# Constant fragments only: nothing from outside goes into the text.
_COPIES = "WITH RECURSIVE " + _WINDOW_FEATURES + ", " + _COPIES_STEPS + _COPIES_RESULT
_PHRASES = "WITH " + _WINDOW_FEATURES + ", " + _PHRASES_STEPS + _PHRASES_RESULT
_COPIES_AND_PHRASES = (
    "WITH RECURSIVE " + _WINDOW_FEATURES + ", " + _COPIES_STEPS + ",\n"  # noqa: S608
    "copies AS (" + _COPIES_RESULT + "), " + _PHRASES_STEPS + ",\n"
    "phrases AS (" + _PHRASES_RESULT + ")\n"
    "SELECT narrative, coordinated, clusters AS found FROM copies\n"
    "UNION ALL\n"
    "SELECT narrative, NULL, phrases::json FROM phrases\n"
)


Copies = dict[str, dict[str, list[dict[str, Any]]]]
Phrases = dict[str, list[dict[str, Any]]]


def copies_and_phrases(
    conn: psycopg.Connection[Any], window: Window, narrative: str | None,
) -> tuple[Copies, Phrases]:
    """coordinated_copies and shared_phrases (default parameters) in one statement, which
    reads the window's adoption posts and their features once for both."""
    copies: Copies = {}
    phrases: Phrases = {}
    for row in fetch(conn, _COPIES_AND_PHRASES, _params(window, narrative)):
        if row["coordinated"] is None:
            phrases[row["narrative"]] = row["found"]
        else:
            entry = copies.setdefault(row["narrative"], {"coordinated": [], "forward_cascades": []})
            entry["coordinated" if row["coordinated"] else "forward_cascades"] = row["found"]
    return copies, phrases


def _params(window: Window, narrative: str | None, *, similarity: float = COPY_SIMILARITY,
            min_actors: int = 2, limit: int = 10) -> dict[str, Any]:
    return {**window.params(), "narrative": narrative, "similarity": similarity,
            "within": COPY_WITHIN, "min_actors": min_actors, "limit": limit}


def coordinated_copies(
    conn: psycopg.Connection[Any], window: Window, narrative: str | None,
    *, similarity: float = COPY_SIMILARITY,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Per narrative: {'coordinated': clusters, 'forward_cascades': clusters}, searched in
    the post window [t0, post_end]; narratives without any are absent."""
    found: Copies = {}
    for row in fetch(conn, _COPIES, _params(window, narrative, similarity=similarity)):
        entry = found.setdefault(row["narrative"], {"coordinated": [], "forward_cascades": []})
        entry["coordinated" if row["coordinated"] else "forward_cascades"] = row["clusters"]
    return found


def shared_phrases(
    conn: psycopg.Connection[Any], window: Window, narrative: str | None,
    *, min_actors: int = 2, limit: int = 10,
) -> dict[str, list[dict[str, Any]]]:
    """Per narrative: the phrases at least min_actors adopters used in their adoption posts
    in the post window [t0, post_end]: [{phrase, actors, uses (adoption posts using it: one
    per adopter, so equal to actors), used_by (up to 20 names)}]."""
    params = _params(window, narrative, min_actors=min_actors, limit=limit)
    return {r["narrative"]: r["phrases"] for r in fetch(conn, _PHRASES, params)}
