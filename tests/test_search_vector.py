"""Search vectors built in Python agree with the SQL fallback and with what queries ask."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers.normalise import normalise
from storage.database import Database
from storage.search_vector import MAX_POSITIONS, search_query, search_vector
from tests.factories import add_source, post, write

ROOT = Path(__file__).resolve().parents[1]
TRICKY = [
    "", "   ", "!!!", "Al-Kadhimi said: the attack, the ATTACK! again...",
    "«مشروع فتنة» أمريكي؟ نعم، ١٠٠٪ — قالها",
    "فتنه\u200cگری اندیشکده‌های خارجی، آمریکا!",
    "https://t.me/sabreenS1/36291 and www.example.com/a?b=c#d",
    "emoji 😀🔥 mixed‏ marks ‎ and tabs\tnew\nlines",
    "snake_case and C++ and e-mail@example.com 1.5 3,000 50%",
    "word " * 300,
    "x" * 3000 + " after the long word",
    "a " * 16999 + "last",
    " ".join(f"w{i}" for i in range(17000)),  # past the 100,000 indexed characters
    "'quoted' \\back\\slash \"double\"",
]


def _replay_texts(limit: int = 400) -> list[str]:
    texts = []
    with (ROOT / "seeds" / "replay" / "corpus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= limit:
                break
    return texts


def test_python_and_sql_split_words_the_same(db: Database) -> None:
    texts = [normalise(t) for t in TRICKY + _replay_texts()]
    with db.connection() as conn:
        for text in texts:
            row = conn.execute(
                "SELECT search_vector(%(t)s) = %(v)s::tsvector AS same, "
                "search_vector(%(t)s)::text AS sql, %(v)s::tsvector::text AS py",
                {"t": text, "v": search_vector(text)}).fetchone()
            assert row is not None and row["same"], (text[:80], row["sql"][:200], row["py"][:200])


def test_limits_of_tsvector_are_respected() -> None:
    assert search_vector(normalise("word " * 300)) == "'word':" + ",".join(
        str(i) for i in range(1, MAX_POSITIONS + 1))
    long_word = search_vector("x" * 3000 + " after")
    assert "xxx" not in long_word and "'after':2" in long_word
    assert search_vector("a " * 16999 + "last").endswith("'last':16383")


def test_queries_follow_websearch_rules() -> None:
    assert search_query("FALSE flag") == "'false' & 'flag'"
    assert search_query('"false flag" or sedition -embassy') == (
        "( 'false' <-> 'flag' ) | 'sedition' & !'embassy'")
    assert search_query("al-Kadhimi") == "( 'al' <-> 'kadhimi' )"
    assert search_query("«مشروع الفتنة»") == "( 'مشروع' <-> 'الفتنه' )"
    assert search_query("or") == search_query("!!!") == ""


def test_rows_written_without_the_write_path_get_a_vector(db: Database) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    write(db, post("Tura313", "1", "2021-11-07 01:00", "first text"))
    with db.connection() as conn:
        conn.execute(
            "INSERT INTO posts (platform, source_id, native_id, posted_at, text, normalized_text,"
            " content_hash, norm_hash) SELECT platform, source_id, '2', posted_at, 'Direct-SQL',"
            " 'direct-sql', content_hash, norm_hash FROM posts WHERE native_id = '1'")
        conn.execute("UPDATE posts SET normalized_text = 'edited by hand' WHERE native_id = '1'")
        rows = {r["native_id"]: r["search"] for r in conn.execute(
            "SELECT native_id, search::text AS search FROM posts")}
    assert rows == {"1": "'by':2 'edited':1 'hand':3", "2": "'direct':1 'sql':2"}


@pytest.mark.parametrize(("query", "expected"), [
    ("al-kadhimi", ["1"]), ("kadhimi", ["1"]), ('"the attack"', ["1"]),
    ("attack -kadhimi", ["2"]), ("C++", ["2"]), ("!!!", []),
])
def test_stored_vectors_answer_queries(db: Database, query: str, expected: list[str]) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    write(db, post("Tura313", "1", "2021-11-07 01:00", "Al-Kadhimi condemned the attack."),
          post("Tura313", "2", "2021-11-07 02:00", "An attack, they say; C++ is a language"))
    with db.connection() as conn:
        found = [r["native_id"] for r in conn.execute(
            "SELECT native_id FROM posts WHERE search @@ %(q)s::tsquery ORDER BY native_id",
            {"q": search_query(query)})]
    assert found == expected
