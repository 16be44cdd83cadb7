"""Digest to HTML (Jinja2, autoescaped) and plain text. Post text is hostile input.

In the HTML every value is escaped by the template engine (autoescape is on and nothing is
marked safe), so HTML inside a post arrives as text. Links are only made from http(s) URLs.

Mixed right-to-left and Latin text reads in order (monitor.digest.bidi): in the HTML names
are in <bdi> elements and quotes in dir="auto" blocks whose runs of the other direction are
<bdi> too; in the plain text every line's runs of the other direction are between Unicode
isolates (FSI ... PDI). A post's own directional controls are dropped from its excerpt.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from monitor.digest.bidi import isolate_text, runs, strip_controls
from monitor.digest.model import Digest, OtherBefore, Significance

EXCERPT_CHARS = 600
_LANG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_REASONS = {
    "rate_limited": "rate-limited", "cap_reached": "monthly read cap reached",
    "failed": "collection failed", "logged_out": "logged out", "stale": "no success for too long",
    "never": "never collected",
}


def safe_url(value: str | None) -> str:
    """The URL if it is an absolute http(s) URL, else empty: no javascript: or data: links."""
    if not value:
        return ""
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in text):
        return ""
    return text


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Collapsed to at most `limit` characters; control characters (not newlines) dropped."""
    cleaned = strip_controls("".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "\u2026"


def lang_attribute(value: str | None) -> str:
    return value if value and _LANG.match(value) else "und"


def quote_lines(text: str) -> str:
    """Indent continuation lines so a multi-line post stays one quoted block in plain text."""
    return text.replace("\r", "").replace("\n", "\n    ")


def hours(value: float | None) -> str:
    if value is None:
        return "not reached"
    if value < 1:
        return f"{round(value * 60)} min"
    return f"{value:.1f} h"


def significance(value: Significance | None) -> str:
    """One sentence: the adopters within 24 h against the placebo windows, or why no p."""
    if value is None:
        return ""
    said = f"{value.observed_24h} actor(s) within 24 h"
    if value.expected_24h is not None:
        said += (f" against {value.expected_24h:.2f} expected in {value.placebo_windows} "
                 "placebo windows (same actors, quiet days)")
    if value.lift is not None:
        said += f", lift {value.lift:.1f}x"
    if value.placebo_p is not None:
        said += f", placebo p = {value.placebo_p:.3f}"
    elif value.note:
        said += f"; no p: {value.note}"
    if value.hours_seen < 24:
        said += (f" (this period saw only the first {value.hours_seen:.0f} h of the 24: "
                 "the count may still grow)")
    return said + "."


def other_before(value: OtherBefore) -> str:
    """The brief line on the narrative posts before an event that did not matter."""
    parts = []
    if value.posts:
        by = ", ".join(f"{key} {count}" for key, count in value.narratives)
        least = "at least " if value.at_least else ""
        parts.append(f"{least}{value.posts} post(s) by {len(value.actors)} actor(s) ({by}): "
                     + ", ".join(value.actors))
    if value.answering_earlier:
        parts.append(f"{value.answering_earlier} post(s) that answered earlier events "
                     "(adoptions of those)")
    return "; ".join(parts) + "." if parts else "none."


@dataclass(frozen=True)
class ConsoleLinks:
    """Console pages the digest links to."""

    base: str

    @property
    def console(self) -> str:
        return self.base.rstrip("/") + "/"

    @property
    def events(self) -> str:
        return self.base.rstrip("/") + "/events"

    @property
    def health(self) -> str:
        return self.base.rstrip("/") + "/sources"  # the console's sources page shows health

    def narrative(self, key: str) -> str:
        return self.base.rstrip("/") + "/narratives/" + quote(key, safe="")


def _environment(zone: ZoneInfo) -> Environment:
    def when(value: datetime | None) -> str:
        if value is None:
            return "never"
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    env = Environment(
        loader=PackageLoader("monitor.digest", "templates"),
        # .html templates escape everything; the .txt one is plain text, read as text.
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters.update(
        when=when, excerpt=excerpt, safe_url=safe_url, langattr=lang_attribute,
        quote=quote_lines, hours=hours, reason=lambda r: _REASONS.get(r, r),
        significance=significance, other_before=other_before, bidiruns=runs,
    )
    return env


def render_html(digest: Digest) -> str:
    env = _environment(ZoneInfo(digest.timezone))
    return env.get_template("digest.html").render(d=digest, links=ConsoleLinks(digest.console_url))


def render_text(digest: Digest) -> str:
    env = _environment(ZoneInfo(digest.timezone))
    text = env.get_template("digest.txt").render(d=digest, links=ConsoleLinks(digest.console_url))
    return isolate_text(re.sub(r"\n{3,}", "\n\n", text))
