"""What the shared demo fixture (tests/demo_fixtures.py) hands its tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.demo import DemoResult
from monitor.settings import Config
from storage.database import Database


@dataclass
class DemoRun:
    db: Database
    config: Config
    result: DemoResult
    second: DemoResult
    report: dict[str, dict[str, Any]]  # the drone attack's event report, by narrative
    outbox: Path
