"""structlog set-up: JSON off a terminal, pretty on one; context bound per request/message."""

from __future__ import annotations

import logging
import sys

import structlog

contextvars = structlog.contextvars


def configure_logging(service: str, log_format: str = "auto", level: str = "info") -> None:
    """Configure structlog once for this process."""
    as_json = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    )
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
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str) -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger(name)


def current_correlation_id() -> str:
    """The correlation id of the request or message being handled ("" outside one)."""
    return str(structlog.contextvars.get_contextvars().get("correlation_id", ""))
