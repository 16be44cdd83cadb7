"""`chorus convergence`: event and period reports, daily series, candidate events, lead–lag,
rollup refresh. The measures are computed in PostgreSQL by storage.convergence."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import click

from monitor.app import App, pass_app
from monitor.errors import UserError
from monitor.output import print_json, print_table
from storage.convergence import report as convergence
from storage.convergence.report import ConvergenceError


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    try:
        yield
    except ConvergenceError as exc:
        raise UserError(str(exc)) from None


def parse_moment(value: str, option: str, *, end_of_day: bool = False) -> datetime:
    """ISO 8601 with an offset, or a bare date meaning that UTC day (its start, or with
    end_of_day the start of the next day); a time without an offset is refused."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1) if end_of_day else start
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"{option}: cannot read {value!r}; use ISO 8601, e.g. "
                        "2021-11-06T23:30Z or 2021-11-06") from None
    if parsed.tzinfo is None:
        raise UserError(f"{option}: {value!r} has no UTC offset; add Z or +03:00")
    return parsed.astimezone(UTC)


def _day(value: str | None, option: str, default: date) -> date:
    return parse_moment(value, option).date() if value else default


@click.group("convergence", invoke_without_command=True)
@click.option("--event", "event_ref", help="Event id or name (see: chorus events list).")
@click.option("--since", help="Period start (ISO 8601 with offset, or a UTC date).")
@click.option("--until", help="Period end, excluded (a date means the end of that day).")
@click.option("--narrative", help="Only this narrative key.")
@click.option("--k", "k", type=int, help="k in time-to-k-actors (default: convergence_k).")
@click.option("--pre-days", type=float, help="Pre-window in days (default: pre_window_days).")
@click.option("--post-hours", type=float,
              help="Post-window in hours (default: post_window_hours).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def convergence_group(app: App, event_ref: str | None, since: str | None, until: str | None,
                      narrative: str | None, k: int | None, pre_days: float | None,
                      post_hours: float | None, as_json: bool) -> None:
    """Messaging convergence for an event (--event) or a period (--since/--until).

    Subcommands: series, candidates, leadlag, refresh.
    """
    if click.get_current_context().invoked_subcommand is not None:
        return
    if event_ref and (since or until):
        raise UserError("give either --event or --since/--until, not both")
    config = app.config
    k_value = config.convergence_k if k is None else k
    if event_ref:
        with app.db.connection() as conn, app.db.spare_connections(2) as helpers, _user_errors():
            report = convergence.event_report(
                conn, event_ref, narrative=narrative, k=k_value,
                pre_days=float(config.pre_window_days) if pre_days is None else pre_days,
                post_hours=float(config.post_window_hours) if post_hours is None else post_hours,
                helpers=helpers)
    elif since and until:
        start, end = parse_moment(since, "--since"), parse_moment(until, "--until", end_of_day=True)
        with app.db.connection() as conn, app.db.spare_connections(2) as helpers, _user_errors():
            report = convergence.period_report(conn, start, end, narrative=narrative, k=k_value,
                                               helpers=helpers)
    else:
        raise UserError("give --event ID|NAME, or --since and --until "
                        "(or a subcommand: series, candidates, leadlag, refresh)")
    if as_json:
        print_json(report)
    else:
        _print_report(app, report, k_value)


def _print_report(app: App, report: dict[str, Any], k: int) -> None:
    event = report["event"]
    if event:
        title = f"{event['name']} — {event['occurred_at']} (event {event['id']})"
    else:
        title = f"{report['period']['since']} to {report['period']['until']}"
    rows = [{
        "narrative": n["narrative"],
        "1h/6h/24h/72h": "/".join(str(n["adopters_by_window"][w])
                                  for w in ("1h", "6h", "24h", "72h")),
        "groups": n["groups_24h"],
        f"to {k} (h)": n["time_to_k_hours"],
        "first mover": n["first_mover"]["actor"] if n["first_mover"] else None,
        "lag (h)": n["first_mover"]["lag_hours"] if n["first_mover"] else None,
        "pre": _prepositioned_cell(n),
        "copies": len(n["coordinated_copies"]),
        "score": f"{n['score']:.3f}",
    } for n in report["narratives"]]
    print_table(app.console, rows, list(rows[0]) if rows else ["narrative"], title=title)
    for n in report["narratives"]:
        if n["adopters"]:
            _print_details(app, n)


def _prepositioned_cell(n: dict[str, Any]) -> str:
    edited = sum(1 for p in n["prepositioned"] if p["edited_after_event"])
    total = n.get("prepositioned_posts", len(n["prepositioned"]))
    return f"{total} ({edited} edited)" if edited else str(total)


def _print_details(app: App, n: dict[str, Any]) -> None:
    key = n["narrative"]
    print_table(app.console, n["adopters"],
                ["actor", "group", "platform", "first_post_at", "lag_hours", "url"],
                title=f"{key}: adopters, in order")
    if n["prepositioned"]:
        print_table(app.console, n["prepositioned"],
                    ["actor", "group", "posted_at", "hours_before", "edited_after_event", "url"],
                    title=f"{key}: pre-positioned")
    copies = [{"first_at": c["first_at"], "actors": c["actors"],
               "forwards": len(c["forwards"]), "identical": c["identical"],
               "who": ", ".join(p["actor"] for p in c["posts"]), "text": c["text"]}
              for c in n["coordinated_copies"]]
    if copies:
        print_table(app.console, copies, list(copies[0]), title=f"{key}: coordinated copies")
    if n["shared_phrases"]:
        print_table(app.console, [{**p, "used_by": ", ".join(p["used_by"])}
                                  for p in n["shared_phrases"]],
                    ["phrase", "actors", "used_by"], title=f"{key}: shared phrases")


