"""Where the bundled replay corpus keeps its extra actors and sources."""

from __future__ import annotations

from importlib.abc import Traversable

from seeds import seed_file


def replay_seed_files() -> tuple[Traversable | None, Traversable | None]:
    actors = seed_file("replay/actors.toml")
    sources = seed_file("replay/sources.toml")
    return (actors if actors.is_file() else None, sources if sources.is_file() else None)
