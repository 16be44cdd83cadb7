"""The glue every page uses: session, login gate, CSRF check, rendering, error pages.

Page handlers are plain functions run in Starlette's thread pool (the database driver is
synchronous), so the event loop never blocks on a query.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from monitor.console.sessions import Session
from monitor.console.state import ConsoleState
from storage.database import DatabaseUnavailable

log = logging.getLogger(__name__)
MAX_FORM_FIELDS = 200
MAX_FORM_PART = 1024 * 1024


class PageError(Exception):
    """A request the console cannot serve; the message is shown to the analyst as is."""

    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class NotFound(PageError):
    status = 404


@dataclass
class PageRequest:
    request: Request
    state: ConsoleState
    session: Session
    form: Mapping[str, str]

    @property
    def query(self) -> QueryParams:
        return self.request.query_params

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.state.env.get_template(template).render(
            session=self.session, auth_required=self.state.auth_required,
            path=self.request.url.path, **context)
        return HTMLResponse(html, status_code=status)

    def redirect(self, url: str) -> RedirectResponse:
        if not url.startswith("/") or url.startswith("//"):
            url = "/"  # only ever back into the console
        return RedirectResponse(url, status_code=303)


Handler = Callable[[PageRequest], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


def page(handler: Handler, *, public: bool = False) -> Endpoint:
    """Wrap a page handler: read the form, then serve it in the thread pool."""

    async def endpoint(request: Request) -> Response:
        form: dict[str, str] = {}
        if request.method == "POST":
            try:
                data = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS,
                                          max_part_size=MAX_FORM_PART)
            except HTTPException as exc:  # malformed or oversized form
                return error_page(request, 400, f"the form could not be read: {exc.detail}")
            form = {k: v for k, v in data.items() if isinstance(v, str)}
        return await run_in_threadpool(_serve, handler, request, form, public)

    endpoint.__name__ = getattr(handler, "__name__", "page")
    return endpoint


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> str | None:
    """scheme://host[:port] as a browser writes an Origin (default port left out)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number
        return None
    if not parts.scheme or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown = "" if port is None or port == _DEFAULT_PORTS.get(parts.scheme) else f":{port}"
    return f"{parts.scheme}://{host}{shown}"


def _same_origin(request: Request, public_url: str) -> bool:
    """Whether a POST comes from the console's own pages (the CSRF token is checked too).

    A browser that sends Fetch Metadata says so itself: only `same-origin` passes (not
    `same-site`, a sibling subdomain, nor `none`). Otherwise an Origin, when sent, must be the
    console's: as the browser addressed it (Host), or its public URL (setting console_url,
    for a TLS proxy in front). `null` (a sandboxed frame, a no-referrer page) never passes.
    No Origin at all is a client that is not a browser; its token alone decides.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = {_origin(f"{request.url.scheme}://{request.url.netloc}"), _origin(public_url)}
    return _origin(origin) in own - {None}


def _nul_field(request: Request, form: Mapping[str, str]) -> str | None:
    """The first parameter holding a NUL: PostgreSQL text cannot store one, and no real
    search, name or date contains one."""
    fields = (*request.query_params.multi_items(), *request.path_params.items(), *form.items())
    for name, value in fields:
        if "\x00" in name or "\x00" in str(value):
            return name.replace("\x00", "\\0")
    return None


def _serve(handler: Handler, request: Request, form: dict[str, str], public: bool) -> Response:
    state: ConsoleState = request.app.state.console
    nul = _nul_field(request, form)
    if nul is not None:
        return error_page(request, 400, f"{nul}: contains a NUL character, which is not allowed")
    try:
        session = state.sessions.resolve(request, state.db)
        if state.auth_required and session.user is None and not public:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response: Response = RedirectResponse(f"/login?next={quote(target)}", 303)
        elif request.method == "POST" and not (
                _same_origin(request, state.config.console_url) and session.csrf_matches(
                    form.get("csrf_token") or request.headers.get("x-csrf-token"))):
            response = error_page(request, 403, "the form's security token is missing or "
                                  "stale: reload the page and try again", session)
        else:
            response = handler(PageRequest(request, state, session, form))
    except PageError as exc:
        return error_page(request, exc.status, str(exc))
    except DatabaseUnavailable as exc:
        log.warning("console request failed: %s", exc)
        return error_page(request, 503, "the database is not reachable; try again shortly")
    state.sessions.apply_cookies(request, response, session)
    return response


def error_page(request: Request, status: int, message: str,
               session: Session | None = None) -> HTMLResponse:
    state: ConsoleState = request.app.state.console
    html = state.env.get_template("error.html").render(
        status=status, message=message, session=session,
        auth_required=state.auth_required, path=request.url.path)
    return HTMLResponse(html, status_code=status)


def int_param(value: str | None, name: str, default: int, lo: int, hi: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise PageError(f"{name} must be a whole number, not {value!r}") from None
    if not lo <= number <= hi:
        raise PageError(f"{name} must be between {lo} and {hi}")
    return number
