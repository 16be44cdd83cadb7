"""Alerts: the rules, their recent incidents and deliveries (sent, failed, pending), and
forms to add or remove a rule (the library of `chorus alerts`: monitor.alerts.manage).
Incident summaries carry post text and queries: the templates escape them like any post."""

from __future__ import annotations

from starlette.responses import Response

from monitor.alerts.manage import create_rule, describe, remove_rule
from monitor.alerts.rules import KINDS, RuleError, parse_channel, parse_params
from monitor.console.web import PageError, PageRequest
from storage.alerts import store as rows
from storage.console import alerts as console_alerts

STATUSES = ("pending", "sending", "sent", "failed", "superseded")
MAX_FIELD = 2000  # characters in any one form field


def alerts_page(req: PageRequest, errors: list[str] | None = None,
                status: int = 200) -> Response:
    shown = req.query.get("status", "").strip()
    if shown and shown not in STATUSES:
        raise PageError(f"status: choose one of {', '.join(STATUSES)}")
    with req.state.db.connection() as conn:
        rules = [describe(r) for r in rows.rules(conn)]
        incidents = console_alerts.recent_incidents(conn)
        deliveries = console_alerts.recent_deliveries(conn, shown or None)
        counts = rows.delivery_counts(conn)
    return req.render("alerts.html", status=status, rules=rules, incidents=incidents,
                      deliveries=deliveries, counts=counts, shown=shown, statuses=STATUSES,
                      kinds=KINDS, errors=errors or [], form=req.form)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def add_rule(req: PageRequest) -> Response:
    form = {k: req.form.get(k, "") for k in ("name", "kind", "params", "channels", "quiet",
                                              "timezone", "max_per_hour")}
    too_long = [k for k, v in form.items() if len(v) > MAX_FIELD]
    if too_long:
        return alerts_page(req, [f"{k}: at most {MAX_FIELD} characters" for k in too_long],
                           status=400)
    errors: list[str] = []
    if form["kind"] not in KINDS:
        errors.append(f"kind: choose one of {', '.join(KINDS)}")
    cap = form["max_per_hour"].strip() or "12"
    if not cap.isdigit():
        errors.append("max per hour: a whole number")
    if errors:
        return alerts_page(req, errors, status=400)
    try:
        create_rule(req.state.db, form["name"].strip(), form["kind"],
                    parse_params(_lines(form["params"])),
                    [parse_channel(c) for c in _lines(form["channels"])],
                    quiet=form["quiet"].strip() or None,
                    timezone=form["timezone"].strip() or "UTC", max_per_hour=int(cap))
    except RuleError as exc:
        return alerts_page(req, [str(exc)], status=400)
    return req.redirect("/alerts")


def delete_rule(req: PageRequest) -> Response:
    name = str(req.request.path_params.get("name", ""))
    try:
        remove_rule(req.state.db, name)
    except RuleError as exc:
        raise PageError(str(exc)) from None
    return req.redirect("/alerts")
