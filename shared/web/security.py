"""Every route declares who may call it: ``opt={"public": True}`` or ``opt={"roles": (...)}``."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from shared.auth import (
    EXPIRED,
    InvalidToken,
    Principal,
    TrustedKeys,
    genuine_claims,
    verify_token,
)
from shared.errors import NotAllowed, NotSignedIn
from shared.events import Clock, utc_now
from shared.web.session import SESSION_COOKIE, SessionExpired

__all__ = ["SESSION_COOKIE", "VerifiedTokens", "allow", "authorize", "public", "token_of"]


def public() -> dict[str, Any]:
    """Route options for a route anyone may call."""
    return {"public": True}


def allow(*roles: str) -> dict[str, Any]:
    """Route options for a route only these roles may call."""
    return {"roles": roles}


def token_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The caller's token: a bearer header (programs) or the session cookie (browsers)."""
    header = connection.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return connection.cookies.get(SESSION_COOKIE)


class VerifiedTokens:
    """Tokens already verified, so a busy counter does not pay an Ed25519 check per request.

    Expiry is checked on every use; the cache is bounded and simply emptied when full, and
    whenever the trusted keys change (a revoked key's tokens are refused at once). Expiry is
    judged by ``clock``."""

    def __init__(
        self,
        trusted: TrustedKeys | Ed25519PublicKey,
        size: int = 4096,
        clock: Clock = utc_now,
    ) -> None:
        self._keys = trusted if isinstance(trusted, TrustedKeys) else TrustedKeys(trusted)
        self._clock = clock
        self._generation = self._keys.generation
        self._size = size
        self._known: dict[str, Principal] = {}

    def verify(self, token: str) -> Principal:
        self._keys.refresh()
        if self._generation != self._keys.generation:
            self._known.clear()
            self._generation = self._keys.generation
        principal = self._known.get(token)
        if principal is None:
            principal = verify_token(self._keys, token, self._clock)
            if len(self._known) >= self._size:
                self._known.clear()
            self._known[token] = principal
        elif principal.expired_at(self._clock()):
            del self._known[token]
            raise InvalidToken(EXPIRED, code="account.token_expired")
        return principal

    def expired_but_genuine(self, token: str) -> bool:
        """True for a token signed with a trusted key whose lifetime is over (renewable)."""
        try:
            return genuine_claims(self._keys, token).expired_at(self._clock())
        except InvalidToken:
            return False


def _wants_page(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """A browser opening a page or sending a form (programs use the API and bearer tokens)."""
    return not connection.url.path.startswith("/api/") and "text/html" in connection.headers.get(
        "accept", ""
    )


async def authorize(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The app-wide guard, run before every handler (``edge.in_order``): public routes pass;
    others need a valid token with a listed role."""
    if handler.opt.get("public"):
        return
    token = token_of(connection)
    if not token:
        raise NotSignedIn("Sign in first: this action needs a Boucle account.")
    tokens: VerifiedTokens = connection.app.state.tokens
    try:
        principal = tokens.verify(token)
    except InvalidToken as error:
        from_cookie = token == connection.cookies.get(SESSION_COOKIE)
        if from_cookie and _wants_page(connection) and tokens.expired_but_genuine(token):
            raise SessionExpired("Your session is being renewed.") from error
        raise
    roles: tuple[str, ...] = handler.opt.get("roles", ())
    if not principal.has_any(roles):
        raise NotAllowed(
            f"Your role does not allow this; it is for: {', '.join(roles) or 'nobody'}.",
            roles=list(roles),
        )
    connection.scope["principal"] = principal  # type: ignore[typeddict-unknown-key]


def provide_principal(request: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal: Principal = request.scope["principal"]  # type: ignore[typeddict-item]
    return principal
