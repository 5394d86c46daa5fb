"""JSON API of account administration, as the ``/accounts`` page does it: list the accounts,
add one (it gets a one-time link to choose its password), disable one, issue a new link; and
one's own account, as ``/compte`` shows it: where one is told what happened."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from services.group_purchase import units
from services.group_purchase.accounts import handlers
from services.group_purchase.accounts.domain import (
    Account,
    Contact,
    ContactUpdate,
    ExpiringTraining,
    Training,
    TrainingCreate,
    own_account,
)
from services.group_purchase.accounts.store import AccountStore
from shared.auth import ROLES, Principal
from shared.listing import PAGE_LIMIT, After, Limit, page_of, read_cursor
from shared.logging import get_logger
from shared.web.app import Runtime
from shared.web.security import allow

log = get_logger("boucle.group_purchase.accounts")
ADMIN = allow("admin")
ANY_ROLE = allow(*ROLES)


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


class RolesGiven(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    roles: Annotated[list[str], msgspec.Meta(min_length=1, max_length=6)]


class TrainingView(msgspec.Struct, frozen=True, kw_only=True):
    """A training as recorded: valid from ``taken_on`` to ``valid_until``, both included."""

    id: uuid.UUID
    account_id: uuid.UUID
    course: str
    reference: str
    taken_on: date
    trainer: str
    valid_until: date


class TrainingList(msgspec.Struct, frozen=True, kw_only=True):
    trainings: list[TrainingView]


class ExpiringView(msgspec.Struct, frozen=True, kw_only=True):
    training: TrainingView
    login: str
    display_name: str


class ExpiringList(msgspec.Struct, frozen=True, kw_only=True):
    """Trainings whose validity ends within 30 days, the soonest first."""

    trainings: list[ExpiringView]


def training_view(training: Training) -> TrainingView:
    return msgspec.convert(msgspec.to_builtins(training), TrainingView, strict=False)


def expiring_view(expiring: ExpiringTraining) -> ExpiringView:
    return ExpiringView(
        training=training_view(expiring.training),
        login=expiring.login,
        display_name=expiring.display_name,
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


class MyAccountView(msgspec.Struct, frozen=True, kw_only=True):
    """One's own account: who one is, and where one is told what happened (``email`` empty:
    no mail, the inbox and printed letters only; ``language``: of the mails)."""

    id: uuid.UUID
    login: str
    display_name: str
    roles: list[str]
    email: str
    language: str


def my_view(account: Account, contact: Contact) -> MyAccountView:
    return MyAccountView(
        id=account.id,
        login=account.login,
        display_name=account.display_name,
        roles=list(account.roles),
        email=contact.email,
        language=contact.language,
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

    @get("/me", opt=ANY_ROLE)
    async def my_account(
        self, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> MyAccountView:
        """The account one is signed in with, and where one is told what happened."""
        account_id = own_account(principal)
        contact = await handlers.contact_of(units.accounts(runtime), account_id)
        account = await AccountStore(runtime.pool).account_by_id(account_id)
        assert account is not None  # its contact was found
        return my_view(account, contact)

    @patch(
        "/me",
        opt={**ANY_ROLE, "example": {"email": "amina.k@ccas-roubaix.example", "language": "fr"}},
        status_code=200,
    )
    async def set_my_contact(
        self,
        data: JSONBody[ContactUpdate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> MyAccountView:
        """Change where one is told what happened: ``email`` ("" for no mail: the inbox and
        printed letters only) and ``language`` of the mails (``fr`` or ``en``); a field left
        out stays. An address that cannot be one is a 422 ``accounts.invalid_email``;
        audited."""
        account_id = own_account(principal)
        contact = await handlers.set_contact(units.accounts(runtime), account_id, data)
        log.info("account_contact_set", account_id=str(account_id))
        account = await AccountStore(runtime.pool).account_by_id(account_id)
        assert account is not None
        return my_view(account, contact)

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

    @post(
        "/{account_id:uuid}/roles",
        opt={**ADMIN, "example": {"roles": ["refurbisher", "erasure_officer"]}},
        status_code=200,
    )
    async def set_roles(
        self,
        account_id: FromPath[uuid.UUID],
        data: JSONBody[RolesGiven],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> AccountView:
        """Give the account these roles (in place of its current ones). The erasure-officer
        role needs an erasure training valid today (422 ``accounts.training_required``)."""
        account = await handlers.set_roles(
            units.accounts(runtime), principal.sub, account_id, tuple(data.roles)
        )
        log.info("account_roles_set", account_id=str(account_id))
        return view_of(account)

    @get("/{account_id:uuid}/trainings", opt=ADMIN)
    async def trainings(
        self, account_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
    ) -> TrainingList:
        """The person's trainings, the one ending last first."""
        _, trainings = await handlers.trainings_of(units.accounts(runtime), account_id)
        return TrainingList(trainings=[training_view(t) for t in trainings])

    @post(
        "/{account_id:uuid}/trainings",
        opt={
            **ADMIN,
            "example": {
                "course": "data_erasure",
                "reference": "EFF-2026-014",
                "taken_on": "2026-03-02",
                "trainer": "Organisme de formation agréé",
                "valid_until": "2028-03-01",
            },
        },
        status_code=201,
    )
    async def record_training(
        self,
        account_id: FromPath[uuid.UUID],
        data: JSONBody[TrainingCreate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> TrainingView:
        """Record a training the person followed (written in the audit trail); the workshops
        learn of it. A reference already recorded is a 409."""
        training = await handlers.record_training(
            units.accounts(runtime), principal.sub, account_id, data
        )
        log.info("training_recorded", account_id=str(account_id))
        return training_view(training)


class TrainingController(Controller):
    path = "/api/v1/trainings"
    tags = ["accounts"]

    @get("/expiring", opt=ADMIN)
    async def expiring(self, runtime: NamedDependency[Runtime]) -> ExpiringList:
        """Trainings whose validity ends within 30 days (today included), the soonest first."""
        expiring = await handlers.expiring_trainings(units.accounts(runtime))
        return ExpiringList(trainings=[expiring_view(e) for e in expiring])


ROUTES = [AccountController, TrainingController]
