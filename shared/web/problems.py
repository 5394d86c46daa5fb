"""RFC 9457 problem+json for every 4xx/5xx, with a message a person can act on."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.handlers import HTTPRouteHandler
from litestar.params import ParameterKwarg
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from shared.db import TRANSIENT_ERRORS, DatabaseBusy
from shared.errors import DomainError
from shared.logging import get_logger, loggable_path
from shared.web.i18n import api_language_of, language_of
from shared.web.pages import page
from shared.web.refusals import items_said, refusal_text

log = get_logger("boucle.web")
PROBLEM_JSON = "application/problem+json"

TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Sign-in required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal error",
    503: "Temporarily unavailable",
}


class Problem(HTTPException):
    """An error the caller can act on: ``Problem(422, "The label … has a wrong check symbol")``."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(
            status_code=status_code, detail=detail, headers=headers, extra=extensions or None
        )


class ProblemBody(msgspec.Struct, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    instance: str = ""
    code: str = ""  # a refusal's stable code, the same in every language
    errors: list[dict[str, Any]] | None = None
    extensions: dict[str, Any] | None = None


def problem_response(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    code: str = "",
    detail_language: str = "en",
    **extra: Any,
) -> Response[Any]:
    errors = extra.pop("errors", None)
    body = ProblemBody(
        type="about:blank",
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.url.path,
        code=code,
        errors=errors,
        extensions=extra or None,
    )
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    if _wants_html(request):
        return page(
            request,
            "error.html",
            status_code=status,
            problem=body,
            detail_lang=detail_language,
            headers=headers,
        )
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _refused(request: Request[Any, Any, Any], refusal: DomainError) -> Response[Any]:
    """A refusal said in the reader's language: a page's language for a page, else the one
    Accept-Language prefers (French by default); its code and values travel with it."""
    language = language_of(request) if _wants_html(request) else api_language_of(request)
    detail, detail_language = refusal_text(refusal, language)
    details = dict(refusal.details)
    if isinstance(details.get("errors"), list):
        details["errors"] = items_said(details["errors"], language)
    return problem_response(
        request,
        refusal.status_code,
        detail,
        code=refusal.code,
        detail_language=detail_language,
        **details,
    )


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    """A person's browser asking for a page gets the problem as a page, in their language."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def _validation_errors(exception: ValidationException) -> list[dict[str, Any]]:
    extra = exception.extra
    if isinstance(extra, list):
        return [item for item in extra if isinstance(item, dict)]
    return []


def _named_as_sent(request: Request[Any, Any, Any], error: dict[str, Any]) -> dict[str, Any]:
    """Litestar names a parameter as the handler's argument (``in_state``); the client sent
    it under the name it was declared with (``state``)."""
    handler = request.scope.get("route_handler")
    if error.get("source") == "body" or not isinstance(handler, HTTPRouteHandler):
        return error
    argument = handler.parsed_fn_signature.parameters.get(str(error.get("key")))
    declared = argument.kwarg_definition if argument is not None else None
    if isinstance(declared, ParameterKwarg):
        sent = declared.name or declared.query or declared.header or declared.cookie
        return {**error, "key": sent} if sent else error
    return error


def handle_http_exception(request: Request[Any, Any, Any], exception: Exception) -> Response[Any]:
    if isinstance(exception, ValidationException):
        errors = [_named_as_sent(request, error) for error in _validation_errors(exception)]
        detail = "; ".join(
            f"{error.get('key') or 'body'}: {error.get('message')}" for error in errors
        )
        status = 422 if any(error.get("key") for error in errors) else 400
        return problem_response(
            request, status, detail or str(exception.detail), errors=errors or None
        )
    if isinstance(exception, DomainError):
        return _refused(request, exception)
    if isinstance(exception, TimeoutError) and not isinstance(exception, DatabaseBusy):
        log.warning("dependency_too_slow", path=loggable_path(request.scope), error=repr(exception))
        return problem_response(
            request,
            503,
            "The database did not answer in time, so we cannot tell whether this was saved. "
            "Send the same request again in a moment, with the same Idempotency-Key: "
            "it is applied at most once.",
            headers={"Retry-After": "5"},
        )
    if isinstance(exception, TRANSIENT_ERRORS):
        log.warning(
            "dependency_unavailable", path=loggable_path(request.scope), error=repr(exception)
        )
        return problem_response(
            request,
            503,
            "The service cannot reach its database right now; nothing was saved. "
            "Please try again in a moment.",
            headers={"Retry-After": "5"},
        )
    if isinstance(exception, RequestEntityTooLarge):
        return problem_response(request, 413, _too_large(request))
    if isinstance(exception, HTTPException):
        extra = exception.extra if isinstance(exception.extra, dict) else {}
        return problem_response(
            request,
            exception.status_code,
            str(exception.detail),
            headers=exception.headers,
            **extra,
        )
    log.exception("unhandled_error", path=loggable_path(request.scope))
    return problem_response(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Something went wrong on our side; nothing was saved. Please try again.",
    )


def _too_large(request: Request[Any, Any, Any]) -> str:
    handler = request.scope.get("route_handler")
    limit = (
        handler.resolve_request_max_body_size() if isinstance(handler, HTTPRouteHandler) else None
    )
    at_most = f" ({limit / 1_000_000:.3g} MB at most)" if limit else ""
    return f"The request is larger than this address accepts{at_most}; nothing was saved."


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    HTTPException: handle_http_exception,
    Exception: handle_http_exception,
}
__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "MediaType", "Problem", "problem_response"]
