"""Digest to HTML (Jinja2, autoescaped) and plain text. Post text is hostile input.

In the HTML every value is escaped by the template engine (autoescape is on and nothing is
marked safe), so HTML inside a post arrives as text. Links are only made from http(s) URLs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from monitor.digest.model import Digest

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
    cleaned = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    ).strip()
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
    )
    return env


def render_html(digest: Digest) -> str:
    env = _environment(ZoneInfo(digest.timezone))
    return env.get_template("digest.html").render(d=digest, links=ConsoleLinks(digest.console_url))


def render_text(digest: Digest) -> str:
    env = _environment(ZoneInfo(digest.timezone))
    text = env.get_template("digest.txt").render(d=digest, links=ConsoleLinks(digest.console_url))
    return re.sub(r"\n{3,}", "\n\n", text)
