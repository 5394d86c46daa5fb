"""A service's home page, led by the person who opens it: what awaits them (counted on the
service's own data) and only the pages their role may open — the same rule the app-wide
guard applies, read from each page's route options."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.routes import HTTPRoute

from shared.auth import InvalidToken, Principal
from shared.web.security import VerifiedTokens, token_of

if TYPE_CHECKING:
    from shared.web.app import Runtime

ACCOUNTS_PATH = "/accounts"  # the administrators' pages, on the service that signs people in


class Awaiting(msgspec.Struct, frozen=True):
    """Something waiting for the person: ``count`` of what ``key`` names, done at ``path``."""

    key: str
    count: int
    path: str


# What awaits a person in a service: ``None`` when nothing there is theirs to do (their role
# has no work in it), else the counts (zeros are left out of the page).
AwaitingOf = Callable[["Runtime", Principal], Awaitable[Sequence[Awaiting] | None]]


def signed_in(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """Who opens a public page, when they are signed in with a valid token; else ``None``."""
    token = token_of(connection)
    if not token:
        return None
    tokens: VerifiedTokens = connection.app.state.tokens
    try:
        return tokens.verify(token)
    except InvalidToken:
        return None


def may_open(app: Litestar, path: str, principal: Principal | None) -> bool:
    """True when the page at ``path`` lets ``principal`` (``None``: nobody signed in) in."""
    for route in app.routes:
        if route.path != path or not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if "GET" in handler.http_methods:
                if handler.opt.get("public"):
                    return True
                roles: tuple[str, ...] = handler.opt.get("roles", ())
                return principal is not None and principal.has_any(roles)
    return False


def openable(
    app: Litestar, entries: Iterable[tuple[str, str]], principal: Principal | None
) -> list[tuple[str, str]]:
    """The (message key, path) entries whose page ``principal`` may open."""
    return [(key, path) for key, path in entries if may_open(app, path, principal)]


def reaches_accounts(principal: Principal | None) -> bool:
    """Administrators manage accounts from any service's home."""
    return principal is not None and "admin" in principal.roles
