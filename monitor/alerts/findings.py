"""What a rule found: one entry per incident key, to be recorded as a new incident or as a
new version of the incident under that key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from storage.rows import JsonObject


@dataclass(frozen=True)
class Finding:
    key: str
    summary: str
    detail: JsonObject = field(default_factory=dict)
    state: str = "open"  # open | resolved


@dataclass(frozen=True)
class Evaluation:
    """A rule's findings, and the watermarks its next evaluation starts from."""

    findings: list[Finding]
    seen_post_id: int
    seen_until: datetime
