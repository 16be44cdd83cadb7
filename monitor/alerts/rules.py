"""Alert rules as an analyst writes them: kinds, parameters, channels and quiet hours, checked
before anything is stored (the database keeps params as jsonb and trusts this module)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from collectors.records import PLATFORMS
from monitor.alerts.health_rule import check_health_params
from monitor.errors import UserError
from storage.alerts.store import AlertRule
from storage.rows import JsonObject

KINDS = ("convergence", "search", "prepositioning", "health")
EVENT_STATUSES = ("confirmed", "candidate")
FORMATS = ("generic", "slack")
_SECRET_NAME = re.compile(r"^[a-z0-9_]{1,64}$")
_CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")

# Parameters each kind accepts, with their types.
_PARAMS: dict[str, dict[str, type]] = {
    "convergence": {"narrative": str, "k": int, "groups": int, "window_hours": float,
                    "statuses": list, "placebo_p": float},
    "search": {"query": str, "narrative": str, "actor": str, "group": str, "platform": str,
               "lang": str},
    "prepositioning": {"narrative": str, "k": int, "window_hours": float},
    "health": {"scope": str, "platform": str, "source": str, "checks": list, "gap_posts": int,
               "silence_factor": float, "silence_percentile": float,
               "silence_min_posts": int, "silence_days": int},
}


class RuleError(UserError):
    """A rule, its parameters or a channel is not usable; the message says which and why."""


@dataclass(frozen=True)
class Channel:
    """Where a rule's alerts go: a label unique within the rule, and how to reach it."""

    label: str
    spec: JsonObject

    @property
    def kind(self) -> str:
        return str(self.spec["type"])


def _typed(kind: str, params: dict[str, Any]) -> JsonObject:
    allowed = _PARAMS[kind]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise RuleError(f"{kind} rule: unknown parameter(s) {', '.join(unknown)}; "
                        f"known: {', '.join(sorted(allowed))}")
    out: JsonObject = {}
    for name, given in params.items():
        want = allowed[name]
        try:
            if want is list:
                items = given if isinstance(given, list) else str(given).split(",")
                out[name] = [str(i).strip() for i in items if str(i).strip()]
            elif want is str:
                out[name] = str(given).strip()
            else:
                out[name] = want(given)
        except (TypeError, ValueError):
            raise RuleError(f"{kind} rule: {name} must be {want.__name__}, "
                            f"got {given!r}") from None
    return out


def check_params(kind: str, params: dict[str, Any]) -> JsonObject:
    """The rule's parameters, typed and with their defaults; RuleError when unusable."""
    if kind not in KINDS:
        raise RuleError(f"rule kind {kind!r}: use one of {', '.join(KINDS)}")
    out = _typed(kind, params)
    if kind == "convergence":
        out.setdefault("k", 3)
        out.setdefault("groups", 1)
        out.setdefault("window_hours", 24.0)
        out.setdefault("statuses", list(EVENT_STATUSES))
        if int(str(out["k"])) < 1 or int(str(out["groups"])) < 1:
            raise RuleError("convergence rule: k and groups must be at least 1")
        if not 0 < float(str(out["window_hours"])) <= 72 * 4:
            raise RuleError("convergence rule: window_hours must be in (0, 288]")
        statuses = out["statuses"]
        if not isinstance(statuses, list) or not statuses or any(
                s not in EVENT_STATUSES for s in statuses):
            raise RuleError(f"convergence rule: statuses are among {', '.join(EVENT_STATUSES)}")
        bound = out.get("placebo_p")
        if bound is not None and not 0 < float(str(bound)) <= 1:
            raise RuleError("convergence rule: placebo_p must be in (0, 1]")
    elif kind == "search":
        if not any(out.get(k) for k in _PARAMS["search"]):
            raise RuleError("search rule: give a query or at least one filter")
        if out.get("platform") and out["platform"] not in PLATFORMS:
            raise RuleError(f"search rule: platform is one of {', '.join(PLATFORMS)}")
    elif kind == "prepositioning":
        out.setdefault("k", 3)
        out.setdefault("window_hours", 72.0)
        if int(str(out["k"])) < 2:
            raise RuleError("prepositioning rule: k (actors that make it converged) is at "
                            "least 2")
        if not 0 < float(str(out["window_hours"])) <= 24 * 30:
            raise RuleError("prepositioning rule: window_hours must be in (0, 720]")
    else:
        try:
            check_health_params(out)
        except ValueError as exc:
            raise RuleError(f"health rule: {exc}") from None
        if out["scope"] not in ("source", "platform"):
            raise RuleError("health rule: scope is source (each blind source) or platform "
                            "(every source of a platform blind)")
        if out.get("platform") and out["platform"] not in PLATFORMS:
            raise RuleError(f"health rule: platform is one of {', '.join(PLATFORMS)}")
    return out


