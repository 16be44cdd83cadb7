"""/healthz and /metrics for monitoring; no post text or secrets in them.

On 127.0.0.1 both are open. On any other bind (the console then requires login) /healthz
tells an anonymous client only ok or unavailable, and /metrics needs a login or the bearer
token in the secret console_metrics_token: figures about sources and the daemon are not for
whoever can reach the port.
"""

from __future__ import annotations

import hmac
from typing import Any

from prometheus_client import REGISTRY, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from monitor.console.sessions import SESSION_COOKIE
from monitor.console.state import ConsoleState
from monitor.health import healthz_payload, metrics_payload, metrics_registry
from storage.database import DatabaseUnavailable


def _logged_in(request: Request, state: ConsoleState) -> bool:
    if not request.cookies.get(SESSION_COOKIE):
        return False
    try:
        return state.sessions.resolve(request, state.db).user is not None
    except DatabaseUnavailable:
        return False  # nobody can be checked; details wait until the database is back


def _bearer_matches(request: Request, token: str) -> bool:
    scheme, _, offered = request.headers.get("authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
        offered.strip().encode(), token.encode())


def _health(request: Request, state: ConsoleState) -> tuple[int, dict[str, Any]]:
    status, payload = healthz_payload(state.db)
    if state.auth_required and not _logged_in(request, state):
        return status, {"status": payload["status"]}
    return status, payload


async def healthz(request: Request) -> Response:
    status, payload = await run_in_threadpool(_health, request, request.app.state.console)
    return JSONResponse(payload, status_code=status)


def _metrics(request: Request, state: ConsoleState) -> Response:
    if state.auth_required and not (
            _bearer_matches(request, state.config.secret("console_metrics_token"))
            or _logged_in(request, state)):
        return PlainTextResponse(
            "metrics need a login, or the bearer token of the secret console_metrics_token\n",
            status_code=401, headers={"www-authenticate": 'Bearer realm="chorus"'})
    body, content_type = metrics_payload(metrics_registry(state.config, state.db))
    return Response(generate_latest(REGISTRY) + body, media_type=content_type)


async def metrics(request: Request) -> Response:
    return await run_in_threadpool(_metrics, request, request.app.state.console)
