"""Coordinated copies and shared phrases, computed in PostgreSQL from stored post features.

Coordinated copies: posts carrying the narrative (actors only) whose texts are near
identical — Jaccard similarity of their word-bigram sets at least COPY_SIMILARITY — and
posted within COPY_WITHIN of each other are linked; linked posts form clusters. A cluster
is a coordinated copy when its re-authored posts come from two or more distinct actors.
Telegram forwards and retweets are listed apart inside each cluster; clusters that reach
two actors only through forwards are reported separately as forward cascades.

Candidate pairs come from prefix filtering (each post's bigram hashes sorted ascending; two
sets with Jaccard >= t must share one of their first n - ceil(t n) + 1 hashes), so the
search is exact without pg_trgm and without comparing every pair.

Shared phrases: word n-grams (2 to 4 words, not starting or ending with a stop word) that
at least `min_actors` distinct adopters used in the report window, longest and most
widely used first; a phrase inside a longer one used by as many actors is dropped.
"""

from __future__ import annotations

from typing import Any

import psycopg

from classifiers.normalise import normalise_for_matching
from storage.convergence_common import COPY_SIMILARITY, COPY_WITHIN, Window, fetch

_COPIES = """
WITH RECURSIVE cand AS (
    SELECT a.narrative, a.post_id, a.actor_id, a.actor, a.group_key, a.platform, a.posted_at,
           p.kind, p.url, p.forwarded_from, p.norm_hash, left(p.text, 280) AS text
    FROM narrative_adoptions a
    JOIN posts p ON p.id = a.post_id
    WHERE a.posted_at >= %(pre_start)s AND a.posted_at <= %(post_end)s
      AND (%(narrative)s::text IS NULL OR a.narrative = %(narrative)s::text)
), feat AS (
    SELECT f.post_id, c.posted_at, f.shingles, cardinality(f.shingles) AS n
    FROM (SELECT DISTINCT post_id, posted_at FROM cand) c
    JOIN post_features f ON f.post_id = c.post_id
    WHERE cardinality(f.shingles) > 0
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
), edges AS (
    SELECT pr.a, pr.b
    FROM pairs pr
    JOIN feat fa ON fa.post_id = pr.a
    JOIN feat fb ON fb.post_id = pr.b
    CROSS JOIN LATERAL (
        SELECT count(*) AS shared FROM unnest(fa.shingles) s WHERE s = ANY (fb.shingles)
    ) i
    WHERE i.shared::double precision / (fa.n + fb.n - i.shared) >= %(similarity)s
), linked AS (
    SELECT ca.narrative, e.a AS x, e.b AS y
    FROM edges e
    JOIN cand ca ON ca.post_id = e.a
    JOIN cand cb ON cb.post_id = e.b AND cb.narrative = ca.narrative
), undirected AS (
    SELECT narrative, x, y FROM linked UNION ALL SELECT narrative, y, x FROM linked
), reach (narrative, node, root) AS (
    SELECT narrative, x, x FROM undirected
    UNION
    SELECT r.narrative, u.y, r.root
    FROM reach r
    JOIN undirected u ON u.narrative = r.narrative AND u.x = r.node
), members AS (
    SELECT cl.cluster, c.*, c.kind IN ('forward', 'retweet') AS is_forward
    FROM (SELECT narrative, node, min(root) AS cluster FROM reach GROUP BY narrative, node) cl
    JOIN cand c ON c.post_id = cl.node AND c.narrative = cl.narrative
), clusters AS (
    SELECT narrative, cluster,
           count(DISTINCT actor_id) FILTER (WHERE NOT is_forward) AS authors,
           count(DISTINCT actor_id) AS actors,
           min(posted_at) AS first_at, max(posted_at) AS last_at,
           count(DISTINCT norm_hash) = 1 AS identical,
           (array_agg(text ORDER BY is_forward, posted_at, post_id))[1] AS text,
           jsonb_agg(DISTINCT group_key) AS groups,
           coalesce(jsonb_agg(jsonb_build_object(
               'actor', actor, 'group', group_key, 'platform', platform, 'kind', kind,
               'posted_at', convergence_iso(posted_at), 'url', url, 'post_id', post_id)
               ORDER BY posted_at, post_id) FILTER (WHERE NOT is_forward), '[]') AS posts,
           coalesce(jsonb_agg(jsonb_build_object(
               'actor', actor, 'group', group_key, 'platform', platform, 'kind', kind,
               'forwarded_from', forwarded_from,
               'posted_at', convergence_iso(posted_at), 'url', url, 'post_id', post_id)
               ORDER BY posted_at, post_id) FILTER (WHERE is_forward), '[]') AS forwards
    FROM members
    GROUP BY narrative, cluster
)
SELECT narrative, authors >= 2 AS coordinated,
       jsonb_agg(jsonb_build_object(
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

_PHRASES = """
WITH cand AS (
    SELECT DISTINCT a.narrative, a.actor, a.post_id
    FROM narrative_adoptions a
    WHERE a.posted_at >= %(pre_start)s AND a.posted_at <= %(post_end)s
      AND (%(narrative)s::text IS NULL OR a.narrative = %(narrative)s::text)
), grams AS (
    SELECT c.narrative, c.actor, g.n,
           array_to_string(f.tokens[i:i + g.n - 1], ' ') AS phrase
    FROM cand c
    JOIN post_features f ON f.post_id = c.post_id
    CROSS JOIN generate_series(2, 4) AS g (n)
    CROSS JOIN LATERAL generate_series(1, cardinality(f.tokens) - g.n + 1) AS i
    WHERE NOT (f.tokens[i] = ANY (%(stop)s::text[])
               OR f.tokens[i + g.n - 1] = ANY (%(stop)s::text[]))
), counted AS (
    SELECT narrative, phrase, n, count(DISTINCT actor) AS actors, count(*) AS uses,
           (array_agg(DISTINCT actor))[1:20] AS used_by
    FROM grams
    GROUP BY narrative, phrase, n
    HAVING count(DISTINCT actor) >= %(min_actors)s
), top AS (
    SELECT *, row_number() OVER (PARTITION BY narrative
                                 ORDER BY actors DESC, n DESC, uses DESC, phrase) AS pos
    FROM counted
), kept AS (
    SELECT t.*, row_number() OVER (PARTITION BY narrative ORDER BY pos) AS rank
    FROM top t
    WHERE t.pos <= 5 * %(limit)s
      AND NOT EXISTS (
          SELECT 1 FROM top l
          WHERE l.narrative = t.narrative AND l.pos <= 5 * %(limit)s AND l.n > t.n
            AND l.actors >= t.actors
            AND position(' ' || t.phrase || ' ' IN ' ' || l.phrase || ' ') > 0)
)
SELECT narrative,
       jsonb_agg(jsonb_build_object('phrase', phrase, 'actors', actors, 'uses', uses,
                                    'used_by', to_jsonb(used_by)) ORDER BY rank) AS phrases
