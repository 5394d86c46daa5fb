"""``/health/live``, ``/health/ready`` (PostgreSQL and NATS reachable) and ``/metrics``."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import MediaType, Request, Response, get

from shared.web.problems import problem_response
from shared.web.security import public


@get("/health/live", opt=public(), sync_to_thread=False)
def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/health/ready", opt=public())
async def ready(request: Request[Any, Any, Any]) -> Response[Any]:
    runtime = request.app.state.runtime
    checks = {"postgresql": False, "nats": runtime.nats.is_connected}
    try:
        async with asyncio.timeout(2):
            checks["postgresql"] = await runtime.pool.fetchval("SELECT true")
    except Exception:  # any failure means "not ready"; the check reports it
        checks["postgresql"] = False
    if all(checks.values()):
        return Response({"status": "ready", "checks": checks})
    failing = ", ".join(name for name, ok in checks.items() if not ok)
    return problem_response(request, 503, f"Not ready: {failing} unreachable.", checks=checks)


@get("/metrics", opt=public(), media_type=MediaType.TEXT, sync_to_thread=False)
def metrics(request: Request[Any, Any, Any]) -> str:
    text: str = request.app.state.metrics.render()
    return text


ROUTES = [live, ready, metrics]
