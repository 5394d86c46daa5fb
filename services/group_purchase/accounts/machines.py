"""Machine tokens for kiosks and integrations: scoped, listed, revocable.

A machine holds an opaque secret (only its SHA-256 is stored) and exchanges it at
``POST /api/v1/auth/machine-token`` for a session token as short-lived as a person's, so
that revoking the secret stops it within the same 10 minutes, with no revocation list."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import Redirect, Template

from services.group_purchase import units
from services.group_purchase.accounts.domain import (
    SESSION_TOKEN_LIFETIME,
    AccountError,
    MachineToken,
    check_new_account,
    digest,
    new_secret,
)
from services.group_purchase.accounts.handlers import Accounts
from services.group_purchase.accounts.keys import signing_key
from shared.auth import UNSCOPED_ROLES, issue_token
from shared.logging import get_logger
from shared.web.app import Runtime
from shared.web.pages import page
from shared.web.security import allow, public

log = get_logger("boucle.accounts")


class MachineTokenExchange(msgspec.Struct, frozen=True):
    secret: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class SessionToken(msgspec.Struct, frozen=True):
    token: str
    expires_in: int


async def create_machine_token(
    uow: Accounts, name: str, roles: tuple[str, ...], scopes: tuple[str, ...]
) -> tuple[MachineToken, str]:
    """The token and its secret, which is shown once and never stored."""
    check_new_account("machine", name.strip(), roles)
    secret = new_secret()
    token = MachineToken(
        id=uuid.uuid4(),
        name=name.strip(),
        roles=tuple(dict.fromkeys(roles)),
        scopes=tuple(dict.fromkeys(scopes)),
    )
    async with uow.begin() as work:
        await work.store.insert_machine_token(token, digest(secret))
    return token, secret


async def revoke_machine_token(uow: Accounts, token_id: uuid.UUID) -> None:
    async with uow.begin() as work:
        if not await work.store.revoke_machine_token(token_id):
            raise AccountError("No such machine token.", 404, code="accounts.machine_token_unknown")


async def exchange(uow: Accounts, key: Ed25519PrivateKey, secret: str) -> str:
    async with uow.begin() as work:
        token = await work.store.use_machine_token(digest(secret))
    if token is None:
        raise AccountError(
            "This machine token is unknown or revoked.", 401, code="accounts.machine_revoked"
        )
    scopes = () if set(token.roles) <= UNSCOPED_ROLES else token.scopes
    return issue_token(
        key,
        token.subject,
        token.roles,  # type: ignore[arg-type]
        scopes,
        int(SESSION_TOKEN_LIFETIME.total_seconds()),
    )


@post(
    "/api/v1/auth/machine-token",
    # the secret is in the body: no ambient credential; a wrong one is a 401
    opt={**public(), "csrf_exempt": True, "answers": (401,)},
    tags=["accounts"],
    status_code=200,
)
async def exchange_machine_token(
    request: Request[Any, Any, Any],
    data: JSONBody[MachineTokenExchange],
    runtime: NamedDependency[Runtime],
) -> SessionToken:
    """A machine's secret for a session token (``Authorization: Bearer``) valid 10 minutes."""
    try:
        token = await exchange(units.accounts(runtime), signing_key(request), data.secret)
    except AccountError:
        log.info("machine_token_refused")
        raise
    return SessionToken(token, int(SESSION_TOKEN_LIFETIME.total_seconds()))


@post("/accounts/machines", opt=allow("admin"), include_in_schema=False)
async def add_machine_token(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> Template:
    form = await request.form()
    roles = tuple(str(role) for role in form.getall("roles", []))
    scopes = tuple(str(form.get("scopes", "")).replace(",", " ").split())
    token, secret = await create_machine_token(
        units.accounts(runtime), str(form.get("name", "")), roles, scopes
    )
    log.info("machine_token_created", machine_token_id=str(token.id))
    return page(request, "machine_secret.html", token=token, secret=secret)


@post(
    "/accounts/machines/{token_id:uuid}/revoke",
    opt=allow("admin"),
    include_in_schema=False,
    status_code=303,
)
async def revoke(token_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]) -> Redirect:
    await revoke_machine_token(units.accounts(runtime), token_id)
    log.info("machine_token_revoked", machine_token_id=str(token_id))
    return Redirect("/accounts", status_code=303)


ROUTES = [exchange_machine_token, add_machine_token, revoke]