FROM kept
WHERE rank <= %(limit)s
GROUP BY narrative
"""

# Common function words in English, Arabic and Persian, folded like the stored tokens.
_STOP_WORDS_RAW = """
a an the of to in on at for by with from and or but not no is are was were be been being
this that these those it its as has have had will would can could should who whom which
what when where why how their they them we our us he his him she her you your i me my
there here than then so if into about after before over also just all any more most
في من على إلى الى عن أن ان إن هذا هذه ذلك تلك التي الذي الذين مع كان كانت قد لا ما لم لن
و أو او ثم بعد قبل كل هو هي هم نحن انه أنه إنه بين أيضا ايضا حتى عند منذ لقد إذا اذا وقد وفي
ولا وما كما غير عليه عليها فيه فيها به بها له لها لهم هناك
و در به از که این آن را با است برای هم تا بر یک شد شده می های کرد خود ای ما او آنها
"""
STOP_WORDS: tuple[str, ...] = tuple(
    sorted({normalise_for_matching(w) for w in _STOP_WORDS_RAW.split()} - {""})
)


def coordinated_copies(
    conn: psycopg.Connection[Any], window: Window, narrative: str | None,
    *, similarity: float = COPY_SIMILARITY,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Per narrative: {'coordinated': clusters, 'forward_cascades': clusters}, searched in
    [pre_start, post_end]; narratives without any are absent."""
    params = {**window.params(), "narrative": narrative, "similarity": similarity,
              "within": COPY_WITHIN}
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in fetch(conn, _COPIES, params):
        entry = found.setdefault(row["narrative"], {"coordinated": [], "forward_cascades": []})
        entry["coordinated" if row["coordinated"] else "forward_cascades"] = row["clusters"]
    return found


def shared_phrases(
    conn: psycopg.Connection[Any], window: Window, narrative: str | None,
    *, min_actors: int = 2, limit: int = 10,
) -> dict[str, list[dict[str, Any]]]:
    """Per narrative: the phrases at least min_actors adopters used in [pre_start, post_end]."""
    params = {**window.params(), "narrative": narrative, "stop": list(STOP_WORDS),
              "min_actors": min_actors, "limit": limit}
    return {r["narrative"]: r["phrases"] for r in fetch(conn, _PHRASES, params)}
