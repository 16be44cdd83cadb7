"""Issue 18, tagging workers: a queue filled by triggers (a post inserted, its text changed,
text read from its image), workers in separate processes claiming batches with FOR UPDATE
SKIP LOCKED, and a SIGKILLed worker whose batch another tags. "Exactly once" is counted by
the database: a test trigger records every committed write of a post's tags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifiers.tagger import Tagger, load_tagger
from monitor.classifying import tag_pending_posts
from monitor.cli import cli
from monitor.settings import Config, load_config
from storage import tag_queue
from storage.database import Database
from tests.classifier_models import machinery_taxonomy
from tests.factories import add_source, post, write

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.usefixtures("onnx_cache_in_tmp")

# Committed tag writes per post and worker: rolled back with a killed worker's transaction.
COUNT_WRITES = """
CREATE TABLE test_tag_writes (post_id bigint NOT NULL, worker text NOT NULL);
CREATE FUNCTION test_count_tag_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO test_tag_writes VALUES (NEW.post_id, current_setting('application_name'));
    RETURN NULL;
END $$;
CREATE TRIGGER test_count_tag_write AFTER INSERT OR UPDATE ON post_tagging
    FOR EACH ROW EXECUTE FUNCTION test_count_tag_write();
"""


@pytest.fixture(scope="module")
def cue_tagger(tiny_model: Path) -> Tagger:
    return load_tagger(str(tiny_model), languages=frozenset(), taxonomy=machinery_taxonomy())


@pytest.fixture
def config() -> Config:
    return load_config({}).with_overrides(classify_batch_size=4)


def _posts(db: Database, n: int) -> None:
    add_source(db, "telegram", "chan", "Channel", "militia_media")
    write(db, *[post("chan", str(i), f"2021-11-07 {i // 60:02d}:{i % 60:02d}",
                     f"The drones were a false flag to blame the resistance ({i}).", lang="en")
                for i in range(n)])


def _count_writes(db: Database) -> None:
    with db.connection() as conn:
        conn.execute(COUNT_WRITES)


def _writes(db: Database) -> tuple[dict[int, int], set[str]]:
    """Committed tag writes per post, and the workers (application names) that made them."""
    with db.connection() as conn:
        rows = conn.execute("SELECT post_id, worker FROM test_tag_writes").fetchall()
    per_post: dict[int, int] = {}
    for row in rows:
        per_post[row["post_id"]] = per_post.get(row["post_id"], 0) + 1
    return per_post, {r["worker"] for r in rows}


def _post_ids(db: Database) -> set[int]:
    with db.connection() as conn:
        return {r["id"] for r in conn.execute("SELECT id FROM posts").fetchall()}


def _queued(db: Database) -> int:
    with db.connection() as conn:
        return tag_queue.queued(conn)


def test_the_queue_follows_inserts_edits_and_image_text(seeded_db: Database, config: Config,
                                                        cue_tagger: Tagger) -> None:
    _posts(seeded_db, 3)
    assert _queued(seeded_db) == 3
    tag_pending_posts(config, seeded_db, tagger=cue_tagger)
    assert _queued(seeded_db) == 0
    with seeded_db.connection() as conn:
        first = conn.execute("SELECT min(id) AS id FROM posts").fetchone()
        assert first is not None
        conn.execute("UPDATE posts SET text = text WHERE id = %(id)s", first)  # no change
        assert tag_queue.queued(conn) == 0
        conn.execute("UPDATE posts SET text = 'Heavy rain in Erbil.' WHERE id = %(id)s", first)
        assert tag_queue.queued(conn) == 1  # an edit is tagged again
        media = conn.execute(
            "INSERT INTO media (sha256, mime_type, size_bytes, width, height, phash) "
            "VALUES (repeat('a', 64), 'image/png', 10, 1, 1, 0) RETURNING id").fetchone()
        assert media is not None
        conn.execute("INSERT INTO post_media (post_id, media_id, position) "
                     "SELECT id, %(media)s, 0 FROM posts ORDER BY id DESC LIMIT 1",
                     {"media": media["id"]})
        assert tag_queue.queued(conn) == 1  # an image not read yet adds nothing
        conn.execute("INSERT INTO media_ocr (media_id, languages, text, normalised) "
                     "VALUES (%(media)s, 'eng', 'a card', 'a card')", {"media": media["id"]})
        assert tag_queue.queued(conn) == 2  # its text is read: the post is tagged again
    counts = tag_pending_posts(config, seeded_db, tagger=cue_tagger)
    assert counts.posts == 2 and _queued(seeded_db) == 0


WORKER = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    from classifiers.tagger import load_tagger
    from monitor.classifying import tag_pending_posts
    from monitor.settings import load_config
    from storage import tagging
    from storage.database import Database
    from tests.classifier_models import machinery_taxonomy

    url, model, ready, go, die_in = sys.argv[1:6]
    db = Database(url)
    tagger = load_tagger(model, languages=frozenset(), taxonomy=machinery_taxonomy())
    real_write = tagging.write_tags
    batches = []

    def write(conn, version, batch):
        written = real_write(conn, version, batch)
        batches.append(len(batch))
        if len(batches) == int(die_in):
            os.kill(os.getpid(), signal.SIGKILL)  # inside the batch's transaction
        time.sleep(0.05)  # hold the claim a moment, as a real model would
        return written

    tagging.write_tags = write
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.02)
    tag_pending_posts(load_config({}).with_overrides(classify_batch_size=3), db, tagger=tagger)
""")


