"""/healthz and /metrics for monitoring; no login needed, no post text or secrets in them."""

from __future__ import annotations

from prometheus_client import REGISTRY, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from monitor.console.state import ConsoleState
from monitor.health import healthz_payload, metrics_payload, metrics_registry


async def healthz(request: Request) -> Response:
    state: ConsoleState = request.app.state.console
    status, payload = await run_in_threadpool(healthz_payload, state.db)
    return JSONResponse(payload, status_code=status)


def _metrics(state: ConsoleState) -> tuple[bytes, str]:
    body, content_type = metrics_payload(metrics_registry(state.config, state.db))
    return generate_latest(REGISTRY) + body, content_type


async def metrics(request: Request) -> Response:
    body, content_type = await run_in_threadpool(_metrics, request.app.state.console)
    return Response(body, media_type=content_type)
