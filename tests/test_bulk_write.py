from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from storage.posts import mark_deleted
from storage.rows import one
from tests.factories import add_source, at, post, write


def _versions(db: Database, native_id: str) -> list[tuple[int, str]]:
    with db.connection() as conn:
        rows = conn.execute(
            """SELECT v.version, v.text FROM post_versions v JOIN posts p ON p.id = v.post_id
               WHERE p.native_id = %(id)s ORDER BY v.version""", {"id": native_id}).fetchall()
    return [(r["version"], r["text"]) for r in rows]


def test_same_batch_twice_adds_nothing(db: Database) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    batch = [post("Tura313", str(i), "2021-11-07 01:00", f"text {i}") for i in range(50)]
    first = write(db, *batch)
    second = write(db, *batch)
    assert (first.inserted, first.updated, first.unchanged) == (50, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 50)
    with db.connection() as conn:
        assert one(conn.execute("SELECT count(*) AS n FROM posts").fetchone())["n"] == 50
        assert one(conn.execute("SELECT count(*) AS n FROM post_versions").fetchone())["n"] == 50


def test_changed_text_becomes_a_new_version_and_the_old_one_is_kept(db: Database) -> None:
    add_source(db, "twitter", "Qais_alkhazali", "Qais al-Khazali", "iraqi_militia")
    write(db, post("Qais_alkhazali", "9", "2021-11-05 10:00", "first", platform="twitter"))
    counts = write(db, post("Qais_alkhazali", "9", "2021-11-05 10:00", "second",
                            platform="twitter", edited_at=at("2021-11-07 03:00")))
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 0)
    # Reverting to an earlier text is a new version too, not a no-op.
    write(db, post("Qais_alkhazali", "9", "2021-11-05 10:00", "first", platform="twitter"))
    assert _versions(db, "9") == [(1, "first"), (2, "second"), (3, "first")]
    with db.connection() as conn:
        row = one(conn.execute("SELECT text, version_count, edited_at FROM posts").fetchone())
    assert row["text"] == "first" and row["version_count"] == 3
    assert row["edited_at"] == at("2021-11-07 03:00")


def test_edit_history_arriving_with_a_new_post_is_kept_in_order(db: Database) -> None:
    add_source(db, "twitter", "alishamkhani_ir", "Ali Shamkhani", "iran_official")
    write(db, post("alishamkhani_ir", "5", "2021-11-07 02:00", "v3", platform="twitter",
                   earlier_texts=["v1", "v2"]))
    assert _versions(db, "5") == [(1, "v1"), (2, "v2"), (3, "v3")]


def test_duplicates_inside_one_batch_keep_the_last(db: Database) -> None:
    add_source(db, "telegram", "sabreenS1", "Sabereen News", "militia_media")
    counts = write(db, post("sabreenS1", "1", "2021-11-07 01:00", "a"),
                   post("sabreenS1", "1", "2021-11-07 01:00", "b"))
    assert counts.inserted == 1
    assert _versions(db, "1") == [(1, "b")]


def test_unknown_source_is_created_as_observer_and_hashes_are_stored(db: Database) -> None:
    write(db, post("someone_new", "1", "2021-11-07 01:00", "Hello  WORLD"))
    with db.connection() as conn:
        src = conn.execute("SELECT role, actor_id FROM sources WHERE handle = 'someone_new'").fetchone()
        p = one(conn.execute("SELECT normalized_text, length(content_hash) AS n, lang FROM posts").fetchone())
    assert src == {"role": "observer", "actor_id": None}
    assert p["normalized_text"] == "hello world" and p["n"] == 32 and p["lang"] == "en"


def test_same_native_id_on_two_sources_are_two_posts(db: Database) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    add_source(db, "telegram", "sabreenS1", "Sabereen News", "militia_media")
    counts = write(db, post("Tura313", "1", "2021-11-07 01:00", "x"),
                   post("sabreenS1", "1", "2021-11-07 01:00", "x"))
    assert counts.inserted == 2


def test_mark_deleted_records_when_it_was_seen_gone(db: Database) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    write(db, post("Tura313", "1", "2021-11-07 01:00", "x"), post("Tura313", "2", "2021-11-07 01:00", "y"))
    with db.connection() as conn:
        assert mark_deleted(conn, "telegram", "tura313", ["1"]) == 1
        assert mark_deleted(conn, "telegram", "Tura313", ["1"]) == 0  # already marked
        rows = conn.execute("SELECT native_id, deleted_seen_at FROM posts ORDER BY native_id").fetchall()
    assert rows[0]["deleted_seen_at"] is not None and rows[1]["deleted_seen_at"] is None


def test_times_keep_their_instant_whatever_the_offset(db: Database) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    write(db, post("Tura313", "1", "2021-11-07T02:30:00+03:00", "x"))
    with db.connection() as conn:
        value = one(conn.execute("SELECT posted_at FROM posts").fetchone())["posted_at"]
    assert value.utcoffset() is not None
    assert value - at("2021-11-06T23:30:00Z") == timedelta(0)


def test_arabic_and_persian_search_matches_every_spelling(db: Database) -> None:
    from classifiers.normalise import normalise

    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    write(db, post("Tura313", "1", "2021-11-07 01:00", "مشروع الفتنة الأمريكي"),
          post("Tura313", "2", "2021-11-07 01:00", "فتنه\u200cگری اندیشکده‌های خارجی"))
    with db.connection() as conn:
        def hits(q: str) -> list[str]:
            return [r["native_id"] for r in conn.execute(
                "SELECT native_id FROM posts WHERE search @@ plainto_tsquery('simple', %(q)s) "
                "ORDER BY native_id", {"q": normalise(q)})]
        assert hits("الفتنه") == ["1"]          # ة / ه folded
        assert hits("الامريكي") == ["1"]        # أ / ا folded
        assert hits("اندیشکده های") == ["2"]    # ZWNJ and Persian ی / ک folded
