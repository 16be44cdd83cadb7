"""Seed data derived from analyst reports (TOML), and the bundled replay corpus."""

from importlib import resources
from importlib.abc import Traversable


def seed_file(name: str) -> Traversable:
    """A file shipped in the seeds package (works installed or from a checkout)."""
    return resources.files("seeds").joinpath(name)
