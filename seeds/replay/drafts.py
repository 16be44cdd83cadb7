"""Authoring types for the replay corpus: posts as written, before native ids exist.

Posts refer to each other (forwards, retweets, quotes, replies) by an authoring key, so
that ids can be assigned afterwards in posting order, as the platforms would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

NARRATIVES = (
    "false_flag", "staged_incident", "sedition", "third_party", "us_culpability",
    "un_interference", "election_fraud", "anti_turkish_presence", "gulf_aggression",
)


@dataclass(slots=True)
class Draft:
    """One post of the corpus as its author wrote it (times in UTC)."""

    source: str
    at: datetime
    lang: str
    text: str
    narratives: tuple[str, ...] = ()
    key: str | None = None  # authoring key other drafts refer to
    pinned_id: str | None = None  # a native id the seed report cites
    edits: list[tuple[datetime, str]] = field(default_factory=list)
    deleted_at: datetime | None = None
    forward_of: str | None = None  # key of the forwarded Telegram post
    retweet_of: str | None = None  # key of the retweeted tweet
    quote_of: str | None = None
    reply_to: str | None = None
    media: str | None = None
    card: str | None = None  # a photo that is a statement card: the text printed on it
    links: list[str] = field(default_factory=list)
    views: int | None = None

    def __post_init__(self) -> None:
        unknown = set(self.narratives) - set(NARRATIVES)
        if unknown:
            raise ValueError(f"{self.source} {self.at}: unknown narratives {sorted(unknown)}")

    def text_at(self, moment: datetime) -> str:
        """The text a reader saw at `moment` (after any edits made by then)."""
        text = self.text
        for edited_at, edited in self.edits:
            if edited_at <= moment:
                text = edited
        return text


def unwrap(text: str) -> str:
    """Join the source-code line wraps of a hand-written post into running text.

    Bulleted lines (🔻) and the line after a list stay on their own lines, as channels
    write them.
    """
    lines = [line.strip() for line in text.strip().splitlines()]
    out = lines[0] if lines else ""
    for previous, line in zip(lines, lines[1:], strict=False):
        out += ("\n" if "🔻" in (line[:1], previous[:1]) else " ") + line
    return out


def utc(stamp: str) -> datetime:
    """'2021-11-07 01:10' or '2021-11-07 01:10:07' read as UTC."""
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC)


def post(
    source: str,
    when: str,
    lang: str,
    text: str,
    narratives: tuple[str, ...] = (),
    *,
    key: str | None = None,
    pinned_id: str | None = None,
    edits: Sequence[tuple[str, str]] = (),
    deleted: str | None = None,
    quote_of: str | None = None,
    reply_to: str | None = None,
    media: str | None = None,
    card: str | None = None,
    links: Sequence[str] = (),
    views: int | None = None,
) -> Draft:
    """A hand-written post; times are 'YYYY-MM-DD HH:MM[:SS]' in UTC. A `card` is a photo
    post whose image is a statement card with that text (rendered by seeds.cards)."""
    return Draft(
        source=source, at=utc(when), lang=lang, text=unwrap(text), narratives=narratives,
        key=key, pinned_id=pinned_id, edits=[(utc(at), unwrap(new)) for at, new in edits],
        deleted_at=utc(deleted) if deleted else None, quote_of=quote_of, reply_to=reply_to,
        media="photo" if card else media, card=unwrap(card) if card else None,
        links=list(links), views=views,
    )


def share(source: str, when: str, of_key: str, kind: str = "forward") -> Draft:
    """A Telegram forward or an X retweet of the post with key `of_key`.

    Text, language and narratives are filled in from the original when the corpus is
    built; a channel that forwards a post is promoting what it says.
    """
    draft = Draft(source=source, at=utc(when), lang="", text="")
    if kind == "forward":
        draft.forward_of = of_key
    elif kind == "retweet":
        draft.retweet_of = of_key
    else:
        raise ValueError(f"share(): kind must be forward or retweet, not {kind!r}")
    return draft

