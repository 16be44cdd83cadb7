"""An empty secrets file for tests that run with no credentials.

CHORUS_SECRETS_FILE must name a file that exists (a missing explicit file is an error), and
tests must never read the user's own secrets at the default path."""
from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path


def empty_secrets_file(folder: Path) -> str:
    """The path of an empty 0600 secrets file in folder (created if missing)."""
    path = folder / "no-secrets.toml"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return str(path)


@functools.cache
def shared_empty_secrets_file() -> str:
    """One empty secrets file for the whole test process, for helpers without a tmp_path."""
    folder = Path(tempfile.mkdtemp(prefix="chorus-no-secrets-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return empty_secrets_file(folder)
