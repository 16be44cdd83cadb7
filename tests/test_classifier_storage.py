"""Tagging against real PostgreSQL: tags and model versions stored, edits re-tagged,
stale versions backfilled, a killed backfill resumed, and the CLI around it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifiers.tagger import Tagger, load_tagger
from monitor.classifying import tag_pending_posts
from monitor.cli import cli
from monitor.errors import UserError
from monitor.settings import Config, load_config
from storage.database import Database
from tests.classifier_models import machinery_taxonomy
from tests.factories import add_source, post, write

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "narratives_dev.jsonl"


pytestmark = pytest.mark.usefixtures("onnx_cache_in_tmp")


@pytest.fixture(scope="module")
def cue_tagger(tiny_model: Path) -> Tagger:
    """Reads no language with its model: results come from the cue layer, deterministic."""
    return load_tagger(str(tiny_model), languages=frozenset(), taxonomy=machinery_taxonomy())


@pytest.fixture
def config() -> Config:
    return load_config({}).with_overrides(classify_batch_size=5)


TEXTS = [
    ("en", "The drones were a false flag to blame the resistance."),
    ("en", "Officials claimed the drones were a false flag to blame the resistance."),
    ("ar", "هذا الاستهداف جزء من مشروع فتنة بين العراقيين."),
    ("ar", "قال العامري إن طرفاً ثالثاً يقف وراء الهجوم."),
    ("fa", "دست‌های پنهان پشت این حمله‌اند."),
    ("en", "Heavy rain floods streets in Erbil."),
]


def _corpus(db: Database, copies: int = 4) -> int:
    add_source(db, "telegram", "chan", "Channel", "militia_media")
    records = [
        post("chan", f"{i}-{j}", f"2021-11-07 0{j % 9}:{i:02d}", text, lang=lang)
        for j in range(copies) for i, (lang, text) in enumerate(TEXTS)
    ]
    write(db, *records)
    return len(records)


def _tags(db: Database) -> list[dict[str, object]]:
    with db.connection() as conn:
        return conn.execute(
            """SELECT p.native_id, t.narrative, t.score, t.method, t.model_version, t.evidence
               FROM tags t JOIN posts p ON p.id = t.post_id ORDER BY p.native_id, t.narrative"""
        ).fetchall()


def _versions(db: Database) -> dict[str, int]:
    with db.connection() as conn:
        rows = conn.execute(
            "SELECT model_version, count(*) AS n FROM post_tagging GROUP BY model_version"
        ).fetchall()
    return {str(r["model_version"]): int(r["n"]) for r in rows}


def test_tags_evidence_and_model_version_are_stored(seeded_db: Database, config: Config,
                                                    cue_tagger: Tagger) -> None:
    total = _corpus(seeded_db, copies=1)
    counts = tag_pending_posts(config, seeded_db, tagger=cue_tagger)
    assert counts.posts == total and counts.batches == 2
    tags = {(t["native_id"], t["narrative"]): t for t in _tags(seeded_db)}
    assert set(tags) == {("0-0", "false_flag"), ("2-0", "sedition"), ("4-0", "third_party")}
    sedition = tags[("2-0", "sedition")]
    assert sedition["model_version"] == cue_tagger.model_version
    assert sedition["method"] == "cue"
    evidence = sedition["evidence"]
    assert isinstance(evidence, dict) and evidence["text"] == "مشروع فتنة"
    assert TEXTS[2][1][evidence["start"]:evidence["end"]] == "مشروع فتنة"
    assert _versions(seeded_db) == {cue_tagger.model_version: total}


def test_only_new_or_edited_posts_are_tagged_again(seeded_db: Database, config: Config,
                                                   cue_tagger: Tagger) -> None:
    _corpus(seeded_db, copies=1)
    tag_pending_posts(config, seeded_db, tagger=cue_tagger)
    assert tag_pending_posts(config, seeded_db, tagger=cue_tagger).posts == 0
    # The neutral post is edited into a promoting one: it must be re-read.
    write(seeded_db, post("chan", "5-0", "2021-11-07 00:05",
                          "Turkish occupiers must leave Bashiqa.", lang="en"))
    again = tag_pending_posts(config, seeded_db, tagger=cue_tagger)
    assert again.posts == 1
    assert ("5-0", "anti_turkish_presence") in {(t["native_id"], t["narrative"])
                                                for t in _tags(seeded_db)}


def test_backfill_retags_posts_of_another_model_version(seeded_db: Database, config: Config,
                                                        cue_tagger: Tagger,
                                                        tiny_model: Path) -> None:
    total = _corpus(seeded_db, copies=1)
    tag_pending_posts(config, seeded_db, tagger=cue_tagger)
    reader = load_tagger(str(tiny_model), languages=frozenset({"en"}))
    assert reader.model_version != cue_tagger.model_version
    assert tag_pending_posts(config, seeded_db, tagger=reader).posts == 0
    counts = tag_pending_posts(config, seeded_db, tagger=reader, backfill=True)
    assert counts.posts == total
    assert _versions(seeded_db) == {reader.model_version: total}
    assert {t["model_version"] for t in _tags(seeded_db)} == {reader.model_version}


KILLER = textwrap.dedent("""
    import os, signal, sys
    from classifiers.tagger import load_tagger
    from monitor.classifying import tag_pending_posts
    from monitor.settings import load_config
    from storage import tagging
    from storage.database import Database
    from tests.classifier_models import machinery_taxonomy

    db = Database(sys.argv[1])
    tagger = load_tagger(sys.argv[2], languages=frozenset(), taxonomy=machinery_taxonomy())
    real_write = tagging.write_tags
    batches = []

    def write_then_die(conn, version, batch):
        written = real_write(conn, version, batch)
        batches.append(len(batch))
        if len(batches) == 3:
            # Killed inside the third batch's transaction, before it commits.
            os.kill(os.getpid(), signal.SIGKILL)
        return written

    tagging.write_tags = write_then_die
    config = load_config({}).with_overrides(classify_batch_size=5)
    tag_pending_posts(config, db, tagger=tagger, backfill=True)
