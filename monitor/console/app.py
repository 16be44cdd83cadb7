"""The console's Starlette application: routes, middleware, error pages."""

from __future__ import annotations

import getpass
import ipaddress
import logging
import secrets
from datetime import timedelta
from functools import partial
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from monitor.console.pages import (
    alerts,
    auth,
    candidates,
    dashboard,
    event,
    media,
    narrative,
    network,
    ops,
    post,
    search,
    sources,
    sql,
)
from monitor.console.security import SecurityHeaders
from monitor.console.sessions import Sessions
from monitor.console.state import ConsoleState
from monitor.console.templating import environment
from monitor.console.timing import ServerTiming
from monitor.console.web import error_page, page
from monitor.settings import Config, ConfigError
from storage.database import Database
from storage.reader_access import check_reader_access
from storage.readonly import ReaderUnavailable, ReadOnlyRunner

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def needs_login(host: str, trusted_proxies: str = "") -> bool:
    """Any bind other than the loopback interface requires authentication, and so does a
    loopback bind behind a reverse proxy: its requests come from wherever the proxy serves."""
    return host not in LOOPBACK_HOSTS or bool(trusted_proxies.strip())


def _routes() -> list[Route | Mount]:
    public = partial(page, public=True)
    return [
        Route("/", page(dashboard.dashboard_page)),
        Route("/search", page(search.search_page)),
        Route("/search.csv", page(search.export_csv)),
        Route("/search.json", page(search.export_json)),
        Route("/narratives", page(narrative.narratives_page)),
        Route("/narratives/{key}", page(narrative.narrative_page)),
        Route("/events", page(event.events_page)),
        Route("/events", page(event.add_event), methods=["POST"]),
        Route("/events/{event_id}", page(event.event_page)),
        Route("/events/{event_id}/decision", page(event.decide_event), methods=["POST"]),
        Route("/posts/{post_id}", page(post.post_page)),
        Route("/posts/{post_id}/labels", page(post.label_post), methods=["POST"]),
        Route("/media/{sha256}", page(media.image)),
        Route("/sources", page(sources.sources_page)),
        Route("/sources", page(sources.add_source), methods=["POST"]),
        Route("/sources/candidates", page(candidates.candidates_page)),
        Route("/sources/candidates/accept", page(candidates.accept_candidate), methods=["POST"]),
        Route("/sources/candidates/reject", page(candidates.reject_candidate), methods=["POST"]),
        Route("/network", page(network.network_page)),
        Route("/network.json", page(network.network_json)),
        Route("/network/export", page(network.network_export)),
        Route("/alerts", page(alerts.alerts_page)),
        Route("/alerts", page(alerts.add_rule), methods=["POST"]),
        Route("/alerts/rules/{name}/delete", page(alerts.delete_rule), methods=["POST"]),
        Route("/sql", page(sql.sql_page)),
        Route("/sql", page(sql.run_sql), methods=["POST"]),
        Route("/sql/saved/{query_id}/delete", page(sql.delete_saved), methods=["POST"]),
        Route("/login", public(auth.login_page)),
        Route("/login", public(auth.login), methods=["POST"]),
        Route("/logout", page(auth.logout), methods=["POST"]),
        Route("/analyst", page(auth.set_analyst), methods=["POST"]),
        Route("/healthz", ops.healthz),
        Route("/metrics", ops.metrics),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = {404: "no such page", 405: "that method is not allowed here"}.get(
        status, "the request could not be served")
    return error_page(request, status, message)


def _prepare_sql_tab(db: Database, role: str) -> str | None:
    """The reason when the SQL tab cannot work as the reader role; what it should not be
    allowed is logged. Checks only: grants are migrations' and operators' (070)."""
    try:
        with db.connection() as conn:
            warnings = check_reader_access(conn, role)
    except ReaderUnavailable as exc:
        log.warning("SQL tab disabled: %s", exc)
        return str(exc)
    for warning in warnings:
        log.warning("SQL tab: %s", warning)
    return None


def trusted_proxies(config: Config) -> list[str]:
    """Setting console_trusted_proxies as addresses and networks; anything else is refused
    (a typo would otherwise silently trust nobody, or everybody)."""
    trusted = []
    for entry in (e.strip() for e in config.console_trusted_proxies.split(",")):
        if not entry:
            continue
        try:
            if "/" in entry:
                trusted.append(str(ipaddress.ip_network(entry, strict=False)))
            else:
                trusted.append(str(ipaddress.ip_address(entry)))
        except ValueError:
            raise ConfigError(f"setting console_trusted_proxies: {entry!r} is not an IP "
                              "address or network") from None
    return trusted


def create_app(config: Config, db: Database, *, auth_required: bool = False) -> Starlette:
    """The console for `db`. With auth_required every page but /login, /healthz and
    /metrics needs a logged-in user (chorus console adduser)."""
    secret = config.secret("console_secret")
    if not secret:
        # Sessions then last as long as this process, which is fine for a local console.
        secret = secrets.token_urlsafe(32)
    sessions = Sessions(secret, timedelta(hours=config.console_session_hours),
                        auth_required=auth_required,
                        default_analyst=config.console_analyst or _os_user())
    runner = ReadOnlyRunner(db.url, role=config.sql_reader_role,
                            password=config.secret("sql_reader_password"),
                            timeout_ms=config.sql_timeout_ms,
                            row_cap=config.sql_row_cap,
                            cell_cap_bytes=config.sql_cell_cap_bytes,
                            result_cap_bytes=config.sql_result_cap_bytes)
    state = ConsoleState(config=config, db=db, env=environment(), sessions=sessions,
                         runner=runner, auth_required=auth_required,
                         reader_problem=_prepare_sql_tab(db, config.sql_reader_role),
                         page_size=config.console_page_size,
                         export_cap=config.console_export_cap)
    # Outermost: the client address and scheme every later step sees. Forwarded headers
    # count only from the proxies named in the settings, never from whoever connects.
    middleware = [Middleware(ProxyHeadersMiddleware, trusted_hosts=trusted_proxies(config)),
                  Middleware(ServerTiming), Middleware(SecurityHeaders)]
    app = Starlette(routes=_routes(), middleware=middleware,
                    exception_handlers={HTTPException: _http_error})
    app.state.console = state
    return app


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "analyst"
