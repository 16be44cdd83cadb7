"""The README's CLI list is the command tree's: a command added, renamed or re-documented
without regenerating the README fails here."""

from __future__ import annotations

from pathlib import Path

from monitor.cli_reference import current_block, reference

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_lists_exactly_the_command_tree() -> None:
    written = current_block(README.read_text(encoding="utf-8"))
    assert written == reference(), (
        "README.md's CLI list is stale: run `python -m monitor.cli_reference --write README.md`")


def test_every_command_has_help_text() -> None:
    for line in reference().splitlines()[2:-2]:
        assert "# " in line and line.split("# ", 1)[1].strip(), line
