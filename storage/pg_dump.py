"""Which pg_dump to run against a server: the project's backups and its schema file use it."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess  # noqa: S404 - runs pg_dump --version, a fixed program with a list of arguments
from pathlib import Path


class PgDumpError(Exception):
    """pg_dump is missing or failed; the message says which and why."""


def _candidates() -> list[str]:
    found = [os.environ.get("CHORUS_PG_DUMP", ""), shutil.which("pg_dump") or ""]
    found += sorted(str(p) for p in Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
    # The embedded server's binaries (PostgreSQL 16), found without importing pgserver.
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.origin:
        found.append(str(Path(spec.origin).parent / "pginstall" / "bin" / "pg_dump"))
    return [p for p in dict.fromkeys(found) if p and Path(p).is_file()]


def find_pg_dump(server_major: int) -> str:
    """A pg_dump of the server's major version if there is one, else the oldest newer one
    (pg_dump refuses servers newer than itself). CHORUS_PG_DUMP names one explicitly."""
    usable: list[tuple[int, str]] = []
    for path in _candidates():
        try:
            out = subprocess.run([path, "--version"], capture_output=True, text=True,  # noqa: S603
                                 check=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        found = re.search(r"\(PostgreSQL\) (\d+)", out)
        major = int(found.group(1)) if found else 0
        if major >= server_major:
            usable.append((major, path))
    if not usable:
        raise PgDumpError(
            f"no pg_dump for PostgreSQL {server_major} or newer: install the PostgreSQL client "
            "(e.g. apt-get install postgresql-client) or set CHORUS_PG_DUMP to its path")
    return min(usable)[1]
