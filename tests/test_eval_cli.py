"""`chorus eval GOLD.jsonl [--json]`: the DESIGN §5 schema, the metrics, bad lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifiers.evaluation import GoldPost, evaluate, read_gold
from classifiers.taxonomy import NARRATIVE_KEYS
from monitor.cli import cli

DEV = Path(__file__).resolve().parent / "data" / "narratives_dev.jsonl"
CLAIMS_DEV = Path(__file__).resolve().parent / "data" / "claims" / "dev_en.jsonl"


pytestmark = pytest.mark.usefixtures("onnx_cache_in_tmp")


def _gold(*rows: tuple[str, set[str], str | None]) -> list[GoldPost]:
    return [GoldPost(str(i), f"text {i}", lang, frozenset(labels), hard)
            for i, (lang, labels, hard) in enumerate(rows)]


def test_metrics_against_counts_worked_by_hand() -> None:
    gold = _gold(("en", {"a"}, None), ("en", {"a", "b"}, None), ("ar", set(), "reported"),
                 ("ar", {"b"}, None))
    predicted = [{"a"}, {"a"}, {"b"}, {"b"}]
    report = evaluate(gold, predicted, ["a", "b"], samples=300, seed=7)
    # a: tp 2. b (posts counted from 0): tp 1 (post 3), fp 1 (post 2), fn 1 (post 1).
    assert report["per_label"]["a"] == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2, "f1_ci95": [1.0, 1.0]}
    assert (report["per_label"]["b"]["precision"], report["per_label"]["b"]["f1"]) == (0.5, 0.5)
    assert report["micro"]["f1"] == 0.75 and report["micro"]["precision"] == 0.75
    assert report["macro"]["f1"] == 0.75
    # en: a tp 2, b fn 1 -> micro 4/5, macro (1 + 0) / 2. ar: b tp 1, fp 1 -> 2/3.
    assert report["per_language"]["en"]["micro_f1"] == 0.8
    assert report["per_language"]["en"]["macro_f1"] == 0.5
    assert report["per_language"]["ar"]["macro_f1"] == pytest.approx(0.6667, abs=1e-4)
    assert report["any_narrative"]["precision"] == 0.75
    assert report["any_narrative"]["recall"] == 1.0
    assert report["hard_negatives"] == {
        "reported": {"n": 1, "tagged": 1, "false_positive_rate": 1.0}}
    low, high = report["micro"]["f1_ci95"]
    assert 0.0 <= low <= report["micro"]["f1"] <= high <= 1.0 and low < high
    assert evaluate(gold, predicted, ["a", "b"], samples=300, seed=7) == report


def test_per_kind_tag_rates_and_recall_worked_by_hand() -> None:
    kinds = ["paraphrase", "paraphrase", "topic_only", "topic_only", "cue"]
    labels: list[set[str]] = [{"a", "b"}, {"b"}, set(), set(), {"a"}]
    gold = [GoldPost(str(i), f"text {i}", "en", frozenset(labels[i]), None, kind)
            for i, kind in enumerate(kinds)]
    predicted = [{"a"}, set(), {"b"}, set(), {"a", "b"}]
    report = evaluate(gold, predicted, ["a", "b"], samples=100)
    assert report["per_kind"] == {
        "cue": {"n": 1, "tagged": 1, "tag_rate": 1.0, "labels": 1, "recall": 1.0},
        # three paraphrase labels, one found
        "paraphrase": {"n": 2, "tagged": 1, "tag_rate": 0.5, "labels": 3, "recall": 0.3333},
        "topic_only": {"n": 2, "tagged": 1, "tag_rate": 0.5, "labels": 0, "recall": None},
    }


def test_bad_gold_lines_are_named_and_good_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "1", "text": "A third party did it.", "labels": ["third_party"]}),
        "{not json",
        json.dumps({"id": "2", "labels": []}),
        json.dumps({"id": "3", "text": "x", "labels": ["fourth_party"]}),
        json.dumps({"id": "1", "text": "again", "labels": []}),
        "",
        json.dumps({"id": 4, "text": "Rain in Erbil.", "lang": "en"}),
    ]) + "\n", encoding="utf-8")
    posts, problems = read_gold(path, NARRATIVE_KEYS)
    assert [p.id for p in posts] == ["1", "4"]
    assert posts[1].labels == frozenset() and posts[1].lang == "en"
    assert [(p.location.rsplit(":", 1)[1], p.reason) for p in problems] == [
        ("2", "not valid JSON (Expecting property name enclosed in double quotes)"),
        ("3", "missing `text`"),
        ("4", "unknown narrative key(s) fourth_party"),
        ("5", "id '1' repeated"),
    ]


def test_eval_json_has_the_design_keys(tiny_model: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", str(DEV), "--json", "--model", str(tiny_model),
                                      "--samples", "100"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == sum(1 for line in DEV.read_text(encoding="utf-8").splitlines() if line)
    for kind in ("micro", "macro"):
        assert {"precision", "recall", "f1"} <= set(report[kind])
    assert set(report["per_label"]) == set(NARRATIVE_KEYS)
    for scores in report["per_label"].values():
        assert {"precision", "recall", "f1", "support"} <= set(scores)
    assert set(report["per_language"]) == {"en", "ar", "fa"}
    for scores in report["per_language"].values():
        assert {"n", "micro_f1", "macro_f1"} <= set(scores)
    assert sum(s["n"] for s in report["per_language"].values()) == report["n"]
    assert report["model_version"].startswith("tiny-bert@")


def test_eval_reports_each_kind_of_post(tiny_model: Path) -> None:
    kinds = {json.loads(line)["kind"] for line in CLAIMS_DEV.read_text(encoding="utf-8").splitlines()}
    result = CliRunner().invoke(cli, ["eval", str(CLAIMS_DEV), "--json", "--model",
                                      str(tiny_model), "--samples", "100"])
    assert result.exit_code == 0, result.stderr
    per_kind = json.loads(result.stdout)["per_kind"]
    assert set(per_kind) == kinds >= {"paraphrase", "topic_only", "reported", "debunk"}
    assert per_kind["topic_only"]["labels"] == 0 and per_kind["topic_only"]["recall"] is None
    assert 0.0 <= per_kind["paraphrase"]["recall"] <= 1.0
    plain = CliRunner().invoke(cli, ["eval", str(CLAIMS_DEV), "--model", str(tiny_model),
                                     "--samples", "100"])
    assert f"kind paraphrase ({per_kind['paraphrase']['n']}): " in plain.stdout


def test_eval_reports_bad_lines_and_scores_the_rest(tiny_model: Path, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "1", "text": "هذا مشروع فتنة", "labels": ["sedition"]})
                    + "\n{broken\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(gold), "--model", str(tiny_model)])
    assert result.exit_code == 1
    assert f"skipped {gold}:2: not valid JSON" in result.stderr
    assert "1 posts" in result.stdout and "sedition (1)" in result.stdout
    missing = CliRunner().invoke(cli, ["eval", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "Traceback" not in missing.stderr