@convergence_group.command("series")
@click.option("--since", help="First UTC day (default: 29 days before --until).")
@click.option("--until", help="Last UTC day, included (default: today).")
@click.option("--narrative", "narratives", multiple=True, help="Narrative key (repeatable).")
@click.option("--unusual-only", is_flag=True, help="Only days with z >= 3.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def series_cmd(app: App, since: str | None, until: str | None, narratives: tuple[str, ...],
               unusual_only: bool, as_json: bool) -> None:
    """Daily adopting actors, groups and posts per narrative, against a 28-day baseline."""
    last = _day(until, "--until", datetime.now(UTC).date())
    first = _day(since, "--since", last - timedelta(days=29))
    with app.db.connection() as conn, _user_errors():
        rows = convergence.daily_series(conn, first, last, narratives=list(narratives) or None)
    if unusual_only:
        rows = [r for r in rows if r["unusual"]]
    if as_json:
        print_json(rows)
        return
    table = [{**r, "baseline": f"{r['baseline']['actors_mean']:.2f} ± "
                               f"{r['baseline']['actors_sd']:.2f}",
              "unusual": "yes" if r["unusual"] else ""} for r in rows]
    print_table(app.console, table, ["narrative", "day", "actors", "groups", "posts",
                                     "baseline", "z", "rank", "unusual"],
                title=f"daily series {first} to {last}")


@convergence_group.command("candidates")
@click.option("--since", help="First UTC day to search (default: 6 days before --until).")
@click.option("--until", help="Last UTC day to search, included (default: today).")
@click.option("--min-actors", type=int, default=3, show_default=True,
              help="Actors that must burst together.")
@click.option("--min-z", type=float, default=3.0, show_default=True,
              help="How far above its own baseline an actor must be.")
@click.option("--confirm", "confirm_id", type=int, help="Confirm this candidate as an event.")
@click.option("--dismiss", "dismiss_id", type=int, help="Dismiss this candidate.")
@click.option("--name", help="With --confirm: the event's name.")
@click.option("--at", "at", help="With --confirm: the event's time (ISO 8601 with offset).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def candidates_cmd(app: App, since: str | None, until: str | None, min_actors: int,
                   min_z: float, confirm_id: int | None, dismiss_id: int | None,
                   name: str | None, at: str | None, as_json: bool) -> None:
    """Propose candidate events from joint volume bursts, or confirm/dismiss one."""
    if confirm_id is not None and dismiss_id is not None:
        raise UserError("give --confirm or --dismiss, not both")
    if (name or at) and confirm_id is None:
        raise UserError("--name and --at go with --confirm")
    with app.db.connection() as conn, _user_errors():
        if confirm_id is not None:
            moment = parse_moment(at, "--at") if at else None
            result: Any = convergence.confirm_candidate(conn, confirm_id, name=name, at=moment)
        elif dismiss_id is not None:
            result = convergence.dismiss_candidate(conn, dismiss_id)
        else:
            last = _day(until, "--until", datetime.now(UTC).date())
            first = _day(since, "--since", last - timedelta(days=6))
            result = convergence.propose_candidate_events(conn, first, last,
                                                          min_actors=min_actors, min_z=min_z)
    if as_json:
        print_json(result)
    elif isinstance(result, dict):
        click.echo(f"event {result['id']} ({result['name']}) is now {result['status']}")
    else:
        rows = [{"id": p.get("id"), "at": p["at"], "actors": p["actors"], "groups": p["groups"],
                 "status": p.get("status") or f"explained by {', '.join(p['explained_by'])}",
                 "who": ", ".join(i["actor"] for i in p["involved"][:6])} for p in result]
        print_table(app.console, rows, ["id", "at", "actors", "groups", "status", "who"],
                    title="candidate events (confirm: chorus convergence candidates --confirm ID)")


@convergence_group.command("leadlag")
@click.option("--since", required=True, help="Period start (ISO 8601 with offset, or a date).")
@click.option("--until", required=True, help="Period end, excluded (a date: end of that day).")
@click.option("--narrative", help="Only this narrative key.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def leadlag_cmd(app: App, since: str, until: str, narrative: str | None, as_json: bool) -> None:
    """Per actor, over the confirmed events of a period: first moves and median lag."""
    with app.db.connection() as conn, _user_errors():
        rows = convergence.lead_lag(conn, parse_moment(since, "--since"),
                                    parse_moment(until, "--until", end_of_day=True),
                                    narrative=narrative,
                                    post_hours=float(app.config.post_window_hours))
    if as_json:
        print_json(rows)
        return
    print_table(app.console, rows, ["actor", "group", "adoptions", "events", "first_moves",
                                    "first_rate", "median_lag_hours", "median_position"],
                title="lead–lag across confirmed events")


@convergence_group.command("refresh")
@click.option("--full", is_flag=True, help="Rebuild everything from posts, tags and labels.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def refresh_cmd(app: App, full: bool, as_json: bool) -> None:
    """Recompute the daily rollups of the days that changed (or all, with --full)."""
    with app.db.connection() as conn:
        if full:
            result = {"narrative_posts": convergence.rebuild_rollups(conn)}
        else:
            result = {"days_refreshed": convergence.refresh_rollups(conn)}
    if as_json:
        print_json(result)
    else:
        click.echo(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in result.items()))


COMMANDS = [convergence_group]
