"""CSRF protection of forms: a double-submit token, checked on every unsafe request that a
browser could send with its cookies. Calls with an ``Authorization: Bearer`` header carry
no ambient credential (another site cannot add that header) and need no token."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.exceptions import PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from shared.web.session import SESSION_COOKIE

CSRF_COOKIE = "boucle_csrf"
CSRF_FIELD = "_csrf_token"  # the name Litestar's ``csrf_input`` template helper uses
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfTokenMissing(PermissionDeniedException):
    """The form came without the token of this browser: possibly from another site."""


def needs_token(request: Request[Any, Any, Any]) -> bool:
    if request.method not in UNSAFE_METHODS:
        return False
    if request.headers.get("authorization", "")[:7].lower() == "bearer ":
        return False
    handler = request.scope.get("route_handler")
    options: dict[str, Any] = getattr(handler, "opt", {}) or {}
    if options.get("csrf_exempt"):
        return False
    # A signed-in browser, or a public form (signing in must not be forged either).
    return SESSION_COOKIE in request.cookies or bool(options.get("public"))


async def _sent_token(request: Request[Any, Any, Any]) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type[0] in FORM_TYPES:
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def _program_call(scope: Scope) -> bool:
    """A bearer call without cookies from a client not asking for a page: nothing to check
    and no token to give (reading the headers is cheaper than building a Request)."""
    bearer = False
    for name, value in scope["headers"]:
        if name == b"cookie" or (name == b"accept" and b"text/html" in value):
            return False
        if name == b"authorization":
            bearer = value[:7].lower() == b"bearer "
    return bearer


def csrf_protection(secure: bool):
    """Middleware: every page gets this browser's token (``csrf_token`` / ``csrf_input`` in
    templates); an unsafe request that needs one must send it back."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            if _program_call(scope):
                ScopeState.from_scope(scope).csrf_token = ""
                await app(scope, receive, send)
                return
            request: Request[Any, Any, Any] = Request(scope, receive)
            known = request.cookies.get(CSRF_COOKIE, "")
            token = known if len(known) == 43 else ""
            if not token and "text/html" in request.headers.get("accept", ""):
                token = secrets.token_urlsafe(32)  # a page, maybe with a form: give a token
            ScopeState.from_scope(scope).csrf_token = token
            if needs_token(request):
                sent = await _sent_token(request)
                if not known or not hmac.compare_digest(sent.encode(), known.encode()):
                    raise CsrfTokenMissing(
                        "The form's security token is missing or out of date: reload the page "
                        "and send the form again. Nothing was changed.",
                        extra={"reason": "csrf"},
                    )
            if token == known or not token:
                await app(scope, receive, send)
                return
            cookie = Cookie(
                key=CSRF_COOKIE,
                value=token,
                path="/",
                httponly=True,
                samesite="lax",
                secure=secure,
            )

            async def send_with_cookie(message: Message) -> None:
                if message["type"] == "http.response.start":
                    header = cookie.to_encoded_header()
                    message["headers"] = [*message.get("headers", []), header]
                await send(message)

            await app(scope, receive, send_with_cookie)

        return wrapped

    return middleware
