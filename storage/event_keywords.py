"""Keywords and aliases of events (en/ar/fa): what attribution matches posts against.

A keyword is stored as written and as a match form: folded by the project's Arabic/Persian
normalisation (classifiers.normalise.normalise: hamza, ta marbuta, Persian ye/kaf, digits,
diacritics, case) and then tokenised in SQL like every post's matching features
(convergence_keyword_form, migration 090), so «المنطقة الخضراء», «المنطقه الخضراء» and
«للمنطقة الخضراء» all match one keyword. The rules that use them: storage.convergence.attribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from classifiers.normalise import normalise, normalise_for_matching
from storage.convergence.common import fetch
from storage.database import Conn

_STORE = """
INSERT INTO event_keywords (event_id, lang, keyword, form)
SELECT %(event_id)s, k.lang, k.keyword, convergence_keyword_form(k.normalised)
FROM unnest(%(langs)s::text[], %(keywords)s::text[], %(normalised)s::text[])
     AS k (lang, keyword, normalised)
ON CONFLICT (event_id, lang, keyword) DO NOTHING
"""

_OF_EVENTS = """
SELECT event_id, lang, array_agg(keyword ORDER BY keyword) AS keywords
FROM event_keywords
WHERE event_id = ANY (%(ids)s::bigint[])
GROUP BY event_id, lang
"""


class KeywordError(ValueError):
    """A keyword that cannot match anything (nothing but punctuation or spaces)."""


def checked(keywords: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Keywords per language, trimmed and without duplicates; an empty one is an error."""
    out: dict[str, list[str]] = {}
    for lang, values in keywords.items():
        for value in values:
            text = " ".join(str(value).split())
            if not normalise_for_matching(text):
                raise KeywordError(f"keyword {value!r} ({lang}) has no letters or digits")
            if text not in out.setdefault(lang, []):
                out[lang].append(text)
    return out


def store_keywords(conn: Conn, event_id: int,
                   keywords: Mapping[str, Iterable[str]]) -> int:
    """Add keywords to an event (those it has already are kept); returns how many were new."""
    pairs = [(lang, text) for lang, values in checked(keywords).items() for text in values]
    if not pairs:
        return 0
    with conn.cursor() as cur:
        cur.execute(_STORE, {"event_id": event_id, "langs": [p[0] for p in pairs],
                             "keywords": [p[1] for p in pairs],
                             "normalised": [normalise(p[1]) for p in pairs]})
        return cur.rowcount


def keywords_of(conn: Conn,
                event_ids: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """Each event's keywords by language (events without any are absent)."""
    found: dict[int, dict[str, list[str]]] = {}
    for row in fetch(conn, _OF_EVENTS, {"ids": list(event_ids)}):
        found.setdefault(int(row["event_id"]), {})[row["lang"]] = list(row["keywords"])
    return found
