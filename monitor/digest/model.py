"""What a daily digest says, as plain data: composed from the database, rendered to email."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

SUBJECT_MAX = 3  # convergences named in the subject


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
class Significance:
    """How unusual the adopters within 24 h are against placebo windows (storage.
    convergence_significance); placebo_p is None, with a note, when too few windows."""

    observed_24h: int
    expected_24h: float | None
    placebo_p: float | None
    lift: float | None
    placebo_windows: int
    note: str | None
    hours_seen: float = 24.0  # of the 24 h after the event, how many the digest period saw


@dataclass(frozen=True)
class ConvergingNarrative:
    key: str
    name: str
    adopters: int  # distinct actors whose posts answer the event, up to the period's end
    groups: list[str]  # their camps (actor groups)
    first_mover: str | None
    first_move_at: datetime | None
    time_to_k_hours: float | None
    k: int
    score: float | None
    anchor: str  # the event it is measured against, or the day
    examples: list[ExamplePost] = field(default_factory=list)
    event: str | None = None  # the event's name; None when measured against the day
    first_lag_hours: float | None = None  # the first mover's lead time after the event
    significance: Significance | None = None
    actors: list[str] = field(default_factory=list)  # adopters in lead-lag order
    new_in_period: int | None = None  # adopters whose first post is inside the period


@dataclass(frozen=True)
class PrepositionFlag:
    narrative: str
    event: str
    actor: str
    hours_before: float
    edited_after_event: bool
    post: ExamplePost
    narratives: list[str] = field(default_factory=list)  # every narrative it carries
    names_event: bool = False  # the post names the event (its keywords)
    answers_event: str | None = None  # an earlier event it answers as an adoption
    converged: bool = True  # its narrative converged after the event (else it names it)

    @property
    def keys(self) -> list[str]:
        return self.narratives or [self.narrative]


@dataclass(frozen=True)
class OtherBefore:
    """The brief line on narrative posts before an event that did not matter."""

    posts: int
    actors: list[str]
    narratives: list[tuple[str, int]]  # narrative, posts; most posts first
    at_least: bool  # a list was cut at the report's limit: the counts are lower bounds
    answering_earlier: int = 0  # further posts before it, adoptions of an earlier event


@dataclass(frozen=True)
class LoneAdoption:
    """A narrative only one actor took up after the event (in this period): no convergence,
    but the event it answers is on record."""

    narrative: str
    actor: str
    lag_hours: float


@dataclass(frozen=True)
class EventSection:
    """A confirmed event and what converged after it, measured against it (attribution)."""

    event_id: int
    name: str
    at: datetime
    description: str
    converging: list[ConvergingNarrative]
    prepositioned: list[PrepositionFlag] = field(default_factory=list)
    other_before: OtherBefore | None = None
    in_period: bool = True  # the event happened inside the digest's period
    lone: list[LoneAdoption] = field(default_factory=list)
    flagged: bool = False  # pre-positioning for it is reported in this digest


@dataclass(frozen=True)
class FlagGroup:
    """The pre-positioning reported for one event."""

    event: str
    at: datetime | None
    flags: list[PrepositionFlag]
    other_before: OtherBefore | None


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
class MissingLine:
    """A source's day with possible missing posts: Telegram ids never returned (after a
    re-fetch) and X tweets reported but not stored (storage.completeness)."""

    platform: str
    handle: str
    day: date
    possible_missing: int
    recovered: int


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
    events: list[EventSection] = field(default_factory=list)  # the day's first, strongest first
    unanchored: list[ConvergingNarrative] = field(default_factory=list)  # no event
    missing: list[MissingLine] = field(default_factory=list)  # completeness, worst first

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
    def without_event(self) -> list[ConvergingNarrative]:
        """The narratives measured against no event (a digest made without event sections,
        by hand: every converging narrative)."""
        return self.unanchored if self.events or self.unanchored else self.converging

    @property
    def preposition_groups(self) -> list[FlagGroup]:
        """Pre-positioning per event, for the events the digest flags (a digest made
        without event sections: its flags grouped by their event's name)."""
        if self.events:
            return [FlagGroup(e.name, e.at, e.prepositioned, e.other_before)
                    for e in self.events if e.flagged and (e.prepositioned or e.other_before)]
        groups: dict[str, list[PrepositionFlag]] = {}
        for flag in self.prepositioned:
            groups.setdefault(flag.event, []).append(flag)
        return [FlagGroup(name, None, flags, None) for name, flags in groups.items()]

    @property
    def subject(self) -> str:
        """The day's strongest convergences (highest score first, at most SUBJECT_MAX),
        each with its actors and the event it answers: "sedition: 9 actors, us_culpability:
        7 actors after Drone attack on PM residence; ..."."""
        strongest = sorted(self.converging, key=lambda n: -(n.score or 0.0))[:SUBJECT_MAX]
        by_anchor: dict[str, list[str]] = {}
        for n in strongest:
            anchor = f"after {n.event}" if n.event else "(no event)"
            by_anchor.setdefault(anchor, []).append(f"{n.key}: {n.adopters} actors")
        parts = [f"{', '.join(items)} {anchor}" for anchor, items in by_anchor.items()]
        keys = "; ".join(parts) or "no converging narratives"
        blind = f"; {len(self.blind)} blind source(s)" if self.blind else ""
        return f"Chorus digest {self.digest_date.isoformat()}: {keys}{blind}"
