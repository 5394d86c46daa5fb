"""structlog set-up: JSON off a terminal, pretty on one; context bound per request/message."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Any

import msgspec
import structlog

contextvars = structlog.contextvars
# A value JSON has no form for (an exception, a path…) is written as its str().
_json_encoder = msgspec.json.Encoder(enc_hook=str)


def render_json(_logger: Any, _method: str, event: structlog.typing.EventDict) -> bytes:
    """One JSON line, encoded by msgspec (several times cheaper than the json module, and
    each event applied and each request writes one)."""
    return _json_encoder.encode(event)


def configure_logging(service: str, log_format: str = "auto", level: str = "info") -> None:
    """Configure structlog once for this process."""
    as_json = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    binary = getattr(sys.stderr, "buffer", None)  # a captured stderr may have none
    renderer: structlog.typing.Processor = structlog.dev.ConsoleRenderer()
    logger_factory: Any = structlog.PrintLoggerFactory(file=sys.stderr)
    if as_json:
        renderer = render_json if binary else structlog.processors.JSONRenderer()
        if binary:
            logger_factory = structlog.BytesLoggerFactory(file=binary)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=logger_factory,
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger(name)


def loggable_path(scope: Mapping[str, Any]) -> str:
    """A request's path as logs may hold it: a route carrying a secret in its path (a one-time
    link's ``{secret}``) is written as its template, so the secret never reaches the logs."""
    if "secret" in (scope.get("path_params") or {}):
        return str(scope.get("path_template") or "(a path with a secret)")
    return str(scope.get("path", ""))


def current_correlation_id() -> str:
    """The correlation id of the request or message being handled ("" outside one)."""
    return str(structlog.contextvars.get_contextvars().get("correlation_id", ""))