def parse_params(values: Iterable[str]) -> dict[str, str]:
    """`NAME=VALUE` items (the CLI's --param, the console's lines) as a mapping."""
    out: dict[str, str] = {}
    for value in values:
        name, sep, given = value.partition("=")
        if not sep or not name.strip():
            raise RuleError(f"parameter {value[:80]!r}: use NAME=VALUE, e.g. k=3 or "
                            "query=الحشد")
        out[name.strip()] = given.strip()
    return out


def parse_channel(text: str) -> JsonObject:
    """A channel from the CLI: `webhook:NAME=URL[,format=slack][,secret=KEY]` or
    `email:ADDR[;ADDR...]`."""
    kind, _, rest = text.partition(":")
    if kind == "email":
        to = [a.strip() for a in rest.split(";") if a.strip()]
        if not to or any("@" not in a or any(c in a for c in "\r\n<>,") for a in to):
            raise RuleError(f"email channel {text!r}: give addresses as email:a@x.org;b@y.org")
        return {"type": "email", "to": to}
    if kind != "webhook":
        raise RuleError(f"channel {text!r}: use webhook:NAME=URL[,format=slack][,secret=KEY] "
                        "or email:ADDRESS[;ADDRESS]")
    name, _, spec = rest.partition("=")
    url, *options = spec.split(",")
    channel: JsonObject = {"type": "webhook", "name": name.strip(), "url": url.strip(),
                           "format": "generic"}
    for option in options:
        key, _, val = option.partition("=")
        if key.strip() not in ("format", "secret"):
            raise RuleError(f"webhook channel option {key!r}: use format= or secret=")
        channel[key.strip()] = val.strip()
    return check_channel(channel)


def check_channel(channel: JsonObject) -> JsonObject:
    if channel.get("type") == "email":
        return channel
    name, url = str(channel.get("name", "")), str(channel.get("url", ""))
    if not _CHANNEL_NAME.match(name):
        raise RuleError(f"webhook name {name!r}: lower-case letters, digits, - and _")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RuleError(f"webhook {name}: the URL must be http(s)://host/...")
    if channel.get("format", "generic") not in FORMATS:
        raise RuleError(f"webhook {name}: format is one of {', '.join(FORMATS)}")
    secret = str(channel.get("secret", name.replace("-", "_")))
    if not _SECRET_NAME.match(secret):
        raise RuleError(f"webhook {name}: secret names a key (letters, digits, _), "
                        "never the secret itself")
    return {**channel, "secret": secret}


def channels_of(rule: AlertRule) -> list[Channel]:
    out: list[Channel] = []
    for spec in rule.channels:
        if spec.get("type") == "email":
            to = spec.get("to")
            label = "email:" + ";".join(str(a) for a in to) if isinstance(to, list) else "email"
        else:
            label = f"webhook:{spec.get('name')}"
        out.append(Channel(label, spec))
    return out


def parse_quiet(text: str | None) -> tuple[time | None, time | None]:
    """`22:00-06:30` (start and end; the end may be the next day) or nothing."""
    if not text:
        return None, None
    start, sep, end = text.partition("-")
    try:
        if not sep:
            raise ValueError(text)
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise RuleError(f"quiet hours {text!r}: use HH:MM-HH:MM, e.g. 22:00-06:30") from None


def check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleError(f"time zone {name!r} is unknown (use e.g. UTC or Asia/Baghdad)") from None
    return name


def quiet_until(rule: AlertRule, now: datetime) -> datetime | None:
    """The end of the quiet period `now` falls in (the time to send held alerts), or None."""
    if rule.quiet_start is None or rule.quiet_end is None or rule.quiet_start == rule.quiet_end:
        return None
    local = now.astimezone(ZoneInfo(rule.quiet_timezone))
    start = local.replace(hour=rule.quiet_start.hour, minute=rule.quiet_start.minute,
                          second=0, microsecond=0)
    end = local.replace(hour=rule.quiet_end.hour, minute=rule.quiet_end.minute,
                        second=0, microsecond=0)
    if rule.quiet_start < rule.quiet_end:
        return end if start <= local < end else None
    # Across midnight: quiet from start today to end tomorrow, or since yesterday's start.
    if local >= start:
        return end + timedelta(days=1)
    if local < end:
        return end
    return None
