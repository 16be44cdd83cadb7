"""Hostile records at the `chorus import` command line: a bad record is named (where and
why) and costs nothing else; invisible characters never make a second source; a database
without its schema or its taxonomy gets one clear line."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from storage.database import Database
from tests.conftest import create_database, drop_database

BASE = {"platform": "telegram", "source": "Tura313", "posted_at": "2021-11-07T01:00:00+00:00"}
# Persian with a zero-width non-joiner and a right-to-left mark: ordinary text, kept as is.
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u200fok"


def _line(number: int, text: str = "good", **changes: object) -> str:
    return json.dumps({**BASE, "id": str(number), "text": text, **changes}, ensure_ascii=False)


def _invoke(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"CHORUS_DATABASE_URL": url})
    # Anything but a clean exit is an escaped exception (a traceback for the user).
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def _import_jsonl(url: str, path: Path) -> tuple[int, dict[str, object], str]:
    code, out, err = _invoke(url, "import", "jsonl", str(path), "--json")
    assert "Traceback" not in out + err
    return code, json.loads(out), err


def _reasons(summary: dict[str, object]) -> dict[str, str]:
    errors = summary["errors"]
    assert isinstance(errors, list)
    return {e["where"]: e["reason"] for e in errors}


def test_a_lone_surrogate_costs_its_own_line_only(db: Database, tmp_path: Path) -> None:
    """31 good lines, then text with a (valid JSON) lone surrogate escape."""
    path = tmp_path / "posts.jsonl"
    good = [_line(n, f"post {n}") for n in range(1, 32)]
    path.write_text("\n".join([*good, _line(32, "PLACEHOLDER")]).replace(
        "PLACEHOLDER", "bad \\ud800 text") + "\n", encoding="utf-8")
    code, out, err = _invoke(db.url, "import", "jsonl", str(path))
    assert code == 1 and "Traceback" not in out + err
    assert "rejected line 32: text contains an unpaired UTF-16 surrogate" in err
    assert "read 32, inserted 31" in out and "rejected 1" in out
    with db.connection() as conn:
        assert conn.execute("SELECT count(*) AS n FROM posts").fetchone() == {"n": 31}


def test_unstorable_and_invisible_characters_in_any_field(db: Database, tmp_path: Path) -> None:
    lines = {
        1: _line(1, PERSIAN),                              # kept, ZWNJ and RLM intact
        2: _line(2, "nul PLACEHOLDER_NUL in text"),        # kept, NUL stripped on write
        3: _line(3, source="Tura313\u200b"),               # zero-width space in the handle
        4: _line(4, source="\u202eTura313"),               # bidi override in the handle
        5: _line(5, source="TuraPLACEHOLDER_NUL313"),      # NUL in the handle
        6: _line(6, source="Tura313PLACEHOLDER_SUR"),      # lone surrogate in the handle
        7: _line(7, raw={"note": "PLACEHOLDER_SUR"}),      # lone surrogate in the raw payload
        8: _line(8, url="https://t.me/x/PLACEHOLDER_NUL"),  # NUL in the URL
        9: _line(9, narratives=["PLACEHOLDER_SUR"]),      # lone surrogate in a label key
        10: _line(10, source="\u2066Tura313\u2069"),       # bidi isolates in the handle
        11: _line(11, "after the bad ones"),
    }
    text = "\n".join(lines.values()).replace("PLACEHOLDER_NUL", "\\u0000").replace(
        "PLACEHOLDER_SUR", "\\udc80")
    path = tmp_path / "hostile.jsonl"
    path.write_text(text + "\n", encoding="utf-8")
    code, summary, err = _import_jsonl(db.url, path)
    assert code == 1 and summary["inserted"] == 3 and summary["rejected"] == 8
    reasons = _reasons(summary)
    assert set(reasons) == {f"line {n}" for n in (3, 4, 5, 6, 7, 8, 9, 10)}
    assert "source handle 'Tura313\\u200b' contains an invisible" in reasons["line 3"]
    assert "U+202E" in reasons["line 4"] and "U+0000" in reasons["line 5"]
    assert "U+DC80" in reasons["line 6"] and "U+2066" in reasons["line 10"]
    assert reasons["line 7"] == "the raw payload contains an unpaired UTF-16 surrogate"
    assert reasons["line 8"] == "url contains a NUL character"
    assert "unknown narrative key(s): '\\udc80'" in reasons["line 9"]
    with db.connection() as conn:
        texts = {r["native_id"]: r["text"] for r in conn.execute(
            "SELECT native_id, text FROM posts")}
        handles = [r["handle"] for r in conn.execute("SELECT handle FROM sources")]
    assert texts == {"1": PERSIAN, "2": "nul  in text", "11": "after the bad ones"}
    assert handles == ["Tura313"]


def test_twarc_author_handle_with_a_zero_width_character(db: Database, tmp_path: Path) -> None:
    def page(tweet_id: str, username: str, text: str) -> str:
        return json.dumps({"data": [{"id": tweet_id, "text": text, "author_id": "42",
                                     "created_at": "2021-11-07T01:00:00.000Z"}],
                           "includes": {"users": [{"id": "42", "username": username}]}},
                          ensure_ascii=False)

    path = tmp_path / "twarc.jsonl"
    path.write_text("\n".join([page("1457153325265850368", "Qais\u200d", "spoofed"),
                               page("1457153325265850369", "Qais", PERSIAN)]) + "\n",
                    encoding="utf-8")
    code, out, err = _invoke(db.url, "import", "twarc", str(path), "--json")
    summary = json.loads(out)
    assert code == 1 and summary["inserted"] == 1 and "Traceback" not in out + err
    assert "U+200D" in _reasons(summary)["line 1"]
    with db.connection() as conn:
        assert conn.execute("SELECT text FROM posts").fetchall() == [{"text": PERSIAN}]


def test_telegram_export_refuses_an_invisible_handle_and_keeps_bidi_text(
        db: Database, tmp_path: Path) -> None:
    export = {"name": "Sabreen", "type": "public_channel", "id": 1234, "messages": [
        {"id": 1, "type": "message", "date_unixtime": "1636246800", "text": PERSIAN},
        {"id": 2, "type": "message", "date_unixtime": "1636246801", "text": "PLACEHOLDER"}]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False).replace(
        "PLACEHOLDER", "a \\u0000 b"), encoding="utf-8")
    code, _, err = _invoke(db.url, "import", "telegram-export", str(path),
                           "--handle", "sabreen\u200bS1")
    assert code == 2 and "invalid handle 'sabreen\\u200bS1'" in err and "U+200B" in err
    code, out, err = _invoke(db.url, "import", "telegram-export", str(path), "--json")
    assert code == 0 and json.loads(out)["inserted"] == 2, err
    with db.connection() as conn:
        texts = [r["text"] for r in conn.execute("SELECT text FROM posts ORDER BY native_id")]
    assert texts == [PERSIAN, "a  b"]


def test_labels_on_a_database_without_its_taxonomy(db: Database, tmp_path: Path) -> None:
    """`db` is migrated (by the library call) but holds no narratives: each labelled line is
    rejected with the command that fixes it; the others land; the summary is printed."""
    path = tmp_path / "labelled.jsonl"
    lines = [_line(n, f"post {n}", narratives=["sedition"] if n % 2 else []) for n in range(1, 9)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, summary, _ = _import_jsonl(db.url, path)
    assert code == 1 and summary["inserted"] == 4 and summary["rejected"] == 4
    assert _reasons(summary)["line 1"] == (
        "unknown narrative key(s): sedition (the database holds no narratives yet: "
        "run `chorus sources sync`)")

    # `chorus db migrate` loads the taxonomy: now every line lands, labels and all.
    code, out, _ = _invoke(db.url, "db", "migrate", "--json")
    assert code == 0 and json.loads(out)["narratives"]["created"] == 9
    code, summary, _ = _import_jsonl(db.url, path)
    assert code == 0 and summary["inserted"] == 4 and summary["labels"] == 4
    lines.append(_line(9, narratives=["sedition", "no_such_narrative"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, summary, _ = _import_jsonl(db.url, path)
    assert code == 1 and summary["rejected"] == 1
    assert _reasons(summary) == {"line 9": "unknown narrative key(s): no_such_narrative"}


@pytest.fixture
def bare_url(admin_url: str) -> Iterator[str]:
    """An empty database: no `chorus db migrate` yet."""
    name = f"chorus_t_{uuid.uuid4().hex[:12]}"
    url = create_database(admin_url, name)
    yield url
    drop_database(admin_url, name)


@pytest.mark.parametrize("kind", ["jsonl", "twarc", "telegram-export"])
def test_an_unmigrated_database_is_one_clear_line(
        bare_url: str, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(_line(1, narratives=["sedition"]) + "\n", encoding="utf-8")
    code, out, err = _invoke(bare_url, "import", kind, str(path))
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("error: the database is not migrated") and err.count("\n") == 1
    assert "run `chorus db migrate`" in err