""")


def test_a_killed_backfill_resumes_where_it_stopped(seeded_db: Database, config: Config,
                                                    cue_tagger: Tagger, tiny_model: Path,
                                                    tmp_path: Path) -> None:
    total = _corpus(seeded_db, copies=4)
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, str(script), seeded_db.url, str(tiny_model)],
                          env=env, capture_output=True, timeout=300, check=False)
    assert done.returncode == -9, done.stderr.decode()[-2000:]
    assert _versions(seeded_db) == {cue_tagger.model_version: 10}  # two committed batches
    resumed = tag_pending_posts(config, seeded_db, tagger=cue_tagger, backfill=True)
    assert resumed.posts == total - 10  # resumed, not restarted
    assert _versions(seeded_db) == {cue_tagger.model_version: total}
    with seeded_db.connection() as conn:
        per_post = conn.execute(
            """SELECT p.native_id, array_agg(t.narrative ORDER BY t.narrative) AS narratives
               FROM posts p LEFT JOIN tags t ON t.post_id = p.id GROUP BY p.native_id"""
        ).fetchall()
    by_text: dict[str, set[tuple[str, ...]]] = {r["native_id"].split("-")[0]: set() for r in per_post}
    for row in per_post:
        by_text[row["native_id"].split("-")[0]].add(tuple(n for n in row["narratives"] if n))
    # every copy of a text carries the same tags, whichever run tagged it
    assert all(len(variants) == 1 for variants in by_text.values()), by_text


def test_missing_narratives_are_a_clear_error(db: Database, config: Config,
                                              cue_tagger: Tagger) -> None:
    with pytest.raises(UserError, match="load the seeds first"):
        tag_pending_posts(config, db, tagger=cue_tagger)


def _run(db: Database, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"CHORUS_DATABASE_URL": db.url,
                                                      "CHORUS_CLASSIFY_BATCH_SIZE": "4"})
    return result.exit_code, result.stdout, result.stderr


def test_train_from_labels_then_classify_uses_the_new_head(seeded_db: Database,
                                                           tiny_model: Path) -> None:
    add_source(seeded_db, "twitter", "analyst", "Analyst", "osint_analyst", role="observer")
    write(seeded_db,
          post("analyst", "1", "2021-11-07 01:00", "Foreign hands want sedition among Iraqis.",
               platform="twitter", lang="en", labels=["sedition"]),
          post("analyst", "2", "2021-11-07 02:00", "Rain floods Erbil.", platform="twitter",
               lang="en"))
    model = str(tiny_model)
    code, out, err = _run(seeded_db, "classify", "--model", model, "--json")
    assert code == 0, err
    before = json.loads(out)
    assert before["posts"] == 2 and before["progress"]["current"] == 2
    code, out, err = _run(seeded_db, "train", "--model", model, "--gold", str(DEV), "--json")
    assert code == 0, err
    trained = json.loads(out)
    assert trained["stored"] is True and trained["trained"]["analyst_labelled_posts"] == 1
    assert trained["model_version"] != before["model_version"]
    with seeded_db.connection() as conn:
        (row,) = conn.execute(
            "SELECT version, model_id, params->>'kind' AS kind FROM classifier_heads").fetchall()
    assert row["version"] == trained["head"] and row["model_id"].startswith("tiny-bert@")
    assert row["kind"] == "claim"  # the claim head (classifiers/claim_head.py)
    code, out, err = _run(seeded_db, "classify", "--model", model, "--json")
    assert code == 0 and json.loads(out)["posts"] == 0  # stale, but not backfilling
    code, out, err = _run(seeded_db, "classify", "--model", model, "--backfill", "--json")
    after = json.loads(out)
    assert code == 0 and after["model_version"] == trained["model_version"]
    assert after["posts"] == 2 and after["progress"] == {
        "posts": 2, "current": 2, "stale": 0, "untagged": 0}


def test_train_without_enough_labels_says_so(seeded_db: Database, tiny_model: Path) -> None:
    code, _, err = _run(seeded_db, "train", "--model", str(tiny_model))
    assert code == 2 and "only 0 labelled posts" in err and "Traceback" not in err
