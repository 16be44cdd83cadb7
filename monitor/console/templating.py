"""Jinja2 for the console: autoescaping everywhere, strict undefined names, a few filters."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from monitor.console.charts import group_class
from monitor.console.highlight import highlight

TEMPLATES = Path(__file__).resolve().parent / "templates"
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ps", "ckb"})


def text_direction(lang: str | None) -> str:
    """rtl for Arabic-script (and Hebrew) languages, auto when unknown, else ltr."""
    if not lang or lang == "und":
        return "auto"
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def utc(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _instant(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def moment(value: datetime | str | None, t0: datetime | str | None = None) -> str:
    """A time as people read it, "7 Nov 2021 04:30 UTC", and with an event's T0 its offset
    from it, "7 Nov 2021 04:30 UTC (+5.0 h)". ISO strings (the reports' times) or datetimes."""
    if value is None:
        return ""
    return _moment(value, t0)


@lru_cache(maxsize=4096)  # an event page formats a few hundred times, many of them twice
def _moment(value: datetime | str, t0: datetime | str | None) -> str:
    instant = _instant(value)
    if instant is None:
        return str(value)
    text = f"{instant.day} {instant:%b %Y %H:%M} UTC"
    anchor = _instant(t0)
    if anchor is None:
        return text
    return f"{text} ({hours((instant - anchor).total_seconds() / 3600)})"


def number(value: int | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def hours(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f} h"


def pretty_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def group_badge(group: str | None) -> Markup:
    """The actor group's coloured badge (as the group_badge macro of _macros.html draws it,
    without a macro call per row: the event page draws hundreds)."""
    return Markup('<span class="badge {}">{}</span>').format(group_class(group),
                                                              group or "unassigned")


def english_name(names: Any, fallback: str = "") -> str:
    if isinstance(names, dict):
        return str(names.get("en") or fallback)
    return fallback


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every value is escaped unless a helper built it escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(utc=utc, moment=moment, number=number, hours=hours,
                       pretty_json=pretty_json, direction=text_direction, english=english_name,
                       group_class=group_class)
    env.globals.update(highlight=highlight, group_class=group_class, group_badge=group_badge)
    return env
