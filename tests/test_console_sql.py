"""The SQL tab: read-only SQL on curated views as chorus_reader, with a time limit, a row cap,
CSV export and saved queries; and the red-team list, each refused or harmless."""

from __future__ import annotations

import csv
import io
import re
import time
import tracemalloc
import uuid
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage.database import Database
from storage.readonly import ReadOnlyRunner, bind_parameters, parameter_names, reader_url
from tests.console_corpus import Corpus, client_for, csrf_token

pytest_plugins = ["tests.console_fixtures"]


@pytest.fixture
def client(seeded_db: Database, corpus: Corpus, tmp_path: Path) -> TestClient:
    return client_for(seeded_db, tmp_path, sql_timeout_ms="700", sql_row_cap="5")


def run(client: TestClient, sql: str, **params: str) -> tuple[int, str]:
    token = csrf_token(client, "/sql")
    data = {"csrf_token": token, "sql": sql, "action": "run",
            **{f"param_{k}": v for k, v in params.items()}}
    response = client.post("/sql", data=data)
    return response.status_code, response.text


def cells(page: str) -> list[list[str]]:
    table = page.split('id="sql-result"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("<tr>")[1:]]


def error_of(page: str) -> str:
    found = re.search(r'id="sql-error">(.*?)</p>', page, re.S)
    assert found, "no error shown"
    return found.group(1)


# --- parameters ------------------------------------------------------------------------

def test_named_parameters_are_bound_outside_literals_and_comments() -> None:
    bound = bind_parameters(
        "SELECT :a, ':b', \"x:c\", $$ :d $$, $t$ :e $t$, E'\\' :f', x::text -- :g\n"
        "/* :h /* :i */ */ FROM t WHERE y LIKE '%z' AND w = :a AND v = :j")
    assert bound.names == ("a", "j")
    assert bound.text.startswith("SELECT %(a)s, ':b', \"x:c\", $$ :d $$, $t$ :e $t$, E'\\' :f'")
    assert "x::text" in bound.text and "LIKE '%%z'" in bound.text
    assert bound.text.endswith("w = %(a)s AND v = %(j)s")
    assert parameter_names("SELECT 1") == ()


def test_the_reader_connects_with_its_own_name_and_password() -> None:
    url = reader_url("postgresql://app:app-secret@db.example:5433/chorus", "chorus_reader")
    assert "app-secret" not in url and "user=chorus_reader" in url
    assert "dbname=chorus" in url and "port=5433" in url
    with_password = reader_url("postgresql://app:app-secret@db.example/chorus",
                               "chorus_reader", "reader-secret")
    assert "password=reader-secret" in with_password and "app-secret" not in with_password


def test_a_query_with_parameters_runs_with_the_values(client: TestClient) -> None:
    status, page = run(client, "SELECT handle, lang FROM posts WHERE lang = :lang "
                               "AND posted_at >= :since ORDER BY id", lang="fa",
                       since="2021-11-07")
    assert status == 200
    assert cells(page) == [["alishamkhani_ir", "fa"]]
    assert 'name="param_lang" value="fa"' in page
    status, page = run(client, "SELECT * FROM posts WHERE lang = :lang")
    assert status == 400 and "missing value for parameter :lang" in error_of(page)
    assert 'name="param_lang"' in page  # the box to fill in


def test_results_are_capped_and_marked_truncated(client: TestClient) -> None:
    status, page = run(client, "SELECT g FROM generate_series(1, 50) AS g")
    assert status == 200
    assert [c[0] for c in cells(page)] == ["1", "2", "3", "4", "5"]
    assert "(truncated at 5)" in page
    status, page = run(client, "SELECT g FROM generate_series(1, 5) AS g")
    assert "truncated" not in page.split('id="sql-summary"')[1].split("</p>")[0]


def test_default_limits_are_five_seconds_and_a_thousand_rows(seeded_db: Database,
                                                             tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path)
    runner = client.app.state.console.runner  # type: ignore[attr-defined]
    assert (runner.timeout_ms, runner.row_cap) == (5000, 1000)
    status, page = run(client, "SHOW statement_timeout")
    assert status == 200 and cells(page) == [["5s"]]


def test_csv_export_of_a_query(client: TestClient) -> None:
    token = csrf_token(client, "/sql")
    response = client.post("/sql", data={
        "csrf_token": token, "action": "export",
        "sql": "SELECT g, '=1+1' AS f FROM generate_series(1, 9) AS g"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["x-chorus-truncated"] == "true"
    assert response.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["g", "f"] and len(rows) == 6 and rows[1] == ["1", "'=1+1"]


def test_csv_export_header_cells_are_not_formulas(client: TestClient) -> None:
    token = csrf_token(client, "/sql")
    response = client.post("/sql", data={
        "csrf_token": token, "action": "export",
        "sql": 'SELECT 1 AS "=HYPERLINK(1)", 2 AS "@SUM(A1)", 3 AS "+x", 4 AS "-x", '
               "5 AS \"\tx\", 6 AS \"\rx\", 'ok' AS plain"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["'=HYPERLINK(1)", "'@SUM(A1)", "'+x", "'-x", "'\tx", "'\rx", "plain"]


def test_cells_and_results_are_capped_in_bytes(seeded_db: Database, corpus: Corpus,
                                               tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path, sql_row_cap="50", sql_cell_cap_bytes="100",
                        sql_result_cap_bytes="1000")
    status, page = run(client, "SELECT repeat('x', 1000000) AS big "
                               "FROM generate_series(1, 1000)")
    assert status == 200
    rows = cells(page)
    # 100 bytes a cell: the 1,000-byte budget is reached after ten rows and fetching stops.
    assert len(rows) == 10
    assert rows[0][0] == "x" * 100 + "… [cut at 100 of 1,000,000 bytes]"
    assert len(page) < 50_000
    summary = page.split('id="sql-summary"')[1].split("</p>")[0]
    assert "stopped at 1,000 bytes" in summary and "10 cells cut at 100 bytes" in summary
    # Cut on a character boundary: Arabic letters are two bytes each.
    status, page = run(client, "SELECT repeat('ع', 100) AS ar")
    assert cells(page)[0][0] == "ع" * 50 + "… [cut at 100 of 200 bytes]"
    summary = page.split('id="sql-summary"')[1].split("</p>")[0]
    assert "stopped" not in summary and "1 cells cut" in summary
    token = csrf_token(client, "/sql")
    export = client.post("/sql", data={"csrf_token": token, "action": "export",
                                       "sql": "SELECT repeat('y', 1000000) AS big "
                                              "FROM generate_series(1, 1000)"})
    assert len(export.content) < 5_000
    assert export.headers["x-chorus-truncated"] == "true"
    assert export.headers["x-chorus-byte-capped"] == "true"
    assert export.headers["x-chorus-cells-cut"] == "10"
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(lines) == 11 and lines[1][0].endswith("[cut at 100 of 1,000,000 bytes]")


def test_a_large_result_is_never_held_whole(seeded_db: Database, corpus: Corpus,
                                            tmp_path: Path) -> None:
    """Rows arrive one at a time and are cut as they come: twenty 2 MB rows never sit in
    memory together."""
    client = client_for(seeded_db, tmp_path, sql_row_cap="20", sql_cell_cap_bytes="1000")
    run(client, "SELECT 1")  # templates compiled, connection code loaded
    tracemalloc.start()
    try:
        status, page = run(client, "SELECT repeat('z', 2000000) FROM generate_series(1, 20)")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 200 and len(cells(page)) == 20
    assert peak < 12_000_000, f"peak {peak:,} bytes"


def test_saved_queries(client: TestClient) -> None:
    token = csrf_token(client, "/sql")
    sql = "SELECT count(*) AS n FROM effective_tags WHERE narrative = :narrative"
    saved = client.post("/sql", data={"csrf_token": token, "action": "save", "sql": sql,
                                      "name": "narrative size", "description": "posts"})
    assert saved.status_code == 303
    page = client.get(saved.headers["location"]).text
    assert "narrative size" in page.split('id="saved"')[1]
    assert "effective_tags WHERE narrative = :narrative" in page
    assert 'name="param_narrative"' in page
    status, result = run(client, sql, narrative="false_flag")
    assert cells(result) == [["3"]]
    # Saving under the same name replaces the text.
    client.post("/sql", data={"csrf_token": token, "action": "save", "name": "narrative size",
                              "sql": "SELECT 2"})
    query_id = saved.headers["location"].rsplit("=", 1)[1]
    assert "SELECT 2" in client.get(f"/sql?saved={query_id}").text
    nameless = client.post("/sql", data={"csrf_token": token, "action": "save", "name": " ",
                                         "sql": "SELECT 1"})
    assert nameless.status_code == 400 and "needs a name" in nameless.text
    deleted = client.post(f"/sql/saved/{query_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert client.get(f"/sql?saved={query_id}").status_code == 404


def test_only_the_curated_views_are_readable(client: TestClient) -> None:
    status, page = run(client, "SELECT handle FROM posts ORDER BY id LIMIT 1")
    assert status == 200
    for sql in ("SELECT * FROM public.posts", "SELECT * FROM console_users",
                "SELECT * FROM public.console_sessions", "SELECT * FROM saved_queries",
                "SELECT * FROM digests"):
        status, page = run(client, sql)
        assert status == 400, sql
        assert re.search(r"refused|does not exist", error_of(page)), sql


def test_a_missing_reader_role_turns_the_tab_off_with_the_reason(
        seeded_db: Database, corpus: Corpus, tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path,
                        sql_reader_role=f"chorus_absent_{uuid.uuid4().hex[:8]}")
    page = client.get("/sql").text
    assert "does not exist" in page and "CREATE ROLE" in page
    status, _ = run(client, "SELECT 1")
    assert status == 503


# --- red team --------------------------------------------------------------------------

def fingerprint(db: Database) -> tuple[object, ...]:
    """Everything the red team might try to change."""
    with db.connection() as conn:
        row = conn.execute(
            """SELECT (SELECT count(*) FROM posts) AS posts,
                      (SELECT count(*) FROM labels) AS labels,
                      (SELECT count(*) FROM events) AS events,
                      (SELECT md5(string_agg(relname::text || relkind::text, ',' ORDER BY relname))
                         FROM pg_class WHERE relnamespace = 'public'::regnamespace) AS tables,
                      (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                          AND database = (SELECT oid FROM pg_database
                                          WHERE datname = current_database())) AS locks,
                      (SELECT rolconfig::text FROM pg_roles
                        WHERE rolname = 'chorus_reader') AS reader_settings"""
        ).fetchone()
    assert row is not None
    return tuple(row.values())


PWNED = Path(f"/tmp/chorus-pwned-{uuid.uuid4().hex}")
RED_TEAM = [
    "COMMIT; DROP TABLE posts",
    "DROP TABLE posts",
    "WITH gone AS (DELETE FROM posts RETURNING id) SELECT count(*) FROM gone",
    "WITH gone AS (DELETE FROM public.posts RETURNING id) SELECT count(*) FROM gone",
    "WITH added AS (INSERT INTO labels (post_id, narrative, verdict, analyst) "
    "VALUES (1, 'false_flag', 'confirm', 'x') RETURNING id) SELECT * FROM added",
    "SET TRANSACTION READ WRITE",
    "SELECT set_config('statement_timeout', '0', false), pg_sleep(60)",
    "SET statement_timeout = 0",
    "SELECT pg_advisory_lock(42)",
    "SELECT pg_try_advisory_lock(4856853483521736705)",
    "SELECT pg_advisory_xact_lock(7)",
    "SELECT pg_sleep(60)",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT pg_ls_dir('.')",
    "SELECT lo_import('/etc/passwd')",
    f"COPY (SELECT 1) TO PROGRAM 'touch {PWNED}'",
    f"COPY (SELECT 1) TO '{PWNED}'",
    "SELECT dblink_connect('host=127.0.0.1 dbname=postgres user=postgres')",
    "SELECT * FROM dblink('host=127.0.0.1 user=postgres', 'SELECT 1') AS t(x int)",
    "SELECT public.dblink_connect('host=127.0.0.1 dbname=postgres user=postgres')",
    "SELECT * FROM public.dblink('host=127.0.0.1 user=postgres', 'SELECT 1') AS t(x int)",
    "CREATE TEMP TABLE loot (x int)",
    "LOCK TABLE posts",
    "LOCK TABLE public.labels IN ACCESS EXCLUSIVE MODE",
    "SELECT 1; SELECT 2",
    "SELECT 1; DELETE FROM labels",
    "ALTER ROLE chorus_reader SET statement_timeout = 0",
    "GRANT SELECT ON console_users TO PUBLIC",
    "CREATE EXTENSION IF NOT EXISTS dblink",
    "SELECT * FROM console_users",
    "SELECT password_hash FROM public.console_users",
]
# set_config is PUBLIC's again (migration 070: pg_dump needs it); in the tab it may run, and
# its setting dies with the query's connection.
HARMLESS = [
    "SELECT set_config('statement_timeout', '0', false)",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
]


@pytest.fixture
def armed(seeded_db: Database, corpus: Corpus, tmp_path: Path) -> TestClient:
    """A console whose database has dblink installed, as an operator might have done (where the
    server ships it: the embedded PostgreSQL 16 has no contrib modules, and its attacks then
    fail for want of the functions, which the test still checks)."""
    with seeded_db.connection() as conn:
        available = conn.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'dblink'").fetchone()
        if available:
            conn.execute("CREATE EXTENSION IF NOT EXISTS dblink")
    return client_for(seeded_db, tmp_path, sql_timeout_ms="700")


def test_red_team(seeded_db: Database, armed: TestClient) -> None:
    """Every attack in one database (fast); each is checked on its own and all are reported."""
    problems: list[str] = []
    for attack in RED_TEAM + HARMLESS:
        before = fingerprint(seeded_db)
        started = time.monotonic()
        status, page = run(armed, attack)
        elapsed = time.monotonic() - started
        if attack not in HARMLESS and (status != 400 or "sql-error" not in page):
            problems.append(f"{attack!r} was not refused (HTTP {status})")
        if elapsed > 5:
            problems.append(f"{attack!r} held the console {elapsed:.1f} s")
        if fingerprint(seeded_db) != before:
            problems.append(f"{attack!r} changed the database")
        if PWNED.exists():
            problems.append(f"{attack!r} ran a program or wrote a file")
        # Still answering, and the limits are the console's, not the attacker's.
        if armed.get("/healthz").status_code != 200:
            problems.append(f"{attack!r} took /healthz down")
        status, page = run(armed, "SHOW statement_timeout")
        if status != 200 or cells(page) != [["700ms"]]:
            problems.append(f"{attack!r} changed the time limit")
        status, page = run(armed, "SHOW transaction_read_only")
        if status != 200 or cells(page) != [["on"]]:
            problems.append(f"{attack!r} made the tab writable")
    assert problems == []


def test_a_long_query_is_cancelled_at_the_limit(seeded_db: Database, corpus: Corpus) -> None:
    runner = ReadOnlyRunner(seeded_db.url, timeout_ms=300)
    started = time.monotonic()
    with pytest.raises(Exception, match="ran past the 300 ms limit"):
        runner.run("SELECT pg_sleep(30)")
    assert time.monotonic() - started < 3
    assert runner.run("SELECT 41 + 1").rows == [(42,)]
