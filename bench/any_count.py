"""Count `Any` at the database boundary (issue 19): what mypy cannot check there.

    .venv/bin/python bench/any_count.py [--rev HEAD]

(a) signatures in storage/ and monitor/ with a parameter typed `Connection[Any]`, or a
    `conn`/`cur` parameter whose annotation holds `Any`;
(b) storage functions whose return annotation holds `Any` (`dict[str, Any]` among them).
Without --rev it reads the working tree; with it, the files as committed in that revision.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("storage", "monitor")
_CONNECTION_NAMES = frozenset({"Connection", "Cursor", "AsyncConnection", "AsyncCursor"})
_CONNECTION_PARAMS = frozenset({"conn", "cur", "connection", "cursor"})


@dataclass
class Counts:
    connection_params: int = 0
    any_returns: int = 0

    @property
    def total(self) -> int:
        return self.connection_params + self.any_returns


def _names(node: ast.AST | None) -> set[str]:
    """Every name an annotation mentions (`typing.Any` counts as `Any`)."""
    if node is None:
        return set()
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
    return found


def _takes_any_connection(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    a = fn.args
    for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
        names = _names(arg.annotation)
        if "Any" in names and (names & _CONNECTION_NAMES or arg.arg in _CONNECTION_PARAMS):
            return True
    return False


def count_source(source: str, *, in_storage: bool) -> Counts:
    counts = Counts()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        counts.connection_params += _takes_any_connection(node)
        if in_storage and "Any" in _names(node.returns):
            counts.any_returns += 1
    return counts


def _sources(rev: str | None) -> Iterator[tuple[str, str]]:
    if rev is None:
        for package in PACKAGES:
            for path in sorted((ROOT / package).rglob("*.py")):
                yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
        return
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", rev, *PACKAGES],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()
    for name in sorted(n for n in listing if n.endswith(".py")):
        text = subprocess.run(["git", "show", f"{rev}:{name}"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
        yield name, text


def count(rev: str | None) -> dict[str, Counts]:
    per_file: dict[str, Counts] = {}
    for name, text in _sources(rev):
        found = count_source(text, in_storage=name.startswith("storage/"))
        if found.total:
            per_file[name] = found
    return per_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rev", help="a git revision; default: the working tree")
    parser.add_argument("--files", action="store_true", help="also list the counts per file")
    args = parser.parse_args()
    per_file = count(args.rev)
    if args.files:
        for name, c in per_file.items():
            print(f"{name}: connections {c.connection_params}, returns {c.any_returns}")
    params = sum(c.connection_params for c in per_file.values())
    returns = sum(c.any_returns for c in per_file.values())
    print(f"(a) signatures taking an Any connection or cursor: {params}")
    print(f"(b) storage functions returning Any: {returns}")
    print(f"total: {params + returns}")


if __name__ == "__main__":
    main()
