"""Domain errors are values a person can act on; the web layer turns them into problem+json."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused request, with the HTTP status it maps to and a human message."""

    status_code = 422

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409
