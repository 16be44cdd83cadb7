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
