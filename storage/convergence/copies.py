"""Coordinated copies and shared phrases, computed in PostgreSQL from stored post features.

Both look at the post window [T0, T0 + post window], at posts by actors that carry the
narrative, and read the matching features stored with each narrative_posts row (computed
once per post in post_features, migration 030; copied into the rows by migration 060)
rather than re-tokenising texts.

Coordinated copies: posts whose texts are near identical — Jaccard similarity of their
word-bigram sets at least COPY_SIMILARITY — and posted within COPY_WITHIN of each other are
linked; linked posts form clusters (connected components, by union-find in Python:
storage.convergence.clusters). A cluster is a coordinated copy when its re-authored posts
come from two or more distinct actors. Telegram forwards and retweets are listed apart
inside each cluster; clusters that reach two actors only through forwards are reported
separately as forward cascades. Candidate pairs come from prefix filtering (each post's
bigram hashes sorted ascending; two sets with Jaccard >= t must share one of their first
n - ceil(t n) + 1 hashes), so the search needs neither pg_trgm nor every pair compared.
For each shared hash a post is compared with the next MAX_NEIGHBOURS posts holding it in
time order: exact unless more than that many posts share one feature within the hour, a
flood whose clusters might then be shown split; `coordinated_copies_note` says so.

Shared phrases: 2- to 4-word phrases (not starting or ending with a stop word) that at
least `min_actors` distinct adopters used in their adoption post (each adopter's first
post carrying the narrative in the window: the statement that made it an adopter), most
widely used first, longer first on ties; a phrase inside a longer one used by as many
actors is dropped. Phrases are counted by 30-bit hashes (migration 030), which can collide
at millions of posts; every count is verified against the text: an adopter counts for a
phrase only when its adoption post holds the phrase's words in order (a hash shared by two
phrases gives each its own users, never one inflated "talking point"). Each phrase is
shown as one adopter wrote it (`surface`, from that post's text: storage.phrase_surface);
`phrase` is the normalised spelling it was counted in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storage.convergence.clusters import assemble
from storage.convergence.common import COPY_SIMILARITY, COPY_WITHIN, Window, fetch
from storage.database import Conn
from storage.phrase_surface import surface_form

# Candidate pairs per post and shared prefix hash (see _COPIES_STEPS): bounds the search on
# a flood of near-identical posts (5,000 in an hour) to seconds; a note says when it bit.
MAX_NEIGHBOURS = 50

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

# Candidate pairs by prefix filtering: posts sharing a prefix hash within COPY_WITHIN, by a
# hash join as long as a hash is held by at most MAX_NEIGHBOURS + 1 posts of the window. A
# hash held by more ("crowded": a flood of near-copies) would make that join quadratic: there
# each post is compared with the next MAX_NEIGHBOURS posts holding it in time order (a window
# frame, linear in the posts). `bounded` says whether such a frame was full and still inside
# the hour: more posts might have been linked. Pairs are then verified by Jaccard similarity.
_COPIES_STEPS = """
feat AS MATERIALIZED (
    -- One row per post with the narratives it carries here (a post without a word bigram
    -- cannot be a copy). The features are the same in each of the post's rows.
    SELECT post_id, min(posted_at) AS posted_at, array_agg(narrative) AS narratives,
           min(shingles) AS shingles, cardinality(min(shingles)) AS n
    FROM cand
    WHERE cardinality(shingles) > 0
    GROUP BY post_id
), prefix AS MATERIALIZED (
    SELECT post_id, posted_at, h
    FROM feat
    CROSS JOIN LATERAL unnest(
        shingles[1:n - ceil(%(similarity)s * n - 1e-9)::integer + 1]) AS h
), crowded AS MATERIALIZED (
    SELECT h FROM prefix GROUP BY h HAVING count(*) > %(neighbours)s + 1
), uncrowded AS MATERIALIZED (
    SELECT p.* FROM prefix p WHERE NOT EXISTS (SELECT 1 FROM crowded c WHERE c.h = p.h)
), following AS MATERIALIZED (
    SELECT post_id, posted_at,
           array_agg(post_id) OVER w AS next_ids, array_agg(posted_at) OVER w AS next_times
    FROM prefix
    WHERE h IN (SELECT h FROM crowded)
    WINDOW w AS (PARTITION BY h ORDER BY posted_at, post_id
                 ROWS BETWEEN 1 FOLLOWING AND %(neighbours)s FOLLOWING)
), bounded AS (
    SELECT coalesce(bool_or(next_times[%(neighbours)s] <= posted_at + %(within)s), false) AS hit
    FROM following
), pairs AS (
    SELECT DISTINCT least(c.a, c.b) AS a, greatest(c.a, c.b) AS b
    FROM (
        SELECT x.post_id AS a, y.post_id AS b
        FROM uncrowded x
        JOIN uncrowded y ON y.h = x.h AND y.post_id > x.post_id
        WHERE y.posted_at BETWEEN x.posted_at - %(within)s AND x.posted_at + %(within)s
        UNION ALL
        SELECT f.post_id, nx.id
        FROM following f
        CROSS JOIN LATERAL unnest(f.next_ids, f.next_times) AS nx (id, at)
        WHERE nx.at <= f.posted_at + %(within)s
    ) c
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
)"""

_LINKS_RESULT = """
SELECT 'links' AS kind, narrative, x, array_agg(y ORDER BY y) AS ys, NULL::json AS found
FROM linked
GROUP BY narrative, x
UNION ALL
SELECT 'bounded', NULL, NULL, NULL, NULL FROM bounded WHERE hit
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
    -- The words of each top hash, from one adopter post that used it (if that post holds
    -- a phrase whose hash collides with the others', the others' phrase goes unreported).
    SELECT t.narrative, t.h, t.n, t.pos, t.sample, w.phrase
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
), verified AS (
    -- Phrase hashes have 30 bits, so two phrases can share one: an adopter counts for a
    -- phrase only when its adoption post really holds those words in that order.
    SELECT w.narrative, w.h, w.n, w.phrase, w.sample, count(*) AS actors,
           (array_agg(u.actor ORDER BY u.actor))[1:20] AS names
    FROM worded w
    JOIN used u ON u.narrative = w.narrative AND u.h = w.h
    JOIN post_features f ON f.post_id = u.post_id
    WHERE position(' ' || w.phrase || ' ' IN ' ' || array_to_string(f.tokens, ' ') || ' ') > 0
    GROUP BY w.narrative, w.h, w.n, w.phrase, w.sample
    HAVING count(*) >= %(min_actors)s
), kept AS (
    SELECT ranked.* FROM (
        SELECT v.*, row_number() OVER (PARTITION BY narrative
                                       ORDER BY actors DESC, n DESC, h, phrase) AS rank
        FROM verified v
        WHERE NOT EXISTS (
            SELECT 1 FROM verified l
            WHERE l.narrative = v.narrative AND l.n > v.n AND l.actors >= v.actors
              AND position(' ' || v.phrase || ' ' IN ' ' || l.phrase || ' ') > 0)
    ) ranked
    WHERE ranked.rank <= %(limit)s
)"""

# The sample post's text comes along: the phrase is shown as that actor wrote it
# (storage.phrase_surface), not in the normalised spelling it was counted in.
_PHRASES_RESULT = """
SELECT k.narrative,
       jsonb_agg(jsonb_build_object('phrase', k.phrase, 'actors', k.actors,
                                    'uses', k.actors, 'used_by', to_jsonb(k.names),
                                    'surface_post_id', k.sample, 'sample_text', p.text)
                 ORDER BY k.rank) AS phrases
