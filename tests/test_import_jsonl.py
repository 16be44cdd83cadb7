from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from storage.database import Database
from storage.rows import one

GOOD = {"platform": "telegram", "source": "Tura313", "id": "1",
        "posted_at": "2021-11-07T01:00:00+00:00", "text": "مشروع فتنة"}


def _line(**changes: object) -> str:
    obj = {**GOOD, **changes}
    return json.dumps({k: v for k, v in obj.items() if v is not ...}, ensure_ascii=False)


def run(db: Database, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"CHORUS_DATABASE_URL": db.url})
    return result.exit_code, result.stdout, result.stderr


def test_good_lines_land_bad_lines_are_reported_with_their_numbers(
        seeded_db: Database, tmp_path: Path) -> None:
    lines = [
        _line(id="1", narratives=["sedition"]),
        "",                                              # blank: ignored
        "{not json",                                     # 3
        _line(id="4", posted_at="yesterday"),            # 4
        _line(id="5", platform="myspace"),               # 5
        _line(id="6", text=...),                         # 6 missing text
        _line(id=7),                                     # 7 mistyped id
        _line(id="8", posted_at="2021-11-07T01:00:00"),  # 8 no offset
        _line(id="9", platform="x", source="@alishamkhani_ir", lang="fa"),
        _line(id="10", narratives=["not_a_narrative"]),  # 10
        "[1, 2]",                                        # 11
        _line(id="12", forwarded_from="sabreenS1"),
    ]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(seeded_db, "import", "jsonl", str(path), "--json")
    assert code == 1
    summary = json.loads(out)
    assert summary["read"] == 11 and summary["inserted"] == 3 and summary["rejected"] == 8
    reasons = {e["where"]: e["reason"] for e in summary["errors"]}
    assert reasons["line 3"].startswith("invalid JSON")
    assert "posted_at is not an ISO 8601 time" in reasons["line 4"]
    assert "unknown platform 'myspace'" in reasons["line 5"]
    assert "missing field(s): text" in reasons["line 6"]
    assert "id must be a string" in reasons["line 7"]
    assert "no UTC offset" in reasons["line 8"]
    assert "unknown narrative key(s): not_a_narrative" in reasons["line 10"]
    assert "expected a JSON object" in reasons["line 11"]
    assert "Traceback" not in out + err
    with seeded_db.connection() as conn:
        labels = conn.execute("SELECT narrative, verdict FROM labels").fetchall()
        fwd = conn.execute("SELECT kind, forwarded_from FROM posts WHERE native_id = '12'").fetchone()
        x = conn.execute("SELECT p.platform, s.handle FROM posts p JOIN sources s ON s.id = p.source_id "
                         "WHERE native_id = '9'").fetchone()
    assert labels == [{"narrative": "sedition", "verdict": "confirm"}]
    assert fwd == {"kind": "forward", "forwarded_from": "sabreenS1"}
    assert x == {"platform": "twitter", "handle": "alishamkhani_ir"}

    # Importing again: nothing new, labels not doubled.
    code, out, _ = run(seeded_db, "import", "jsonl", str(path), "--json")
    again = json.loads(out)
    assert again["inserted"] == 0 and again["unchanged"] == 3 and again["labels"] == 0


def test_clean_file_exits_zero_with_a_readable_summary(seeded_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text(_line(id="1") + "\n" + _line(id="2", text="edited") + "\n", encoding="utf-8")
    code, out, _ = run(seeded_db, "import", "jsonl", str(path))
    assert code == 0
    assert "read 2, inserted 2, updated 0, unchanged 0, rejected 0" in out


def test_hostile_bytes_and_huge_lines(seeded_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "hostile.jsonl"
    with path.open("wb") as f:
        f.write(b"\xff\xfe garbage\n")
        f.write(_line(id="1", text="x" * 2_000_000).encode() + b"\n")
        f.write(b"[" * 100_000 + b"\n")
        f.write(_line(id="2", text="<script>alert(1)</script>\u0000").encode() + b"\n")
        f.write(_line(id="3")[:30].encode())  # truncated last line
    code, out, err = run(seeded_db, "import", "jsonl", str(path), "--json")
    summary = json.loads(out)
    assert code == 1 and summary["inserted"] == 1 and summary["rejected"] == 4
    assert "Traceback" not in out + err
    with seeded_db.connection() as conn:
        text = one(conn.execute("SELECT text FROM posts").fetchone())["text"]
    assert text == "<script>alert(1)</script>"


def test_memory_stays_flat_on_a_large_file(seeded_db: Database, tmp_path: Path) -> None:
    """A ~60 MB file imports without the process growing with the file."""
    path = tmp_path / "big.jsonl"
    filler = "نص " * 200
    with path.open("w", encoding="utf-8") as f:
        for i in range(60_000):
            f.write(_line(id=str(i), text=f"{filler} {i}") + "\n")
    code = (
        "import sys; from click.testing import CliRunner; from monitor.cli import cli;"
        f"r = CliRunner().invoke(cli, ['import', 'jsonl', {str(path)!r}]);"
        # VmHWM: this process image's own peak (ru_maxrss can carry the parent's across exec).
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1];"
        "print(r.exit_code, hwm)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "CHORUS_DATABASE_URL": seeded_db.url}, timeout=300)
    exit_code, rss_kb = proc.stdout.split()[-2:]
    assert exit_code == "0", proc.stderr
    assert path.stat().st_size > 60_000_000
    assert int(rss_kb) < 250_000, f"peak RSS {int(rss_kb) // 1024} MB"


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_is_allowed(seeded_db: Database, tmp_path: Path, text: str) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text(_line(id="1", text=text) + "\n", encoding="utf-8")
    code, _, _ = run(seeded_db, "import", "jsonl", str(path))
    assert code == 0