def _start(db: Database, model: Path, tmp_path: Path, name: str, die_in: int = 0
           ) -> tuple[subprocess.Popen[bytes], Path]:
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    ready = tmp_path / f"{name}.ready"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
           "PGAPPNAME": f"worker-{name}"}  # libpq names each connection after its worker
    process = subprocess.Popen(
        [sys.executable, str(script), db.url, str(model), str(ready), str(tmp_path / "go"),
         str(die_in)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return process, ready


def _wait_ready(*files: Path) -> None:
    deadline = time.monotonic() + 120
    while not all(f.exists() for f in files):
        assert time.monotonic() < deadline, "the workers did not load their model"
        time.sleep(0.05)


def test_two_workers_tag_every_post_exactly_once(seeded_db: Database, tiny_model: Path,
                                                 tmp_path: Path) -> None:
    _posts(seeded_db, 60)
    _count_writes(seeded_db)
    (a, ready_a), (b, ready_b) = (_start(seeded_db, tiny_model, tmp_path, n) for n in "ab")
    _wait_ready(ready_a, ready_b)
    (tmp_path / "go").touch()
    for process in (a, b):
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()[-2000:]
    per_post, workers = _writes(seeded_db)
    assert set(per_post) == _post_ids(seeded_db) and set(per_post.values()) == {1}
    assert workers == {"worker-a", "worker-b"}  # both took batches
    assert _queued(seeded_db) == 0


def test_a_killed_workers_batch_is_tagged_by_another(seeded_db: Database, config: Config,
                                                      cue_tagger: Tagger, tiny_model: Path,
                                                      tmp_path: Path) -> None:
    _posts(seeded_db, 30)
    _count_writes(seeded_db)
    killed, ready = _start(seeded_db, tiny_model, tmp_path, "killed", die_in=2)
    _wait_ready(ready)
    (tmp_path / "go").touch()
    _, err = killed.communicate(timeout=300)
    assert killed.returncode == -9, err.decode()[-2000:]
    per_post, _ = _writes(seeded_db)
    assert len(per_post) == 3  # one batch committed, the second died in its transaction
    assert _queued(seeded_db) == 27  # the dead batch is back in the queue
    rest = tag_pending_posts(config, seeded_db, tagger=cue_tagger)
    assert rest.posts == 27
    per_post, _ = _writes(seeded_db)
    assert set(per_post) == _post_ids(seeded_db) and set(per_post.values()) == {1}


def test_the_worker_command_drains_the_queue(seeded_db: Database, tiny_model: Path) -> None:
    _posts(seeded_db, 5)
    result = CliRunner().invoke(cli, ["worker", "tag", "--once", "--model", str(tiny_model)],
                                env={"CHORUS_DATABASE_URL": seeded_db.url,
                                     "CHORUS_CLASSIFY_BATCH_SIZE": "2"})
    assert result.exit_code == 0, result.output
    assert "tagged 5 posts" in result.output and "0 queued" in result.output
    assert _queued(seeded_db) == 0
    status = CliRunner().invoke(cli, ["classify", "--model", str(tiny_model), "--json"],
                                env={"CHORUS_DATABASE_URL": seeded_db.url})
    assert status.exit_code == 0 and json.loads(status.output)["posts"] == 0
