"""Snowball discovery in the console: the channels and accounts the sources cite, with the
posts that cite them, and accept or reject (as `chorus sources accept|reject`)."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.responses import Response

from monitor import discovery as discovery_lib
from monitor.console.web import PageError, PageRequest, int_param
from monitor.errors import UserError
from storage import catalog, discovery, probation
from storage.console.sources import actor_names, group_keys

ROLES = ("observer", "actor")


def candidates_page(req: PageRequest, errors: list[str] | None = None,
                    status: int = 200) -> Response:
    min_refs = int_param(req.query.get("min_refs"), "min_refs", 2, 1, 1_000_000)
    with req.state.db.connection() as conn:
        found = discovery.candidates(conn, min_refs=min_refs, limit=100)
        evidence = {(c["platform"], c["key"]): discovery.evidence(conn, c["platform"], c["key"], 3)
                    for c in found}
        decided = [d for d in discovery.decisions(conn)[:50] if d["decision"] != "probation"]
        held = probation.on_probation(conn, datetime.now(UTC))
        actors = actor_names(conn)
        groups = group_keys(conn)
    return req.render("candidates.html", status=status, candidates=found, evidence=evidence,
                      decided=decided, held=held, min_refs=min_refs, roles=ROLES, actors=actors,
                      groups=groups, errors=errors or [])


def _ref(req: PageRequest) -> discovery_lib.CandidateRef:
    platform = req.form.get("platform", "").strip()
    key = req.form.get("key", "").strip()
    if platform not in ("telegram", "twitter") or not key:
        raise PageError("the form names no candidate")
    return discovery_lib.CandidateRef(platform, key)


def _analyst(req: PageRequest) -> str:
    analyst = req.session.analyst or req.session.user or ""
    if not analyst:
        raise PageError("set your analyst name before deciding (top right)")
    return analyst


def accept_candidate(req: PageRequest) -> Response:
    spec = discovery_lib.Acceptance(
        handle=req.form.get("handle", "").strip(), role=req.form.get("role", "observer"),
        actor=req.form.get("actor", "").strip() or None,
        group=req.form.get("group", "").strip() or None)
    if spec.role not in ROLES:
        raise PageError("role: choose actor or observer")
    with req.state.db.connection() as conn:
        try:
            discovery_lib.accept(conn, _ref(req), spec, analyst=_analyst(req),
                                 note=req.form.get("note", "")[:500])
        except (UserError, catalog.CatalogError) as exc:
            conn.rollback()
            return candidates_page(req, [f"not accepted: {exc}"], status=400)
    return req.redirect("/sources/candidates")


def reject_candidate(req: PageRequest) -> Response:
    with req.state.db.connection() as conn:
        try:
            discovery_lib.reject(conn, _ref(req), analyst=_analyst(req),
                                 note=req.form.get("note", "")[:500])
        except UserError as exc:
            return candidates_page(req, [f"not rejected: {exc}"], status=400)
    return req.redirect("/sources/candidates")
