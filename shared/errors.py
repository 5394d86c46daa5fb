"""Domain errors are values a person can act on; the web layer turns them into problem+json.

A refusal carries a stable ``code`` and the values its message shows: pages and the API say
it from the catalogs (message key ``refusal.<code>``) in the reader's language. The English
sentence it is raised with is for logs, and is what a refusal not yet in the catalogs says."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused request, with the HTTP status it maps to, a stable code and its values."""

    status_code = 422
    code = "refused"

    def __init__(self, message: str, /, *, code: str = "", **details: Any) -> None:
        super().__init__(message)
        if code:
            self.code = code
        self.details = details


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class NotSignedIn(DomainError):
    """No token, or one that cannot be trusted: the person signs in (again)."""

    status_code = 401
    code = "account.sign_in"


class NotAllowed(DomainError):
    """Signed in, but with a role that may not do this."""

    status_code = 403
    code = "account.role"
