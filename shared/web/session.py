"""The browser session: cookie names and attributes, safe return addresses, and the
redirect that renews an expired session token at the issuing service."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect

from shared.config import Settings

SESSION_COOKIE = "boucle_session"
# The refresh secret only travels to the issuing service's /auth/ paths.
REFRESH_COOKIE = "boucle_refresh"
REFRESH_PATH = "/auth"
SIGN_IN_PATH = "/auth/sign-in"
REFRESH_ROUTE = "/auth/refresh"


class SessionExpired(NotAuthorizedException):
    """A genuine session token whose few minutes are over: the browser renews it."""


def accounts_url(settings: Settings) -> str:
    """Base URL of the pages that sign people in ('' when one origin serves everything)."""
    return settings.accounts_url.rstrip("/")


def session_cookies(
    settings: Settings, session_token: str, refresh_secret: str, lifetime_seconds: int
) -> list[Cookie]:
    """The session cookie outlives the token inside it, so that an expired token says
    "renew me" rather than "who are you?"; both end with the refresh lifetime."""
    secure = settings.secure_cookies
    return [
        Cookie(
            key=SESSION_COOKIE,
            value=session_token,
            max_age=lifetime_seconds,
            path="/",
            httponly=True,
            samesite="lax",
            secure=secure,
        ),
        Cookie(
            key=REFRESH_COOKIE,
            value=refresh_secret,
            max_age=lifetime_seconds,
            path=REFRESH_PATH,
            httponly=True,
            samesite="lax",
            secure=secure,
        ),
    ]


def renewed_session_cookie(settings: Settings, session_token: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=session_token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


def cleared_cookies(settings: Settings) -> list[Cookie]:
    secure = settings.secure_cookies
    return [
        Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True, secure=secure),
        Cookie(
            key=REFRESH_COOKIE, value="", max_age=0, path=REFRESH_PATH, httponly=True, secure=secure
        ),
    ]


def safe_next(target: str | None, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """Where to go after signing in: a path of this site, or a page on the same host (the
    services of one installation share a host name), never another site."""
    if not target:
        return "/"
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    parts = urlsplit(target)
    allowed = {connection.url.hostname}
    settings: Settings = connection.app.state.settings
    for url in (settings.public_url, settings.accounts_url):
        if url:
            allowed.add(urlsplit(url).hostname)
    if parts.scheme in ("http", "https") and parts.hostname and parts.hostname in allowed:
        return target
    return "/"


def return_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """This page's address as the sign-in pages send the person back to it: a path when one
    origin serves everything (behind the proxy, the service does not see the public
    scheme), the full URL when the sign-in pages are on another port (development)."""
    settings: Settings = connection.app.state.settings
    if settings.accounts_url:
        return str(connection.url)
    query = connection.url.query
    return connection.url.path + (f"?{query}" if query else "")


def sign_in_url(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The sign-in page, coming back here afterwards (used by the page templates)."""
    settings: Settings = connection.app.state.settings
    target = quote(return_address(connection), safe="")
    return f"{accounts_url(settings)}{SIGN_IN_PATH}?next={target}"


def renew_session(request: Request[Any, Any, Any], _exception: Exception) -> Response[Any]:
    """Send the browser to the issuing service, which renews the token and sends it back."""
    settings: Settings = request.app.state.settings
    target = quote(return_address(request), safe="")
    # 307 keeps a form's method and body: renewed, the form is sent again as it was.
    renewal = f"{accounts_url(settings)}{REFRESH_ROUTE}?next={target}"
    if request.method in ("GET", "HEAD"):
        return Redirect(renewal, status_code=303)
    return Redirect(renewal, status_code=307)
