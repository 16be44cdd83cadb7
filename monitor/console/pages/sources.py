"""The watchlist: sources with role, group, last fetch, state and counts; add a source."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from starlette.responses import Response

from collectors.records import PLATFORMS
from monitor.console.web import PageError, PageRequest, int_param
from monitor.health import source_statuses
from storage import catalog, completeness
from storage.console import dashboard as console_dashboard
from storage.console import sources as console_sources
from storage.console.sources import WatchlistRow

ROLES = ("actor", "observer")
# monitor.health's conditions, plus sources it does not watch (no actor, not a search).
CONDITIONS = ("blind", "quiet", "ok", "unwatched")
PAGE_SIZE = 200


class _Listed(WatchlistRow):
    posts_total: int | None  # None until the cached totals are first counted
    condition: str
    reason: str
    possible_missing: int  # storage.completeness over the last 7 days


def sources_page(req: PageRequest, errors: list[str] | None = None,
                 status: int = 200) -> Response:
    condition = req.query.get("condition", "").strip()
    if condition and condition not in CONDITIONS:
        raise PageError(f"condition: choose one of {', '.join(CONDITIONS)}")
    needle = req.query.get("q", "").strip().lower().lstrip("@")
    page = int_param(req.query.get("page"), "page", 1, 1, 10_000)
    with req.state.db.connection() as conn:
        now = console_dashboard.server_time(conn)
        rows = console_sources.watchlist(conn, now - timedelta(days=7))
        actors = console_sources.actor_names(conn)
        groups = console_sources.group_keys(conn)
        missing = completeness.by_source(conn, (now - timedelta(days=6)).date(), now.date())
    totals, age = req.state.source_totals.current()
    health = {(s.platform, s.handle.lower()): s for s in
              source_statuses(req.state.config, req.state.db, now - timedelta(hours=24), now, now)}
    counts = dict.fromkeys(CONDITIONS, 0)
    listed: list[_Listed] = []
    for row in rows:
        watched = health.get((row["platform"], row["handle"].lower()))
        listed.append({**row, "posts_total": None if totals is None else totals.get(row["id"], 0),
                       "condition": watched.condition if watched else "unwatched",
                       "reason": watched.reason if watched else "",
                       "possible_missing": missing.get(row["id"], 0)})
        counts[listed[-1]["condition"]] += 1
    chosen = [r for r in listed
              if (not condition or r["condition"] == condition)
              and (not needle or needle in r["handle"].lower()
                   or needle in (r["actor"] or "").lower())]
    first = (page - 1) * PAGE_SIZE
    carried = {k: v for k, v in (("condition", condition), ("q", needle)) if v}
    return req.render(
        "sources.html", status=status, sources=chosen[first:first + PAGE_SIZE],
        matching=len(chosen), first=first, counts=counts, condition=condition, needle=needle,
        prev_url=_page_url(carried, page - 1) if page > 1 else None,
        next_url=_page_url(carried, page + 1) if first + PAGE_SIZE < len(chosen) else None,
        actors=actors, groups=groups, platforms=PLATFORMS, roles=ROLES, errors=errors or [],
        totals_age_s=age, form=req.form)


def _page_url(carried: dict[str, str], page: int) -> str:
    return "/sources?" + urlencode({**carried, "page": str(page)})


def add_source(req: PageRequest) -> Response:
    platform = req.form.get("platform", "").strip()
    handle = req.form.get("handle", "").strip().lstrip("@")
    role = req.form.get("role", "").strip()
    actor = req.form.get("actor", "").strip()
    group = req.form.get("group", "").strip()
    errors = []
    if platform not in PLATFORMS:
        errors.append(f"platform: choose one of {', '.join(PLATFORMS)}")
    if not handle or not all(c.isalnum() or c == "_" for c in handle) or len(handle) > 64:
        errors.append("handle: letters, digits and _ only (up to 64)")
    if role not in ROLES:
        errors.append("role: choose actor or observer")
    if role == "actor" and not actor:
        errors.append("actor: a source with role actor needs the actor it speaks for")
    if errors:
        return sources_page(req, errors, status=400)
    with req.state.db.connection() as conn:
        try:
            if actor and group:
                catalog.upsert_actor(conn, catalog.ActorSpec(actor, group))
            catalog.upsert_source(conn, catalog.SourceSpec(
                platform=platform, handle=handle, role=role, actor=actor or None))
        except catalog.CatalogError as exc:
            raise PageError(
                f"source not added: {exc}; give the actor's group to create it") from None
    return req.redirect("/sources")
