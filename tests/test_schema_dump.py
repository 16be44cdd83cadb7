"""storage/schema.sql, the schema in one readable file, is what the migrations add up to."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import schema_dump
from storage.database import Database
from storage.schema_dump import REGENERATE, SCHEMA_FILE, difference, dump_schema, normalise


def test_schema_file_matches_a_freshly_migrated_database(db: Database) -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    dumped = dump_schema(db.url)
    if dumped != committed:
        pytest.fail(f"storage/schema.sql is out of date: run `{REGENERATE}` and commit it\n"
                    f"{difference(committed, dumped)}", pytrace=False)


def test_check_mode_says_how_to_regenerate(admin_url: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "schema.sql"
    stale.write_text(SCHEMA_FILE.read_text(encoding="utf-8").replace(
        "CREATE TABLE public.posts (", "CREATE TABLE public.postings ("), encoding="utf-8")
    monkeypatch.setattr(schema_dump, "SCHEMA_FILE", stale)
    assert schema_dump.main(["--check", "--admin-url", admin_url]) == 1
    err = capsys.readouterr().err
    assert f"run `{REGENERATE}`" in err and "-CREATE TABLE public.postings (" in err
    assert schema_dump.main(["--admin-url", admin_url]) == 0  # rewrites it
    assert stale.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")


def test_normalise_drops_what_differs_between_servers_and_runs() -> None:
    pg15 = "\n".join([
        "\\restrict Zx81kq", "-- Dumped from database version 15.20",
        "-- Dumped by pg_dump version 15.20", "SET statement_timeout = 0;",
        "SELECT pg_catalog.set_config('search_path', '', false);", "",
        "CREATE VIEW reader.events AS", " SELECT events.id,", "    events.name", "   FROM public.events;",
        "ALTER TABLE ONLY public.events ALTER COLUMN id SET (pg_attver=807131544);", "", "", "",
        "ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA reader GRANT SELECT ON TABLES  TO x;",
        "\\unrestrict Zx81kq", ""])
    pg16 = "\n".join([
        "\\restrict Other", "CREATE VIEW reader.events AS", " SELECT id,", "    name",
        "   FROM public.events;", "",
        "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA reader GRANT SELECT ON TABLES TO x;"])
    assert normalise(pg15, "owner") == normalise(pg16, "postgres")
    assert "FOR ROLE CURRENT_USER" in normalise(pg16, "postgres")
    joined = "\n".join([
        "CREATE VIEW v AS", " SELECT p.id,", "    s.handle", "   FROM (public.posts p",
        "     JOIN public.sources s ON ((s.id = p.source_id)));"])
    assert "p.id" in normalise(joined, "x")  # a join is printed alike: left as it is
