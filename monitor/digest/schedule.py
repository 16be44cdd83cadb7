"""Which day a digest covers, and which digest is due at a given moment.

The digest for date D covers D from 00:00 to 24:00 in the configured time zone and is sent
at `digest_time` on D + 1, so it always reports a complete day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.settings import Config, ConfigError


def zone(config: Config) -> ZoneInfo:
    name = config.timezone or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"setting timezone: unknown time zone {name!r} "
                          "(use an IANA name such as Asia/Baghdad or UTC)") from None


def send_time(config: Config) -> time:
    value = config.digest_time.strip()
    try:
        parsed = datetime.strptime(value, "%H:%M")
    except ValueError:
        raise ConfigError(f"setting digest_time: {value!r} is not HH:MM (e.g. 07:00)") from None
    return parsed.time()


def period(config: Config, day: date) -> tuple[datetime, datetime]:
    """[start, end) of the day in the configured zone, as aware datetimes."""
    tz = zone(config)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def due_date(config: Config, now: datetime) -> date:
    """The latest date whose digest should have gone out by `now`."""
    local = now.astimezone(zone(config))
    sent_today = datetime.combine(local.date(), send_time(config), tzinfo=local.tzinfo)
    return local.date() - timedelta(days=1 if local >= sent_today else 2)


def default_date(config: Config, now: datetime) -> date:
    """`chorus digest` without --date: yesterday, the last complete day."""
    return now.astimezone(zone(config)).date() - timedelta(days=1)
