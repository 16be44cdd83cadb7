"""Login, logout, and the local analyst's name (used on labels when no login is needed)."""

from __future__ import annotations

import re

from starlette.responses import Response

from monitor.console.web import PageError, PageRequest

_ANALYST = re.compile(r"^[\w .@'-]{1,64}$")


def _next_url(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") else "/"


def login_page(req: PageRequest) -> Response:
    if not req.state.auth_required or req.session.user:
        return req.redirect(_next_url(req.query.get("next", "/")))
    return req.render("login.html", next_url=_next_url(req.query.get("next", "/")), error=None)


def login(req: PageRequest) -> Response:
    if not req.state.auth_required:
        return req.redirect("/")
    name = req.form.get("name", "").strip()
    password = req.form.get("password", "")
    next_url = _next_url(req.form.get("next", "/"))
    client = req.request.client.host if req.request.client else ""
    user = name.lower()
    throttle = req.state.login_throttle
    wait = throttle.wait_s(client, user)
    if wait:
        response = req.render("login.html", status=429, next_url=next_url,
                              error=f"too many failed attempts; try again in {wait} seconds")
        response.headers["retry-after"] = str(wait)
        return response
    if not name or not password or not req.state.sessions.login(
            req.state.db, req.session, name, password):
        throttle.failed(client, user)
        return req.render("login.html", status=401, next_url=next_url,
                          error="wrong user name or password")
    throttle.succeeded(client, user)
    return req.redirect(next_url)


def logout(req: PageRequest) -> Response:
    req.state.sessions.logout(req.request, req.state.db, req.session)
    return req.redirect("/login" if req.state.auth_required else "/")


def set_analyst(req: PageRequest) -> Response:
    """On the local console, the name labels are stored under (kept in the signed cookie)."""
    if req.state.auth_required:
        raise PageError("with login on, labels carry the logged-in user's name", status=403)
    name = req.form.get("analyst", "").strip()
    if not _ANALYST.match(name):
        raise PageError("analyst: 1 to 64 letters, digits, spaces or . @ ' - _")
    req.session.analyst = name
    req.session.issue_state = True
    return req.redirect(_next_url(req.form.get("next", "/")))
