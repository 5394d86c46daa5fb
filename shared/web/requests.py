"""ASGI middleware: a request id bound to the logs, one summary line and metrics per request."""

from __future__ import annotations

import time
import uuid
from typing import Any

from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from shared.audit import client_address
from shared.config import Settings
from shared.logging import contextvars, get_logger, loggable_path
from shared.web.metrics import Metrics

log = get_logger("boucle.http")


def request_logging(metrics: Metrics) -> Any:
    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            method: str = scope["method"]  # type: ignore[typeddict-item]
            headers = dict(scope["headers"])
            request_id = headers.get(b"x-request-id", b"").decode()[:64] or uuid.uuid4().hex
            contextvars.clear_contextvars()
            contextvars.bind_contextvars(request_id=request_id, correlation_id=request_id)
            client = scope.get("client")
            client_address.set(client[0] if client else "")
            status = 500
            started = time.perf_counter()

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"x-request-id", request_id.encode()),
                    ]
                await send(message)

            try:
                await app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = scope.get("path_template") or scope["path"]
                if status >= 400 or not str(route).startswith("/health"):
                    log.info(
                        "request",
                        method=method,
                        path=loggable_path(scope),
                        status=status,
                        duration_ms=round(elapsed * 1000, 2),
                    )
                metrics.observe(method, str(route), status, elapsed)

        return wrapped

    return middleware


def caller_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The caller's address: behind our reverse proxy (``BOUCLE_TRUST_FORWARDED_FOR``) every
    request comes from the proxy, so the last X-Forwarded-For entry, the one it appended."""
    settings: Settings = connection.app.state.settings
    forwarded = connection.headers.get("x-forwarded-for", "")
    if settings.trust_forwarded_for and forwarded:
        return forwarded.split(",")[-1].strip()
    return connection.client.host if connection.client else "unknown"
