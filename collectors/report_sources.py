"""Proposes watchlist sources from an analyst report's citations.

Reports obfuscate links ("t dot me/Tura313/21000", "Shafaq dot com/...") so that they do
not become live; we undo that, then read Telegram, X, t.co and web-outlet links, and tie
each to the footnote numbers and the outlet or author named in its citation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_FOOTNOTE = re.compile(r"^\s*\[(\d{1,4})\]\s*")
_DEOBFUSCATE = (
    (re.compile(r"\s*(?:\[dot\]|\(dot\)|\{dot\})\s*", re.IGNORECASE), "."),
    (re.compile(r"(?<=[A-Za-z0-9])\s+dot\s+(?=[A-Za-z0-9])", re.IGNORECASE), "."),
    (re.compile(r"\[\.\]|\(\.\)"), "."),
    (re.compile(r"\bhxxp", re.IGNORECASE), "http"),
)
_TELEGRAM = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/(?:s/)?"
    r"(?P<handle>[A-Za-z][A-Za-z0-9_]{3,31})(?![A-Za-z0-9_])(?:/(?P<post>\d+))?",
    re.IGNORECASE,
)
_TELEGRAM_RESERVED = {"joinchat", "addstickers", "share", "proxy", "socks", "iv", "addtheme",
                      "setlanguage", "login", "confirmphone", "contact", "addlist", "boost"}
_X = re.compile(
    r"(?:https?://)?(?:www\.|mobile\.)?(?:twitter\.com|x\.com)/(?:#!/)?"
    r"(?P<handle>[A-Za-z0-9_]{1,15})(?![A-Za-z0-9_])(?:/status(?:es)?/(?P<post>\d+))?",
    re.IGNORECASE,
)
_X_RESERVED = {"intent", "share", "home", "search", "hashtag", "i", "status", "statuses",
               "settings", "explore", "login", "signup", "messages", "notifications", "tos",
               "privacy", "account", "compose", "widgets", "about", "download", "jobs"}
_TCO = re.compile(r"(?:https?://)?t\.co/(?P<code>[A-Za-z0-9]{4,})", re.IGNORECASE)
_WEB = re.compile(
    r"(?:https?://)?(?:www\.)?(?P<domain>(?:[A-Za-z0-9-]+\.)+(?:com|net|org|info|news|tv|"
    r"co\.uk|org\.uk|uk|iq|ir|lb|sa|ae|qa|de|fr|io))(?![A-Za-z0-9-])(?P<path>/\S*)?",
    re.IGNORECASE,
)
_NOT_OUTLETS = {"t.me", "telegram.me", "telegram.dog", "twitter.com", "x.com", "t.co"}


@dataclass
class Candidate:
    platform: str  # telegram | twitter | web | unresolved
    handle: str
    footnotes: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)

    def add(self, footnote: int | None, name: str | None, post: str | None) -> None:
        if footnote is not None and footnote not in self.footnotes:
            self.footnotes.append(footnote)
        if name and name not in self.names:
            self.names.append(name)
        if post and post not in self.posts:
            self.posts.append(post)

    def as_dict(self) -> dict[str, object]:
        return {"platform": self.platform, "handle": self.handle, "footnotes": self.footnotes,
                "names": self.names, "posts": self.posts}


def deobfuscate(text: str) -> str:
    for pattern, replacement in _DEOBFUSCATE:
        text = pattern.sub(replacement, text)
    return text


def citation_name(citation: str) -> str | None:
    """The outlet (after a quoted title) or the author/channel (before the first comma)."""
    closing = max(citation.rfind("\u201d"), citation.rfind('"'))
    if closing != -1 and citation.count("\u201c") + citation.count('"') >= 1:
        after = citation[closing + 1:].strip(" ,.")
        name = re.split(r",|\.\s", after, maxsplit=1)[0].strip()
    else:
        name = citation.split(",", 1)[0].strip()
    name = re.sub(r"\s+(Telegram|Twitter|X)$", "", name).strip(" .\u201c\u201d\"")
    if not name or len(name) > 80 or "/" in name:
        return None
    return name


def _citations(lines: Iterable[str]) -> Iterable[tuple[int | None, str]]:
    """(footnote number, line) with unnumbered lines belonging to the footnote above."""
    current: int | None = None
    in_notes = False
    for line in lines:
        match = _FOOTNOTE.match(line)
        if match:
            current, in_notes = int(match.group(1)), True
            yield current, line[match.end():]
        elif line.strip():
            yield (current if in_notes else None), line


def extract(text: str) -> dict[str, list[Candidate]]:
    found: dict[tuple[str, str], Candidate] = {}

    def candidate(platform: str, handle: str) -> Candidate:
        key = (platform, handle.lower())
        if key not in found:
            found[key] = Candidate(platform, handle)
        return found[key]

    for footnote, line in _citations(text.splitlines()):
        clean = deobfuscate(line)
        name = citation_name(line) if footnote is not None else None
        spans: list[tuple[int, int]] = []
        for m in _TELEGRAM.finditer(clean):
            spans.append(m.span())
            handle = m.group("handle")
            if handle.lower() in _TELEGRAM_RESERVED:
                continue
            candidate("telegram", handle).add(footnote, name, m.group("post"))
        for m in _X.finditer(clean):
            spans.append(m.span())
            handle = m.group("handle")
            if handle.lower() in _X_RESERVED:
                continue
            candidate("twitter", handle).add(footnote, name, m.group("post"))
        for m in _TCO.finditer(clean):
            spans.append(m.span())
            candidate("unresolved", "t.co/" + m.group("code")).add(footnote, name, None)
        for m in _WEB.finditer(clean):
            if any(start <= m.start() < end for start, end in spans):
                continue
            domain = m.group("domain").lower()
            if domain in _NOT_OUTLETS or footnote is None:
                continue
            candidate("web", domain).add(footnote, name, None)
    grouped: dict[str, list[Candidate]] = {"telegram": [], "twitter": [], "unresolved": [], "web": []}
    for c in found.values():
        grouped[c.platform].append(c)
    for items in grouped.values():
        items.sort(key=lambda c: (min(c.footnotes) if c.footnotes else 10**6, c.handle.lower()))
    return grouped
