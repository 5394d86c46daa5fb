"""``/health/live``, ``/health/ready`` (PostgreSQL and NATS reachable) and ``/metrics``."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get

from shared.db import database_answers
from shared.web.problems import problem_response
from shared.web.security import public


@get("/health/live", opt=public(), sync_to_thread=False)
def live() -> dict[str, str]:
    return {"status": "ok"}


# A readiness probe gets its answer in this time, whatever state the database is in.
READINESS_TIMEOUT = 1.5


@get("/health/ready", opt=public())
async def ready(request: Request[Any, Any, Any]) -> Response[Any]:
    runtime = request.app.state.runtime
    checks = {
        "postgresql": await database_answers(runtime.pool, within=READINESS_TIMEOUT),
        "nats": runtime.nats.is_connected,
    }
    if all(checks.values()):
        return Response({"status": "ready", "checks": checks})
    failing = ", ".join(name for name, ok in checks.items() if not ok)
    return problem_response(request, 503, f"Not ready: {failing} unreachable.", checks=checks)


@get("/metrics", opt=public(), media_type=MediaType.TEXT, sync_to_thread=False)
def metrics(request: Request[Any, Any, Any]) -> str:
    text: str = request.app.state.metrics.render()
    return text


ROUTES = [live, ready, metrics]