FROM kept k
JOIN posts p ON p.id = k.sample
GROUP BY k.narrative
"""


# Constant fragments only: nothing from outside goes into the text.
_LINKS = "WITH " + _WINDOW_FEATURES + ", " + _COPIES_STEPS + _LINKS_RESULT
_PHRASES = "WITH " + _WINDOW_FEATURES + ", " + _PHRASES_STEPS + _PHRASES_RESULT
_LINKS_AND_PHRASES = (
    "WITH " + _WINDOW_FEATURES + ", " + _COPIES_STEPS + ", " + _PHRASES_STEPS + ",\n"  # noqa: S608
    "phrases AS (" + _PHRASES_RESULT + ")\n" + _LINKS_RESULT + "UNION ALL\n"
    "SELECT 'phrases', narrative, NULL, NULL, phrases::json FROM phrases\n"
)

Phrases = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Copies:
    """Per narrative {'coordinated': clusters, 'forward_cascades': clusters} (narratives
    without any are absent), and a note when the candidate search was bounded."""

    clusters: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    note: str | None = None

    def of(self, narrative: str) -> dict[str, list[dict[str, Any]]]:
        return self.clusters.get(narrative, {"coordinated": [], "forward_cascades": []})


def _bounded_note() -> str:
    return (f"more than {MAX_NEIGHBOURS} posts shared a text feature within "
            f"{int(COPY_WITHIN.total_seconds() // 60)} minutes: each post was compared with "
            f"its next {MAX_NEIGHBOURS} only, so a cluster may be shown split")


def _copies(conn: Conn, rows: list[dict[str, Any]]) -> Copies:
    links: dict[str, list[tuple[int, int]]] = {}
    for row in rows:
        if row["kind"] == "links":
            links.setdefault(row["narrative"], []).extend((row["x"], y) for y in row["ys"])
    bounded = any(row["kind"] == "bounded" for row in rows)
    return Copies(assemble(conn, links), _bounded_note() if bounded else None)


def copies_and_phrases(
    conn: Conn, window: Window, narrative: str | None,
) -> tuple[Copies, Phrases]:
    """coordinated_copies and shared_phrases (default parameters): one statement reads the
    window's adoption posts and their features once for both, a second assembles clusters."""
    rows = fetch(conn, _LINKS_AND_PHRASES, _params(window, narrative))
    phrases = {r["narrative"]: _surfaced(r["found"]) for r in rows if r["kind"] == "phrases"}
    return _copies(conn, rows), phrases


