"""Reading page parameters: each bad value is reported by name and the good ones are kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from collectors.records import PLATFORMS
from storage.console.search import SORTS, SearchFilters

MAX_QUERY_CHARS = 500
# No post or event lies outside these years; the bounds also keep date arithmetic (heatmap
# days, windows around events) clear of Python's and PostgreSQL's limits.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


@dataclass
class ParsedSearch:
    filters: SearchFilters
    errors: list[str] = field(default_factory=list)


def parse_moment(value: str, name: str, *, end_of_day: bool = False) -> datetime:
    """A date (a whole UTC day) or an ISO 8601 time; a time without offset is taken as UTC."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time(), tzinfo=UTC)
            if end_of_day and day < date.max:
                moment += timedelta(days=1)
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        # Converting a time near year 1 or 9999 to UTC can leave the calendar.
        in_range = EARLIEST <= moment.astimezone(UTC) <= LATEST
    except (ValueError, OverflowError):
        raise ValueError(f"{name}: cannot read {value[:40]!r}; use 2021-11-07 or "
                         "2021-11-06T23:30Z") from None
    if not in_range:
        raise ValueError(f"{name}: {text[:40]!r} is out of range; use a date from "
                         f"{EARLIEST.date()} to {LATEST.date()}")
    return moment


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...],
            errors: list[str]) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        errors.append(f"{name}: {value!r} is not one of {', '.join(allowed)}")
        return None
    return value


def parse_search(params: Mapping[str, str], narratives: tuple[str, ...]) -> ParsedSearch:
    errors: list[str] = []
    query = (params.get("q") or "").strip()
    if len(query) > MAX_QUERY_CHARS:
        errors.append(f"q: the search text is longer than {MAX_QUERY_CHARS} characters")
        query = query[:MAX_QUERY_CHARS]
    moments: dict[str, datetime | None] = {"since": None, "until": None}
    for name in moments:
        raw = params.get(name) or ""
        if raw.strip():
            try:
                moments[name] = parse_moment(raw, name, end_of_day=name == "until")
            except ValueError as exc:
                errors.append(str(exc))
    labelled_raw = _choice(params, "labelled", ("yes", "no"), errors)
    sort = _choice(params, "sort", SORTS, errors) or "newest"
    lang = (params.get("lang") or "").strip().lower() or None
    if lang and not lang.isalpha():
        errors.append(f"lang: {lang!r} is not a language code")
        lang = None
    filters = SearchFilters(
        query=query,
        narrative=_choice(params, "narrative", narratives, errors),
        actor=(params.get("actor") or "").strip() or None,
        group=(params.get("group") or "").strip() or None,
        platform=_choice(params, "platform", PLATFORMS, errors),
        source=(params.get("source") or "").strip().lstrip("@") or None,
        lang=lang,
        since=moments["since"],
        until=moments["until"],
        labelled=None if labelled_raw is None else labelled_raw == "yes",
        sort=sort,  # type: ignore[arg-type]
    )
    return ParsedSearch(filters, errors)


def search_params(params: Mapping[str, str]) -> dict[str, str]:
    """The filter parameters worth carrying to the next page or an export link."""
    keep = ("q", "narrative", "actor", "group", "platform", "source", "lang", "since",
            "until", "labelled", "sort")
    return {k: params[k] for k in keep if params.get(k)}
