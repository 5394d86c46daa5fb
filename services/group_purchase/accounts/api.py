"""JSON API of account administration, as the ``/accounts`` page does it: list the accounts,
add one (it gets a one-time link to choose its password), disable one, issue a new link."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from services.group_purchase import units
from services.group_purchase.accounts import handlers
from services.group_purchase.accounts.domain import Account
from services.group_purchase.accounts.store import AccountStore
from shared.listing import PAGE_LIMIT, After, Limit, page_of, read_cursor
from shared.logging import get_logger
from shared.web.app import Runtime
from shared.web.security import allow

log = get_logger("boucle.group_purchase.accounts")
ADMIN = allow("admin")


Scope = Annotated[str, msgspec.Meta(max_length=120)]


class AccountView(msgspec.Struct, frozen=True, kw_only=True):
    """An account as an administrator sees it (never its password)."""

    id: uuid.UUID
    login: str
    display_name: str
    roles: list[str]
    scopes: list[str]
    enabled: bool


class AccountPage(msgspec.Struct, frozen=True, kw_only=True):
    accounts: list[AccountView]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


class AccountCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    login: Annotated[str, msgspec.Meta(max_length=64)]
    display_name: Annotated[str, msgspec.Meta(max_length=120)]
    roles: Annotated[list[str], msgspec.Meta(min_length=1, max_length=6)]
    scopes: Annotated[list[Scope], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )


class PasswordLink(msgspec.Struct, frozen=True, kw_only=True):
    """A one-time link for the person to choose a password, to hand over to them."""

    account: AccountView
    link: str


def view_of(account: Account) -> AccountView:
    return AccountView(
        id=account.id,
        login=account.login,
        display_name=account.display_name,
        roles=list(account.roles),
        scopes=list(account.scopes),
        enabled=account.enabled,
    )


def password_link(request: Request[Any, Any, Any], secret: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/auth/reset/{secret}"


class AccountController(Controller):
    path = "/api/v1/accounts"
    tags = ["accounts"]

    @get("/", opt=ADMIN)
    async def list_accounts(
        self,
        runtime: NamedDependency[Runtime],
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> AccountPage:
        """Every account, by login, ``limit`` a page (``next_after`` for the next)."""
        login_after, id_after = read_cursor(after, str)
        accounts = [
            account
            for account in await AccountStore(runtime.pool).list_accounts()
            if login_after is None or (account.login, account.id) > (login_after, id_after)
        ]
        shown, next_after = page_of(accounts, limit, lambda account: (account.login, account.id))
        return AccountPage(accounts=[view_of(a) for a in shown], next_after=next_after)

    @post(
        "/",
        opt={
            **ADMIN,
            "example": {
                "login": "c.dupont",
                "display_name": "Claire Dupont",
                "roles": ["collector"],
                "scopes": ["collection_point:bcbe0fb2-b7fd-5078-9eae-36298d32c08c"],
            },
        },
        status_code=201,
    )
    async def add_account(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[AccountCreate],
        runtime: NamedDependency[Runtime],
    ) -> PasswordLink:
        """Add an account; the answer holds the one-time link the person chooses a password
        with (valid a limited time). A login already taken is a 409."""
        account = await handlers.add_account(
            units.accounts(runtime),
            data.login,
            data.display_name,
            tuple(data.roles),
            tuple(data.scopes),
        )
        account, secret = await handlers.issue_reset_link(units.accounts(runtime), account.id)
        log.info("account_added", account_id=str(account.id))
        return PasswordLink(account=view_of(account), link=password_link(request, secret))

    @post("/{account_id:uuid}/disable", opt=ADMIN, status_code=200)
    async def disable_account(
        self, account_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
    ) -> AccountView:
        """Disable an account: its sessions stop within minutes. Disabled twice, same answer."""
        account = await handlers.disable_account(units.accounts(runtime), account_id)
        log.info("account_disabled", account_id=str(account_id))
        return view_of(account)

    @post("/{account_id:uuid}/password-link", opt=ADMIN, status_code=201)
    async def issue_password_link(
        self,
        request: Request[Any, Any, Any],
        account_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
    ) -> PasswordLink:
        """A new one-time link for the person to choose a password (a forgotten one)."""
        account, secret = await handlers.issue_reset_link(units.accounts(runtime), account_id)
        log.info("reset_link_issued", account_id=str(account.id))
        return PasswordLink(account=view_of(account), link=password_link(request, secret))


ROUTES = [AccountController]