def _params(window: Window, narrative: str | None, *, similarity: float = COPY_SIMILARITY,
            min_actors: int = 2, limit: int = 10) -> dict[str, Any]:
    return {**window.params(), "narrative": narrative, "similarity": similarity,
            "within": COPY_WITHIN, "neighbours": MAX_NEIGHBOURS, "min_actors": min_actors,
            "limit": limit}


def coordinated_copies(
    conn: Conn, window: Window, narrative: str | None,
    *, similarity: float = COPY_SIMILARITY,
) -> Copies:
    """Clusters searched in the post window [t0, post_end] (see Copies)."""
    return _copies(conn, fetch(conn, _LINKS, _params(window, narrative, similarity=similarity)))


def shared_phrases(
    conn: Conn, window: Window, narrative: str | None,
    *, min_actors: int = 2, limit: int = 10,
) -> dict[str, list[dict[str, Any]]]:
    """Per narrative: the phrases at least min_actors adopters used in their adoption posts
    in the post window [t0, post_end]: [{phrase (normalised), actors, uses (adoption posts
    using it: one per adopter, so equal to actors), used_by (up to 20 names), surface (the
    phrase as one of them wrote it), surface_post_id (that post)}]."""
    params = _params(window, narrative, min_actors=min_actors, limit=limit)
    return {r["narrative"]: _surfaced(r["phrases"]) for r in fetch(conn, _PHRASES, params)}


def _surfaced(phrases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each phrase with `surface`: its words as the sample post (`surface_post_id`) wrote
    them (the normalised phrase when the text no longer holds it)."""
    for item in phrases:
        item["surface"] = surface_form(item.pop("sample_text"), item["phrase"]) or item["phrase"]
    return phrases
