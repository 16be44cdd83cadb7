"""What a daily digest says, as plain data: composed from the database, rendered to email."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class ExamplePost:
    """A post quoted as evidence: original language, exact text (escaped when rendered)."""

    actor: str
    group: str
    platform: str
    posted_at: datetime
    lang: str
    text: str
    url: str | None


@dataclass(frozen=True)
class ConvergingNarrative:
    key: str
    name: str
    adopters: int
    groups: list[str]
    first_mover: str | None
    first_move_at: datetime | None
    time_to_k_hours: float | None
    k: int
    score: float | None
    anchor: str  # the event it is measured against, or the day
    examples: list[ExamplePost] = field(default_factory=list)


@dataclass(frozen=True)
class PrepositionFlag:
    narrative: str
    event: str
    actor: str
    hours_before: float
    edited_after_event: bool
    post: ExamplePost


@dataclass(frozen=True)
class CopyCluster:
    narrative: str
    actors: list[str]
    posts: list[ExamplePost]


@dataclass(frozen=True)
class CandidateEvent:
    name: str
    at: datetime
    description: str
    narratives: list[str]


@dataclass(frozen=True)
class SourceLine:
    """One source in the collection-health section."""

    platform: str
    handle: str
    actor: str | None
    condition: str  # ok | quiet | blind
    reason: str  # why blind: rate_limited, cap_reached, failed, logged_out, stale, never
    last_success_at: datetime | None
    last_error: str | None
    posts_in_period: int


@dataclass(frozen=True)
class Chart:
    cid: str  # Content-ID without angle brackets
    title: str
    alt: str
    png: bytes


@dataclass(frozen=True)
class Digest:
    digest_date: date
    timezone: str
    since: datetime
    until: datetime
    generated_at: datetime
    console_url: str
    converging: list[ConvergingNarrative]
    prepositioned: list[PrepositionFlag]
    copies: list[CopyCluster]
    candidates: list[CandidateEvent]
    sources: list[SourceLine]
    charts: list[Chart]
    posts_in_period: int

    @property
    def blind(self) -> list[SourceLine]:
        return [s for s in self.sources if s.condition == "blind"]

    @property
    def quiet(self) -> list[SourceLine]:
        return [s for s in self.sources if s.condition == "quiet"]

    @property
    def active(self) -> list[SourceLine]:
        return [s for s in self.sources if s.condition == "ok"]

    @property
    def subject(self) -> str:
        keys = ", ".join(n.key for n in self.converging[:3]) or "no converging narratives"
        blind = f"; {len(self.blind)} blind source(s)" if self.blind else ""
        return f"Chorus digest {self.digest_date.isoformat()}: {keys}{blind}"
