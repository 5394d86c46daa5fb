"""Accounts from the command line and at first start: the first admin, demo personas, and
the ``boucle users`` operations."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from services.group_purchase.accounts import handlers
from services.group_purchase.accounts.domain import (
    ERASURE_ROLE,
    AccountError,
    ContactUpdate,
    TrainingCreate,
    generated_password,
)
from services.group_purchase.accounts.store import AccountStore
from shared.config import SCHEMAS
from shared.db import create_pool
from shared.events import utc_now
from shared.migrations import migrate
from shared.trainings import local_day
from shared.uow import PostgresUnitOfWork

SCHEMA = SCHEMAS["group_purchase"]
MIGRATIONS = Path(__file__).parent.parent / "migrations"
# One account per persona of the demo territory.
DEMO_PERSONAS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("agent.collecte", "Camille Agent de collecte", ("collector",)),
    ("reconditionneur", "Dominique Reconditionneur", ("refurbisher",)),
    ("effacement", "Sacha Responsable effacement", ("refurbisher", "erasure_officer")),
    ("effacement.2", "Noor Responsable effacement", ("erasure_officer",)),
    ("travailleur.social", "Alex Travailleur social", ("social_worker",)),
    ("coordination", "Morgan Coordination", ("coordinator",)),
)


# The demo's erasure officers' trainings: (reference, days valid from today). Noor's ends
# within 30 days, so the lists of trainings to renew show it.
DEMO_TRAININGS: dict[str, tuple[str, int]] = {
    "effacement": ("EFF-DEMO-0001", 700),
    "effacement.2": ("EFF-DEMO-0002", 20),
}


# Where the demo tells these people what happened: Noor hears that her training ends within
# 30 days, and the first administrator too (mails in the catcher of ``boucle up``).
DEMO_ADDRESSES = {
    "effacement.2": "noor.effacement@atelier-roubaix.localhost",
    "admin": "admin@boucle.localhost",
}


def _nothing_to_relay() -> None:
    """The running service's relay publishes what these transactions announce (a demo
    training): there is no relay to wake from here."""


@asynccontextmanager
async def accounts_unit(dsn: str) -> AsyncIterator[PostgresUnitOfWork[AccountStore]]:
    """Transactions on the accounts of the database at ``dsn`` (migrated first)."""
    await migrate(dsn, SCHEMA, MIGRATIONS)
    pool = await create_pool(dsn, SCHEMA, 1, 2)
    try:
        yield PostgresUnitOfWork(pool, AccountStore, _nothing_to_relay)
    finally:
        await pool.close()


async def first_admin(dsn: str) -> str | None:
    """The generated password of the first admin, when this start created it."""
    async with accounts_unit(dsn) as uow:
        return await handlers.ensure_first_admin(uow)


async def demo_accounts(
    dsn: str, scopes_by_role: dict[str, tuple[str, ...]]
) -> list[tuple[str, str, str]]:
    """(persona, login, password) for each demo account created now; existing ones keep
    their password (shown as empty). Each account gets the scopes of its roles."""
    created = []
    async with accounts_unit(dsn) as uow:
        for login, name, roles in DEMO_PERSONAS:
            password = generated_password()
            scopes = tuple(dict.fromkeys(s for role in roles for s in scopes_by_role.get(role, ())))
            # an erasure officer gets the role once their training is recorded, as anyone
            first = tuple(role for role in roles if role != ERASURE_ROLE) or ("refurbisher",)
            try:
                account = await handlers.add_account(
                    uow, login, name, first, scopes, password=password
                )
            except AccountError:
                password = ""
            else:
                if login in DEMO_TRAININGS:
                    await _trained_officer(uow, account.id, DEMO_TRAININGS[login], roles)
            created.append((roles[-1], login, password))
        for login, email in DEMO_ADDRESSES.items():
            known = await AccountStore(uow.pool).account_by_login(login)
            if known is not None:
                await handlers.set_contact(uow, known.id, ContactUpdate(email=email))
    return created


async def _trained_officer(
    uow: PostgresUnitOfWork[AccountStore],
    account_id: uuid.UUID,
    training: tuple[str, int],
    roles: tuple[str, ...],
) -> None:
    reference, days = training
    today = local_day(utc_now())
    given = TrainingCreate(
        course="data_erasure",
        reference=reference,
        taken_on=today - timedelta(days=730 - days),
        trainer="Centre de formation du réemploi (démo)",
        valid_until=today + timedelta(days=days),
    )
    await handlers.record_training(uow, "demo", account_id, given)
    await handlers.set_roles(uow, "demo", account_id, roles)


async def officer_ids(dsn: str) -> list[str]:
    """The account ids of the demo's erasure officers (who sign the demo's certificate)."""
    async with accounts_unit(dsn) as uow:
        store = AccountStore(uow.pool)
        found = [await store.account_by_login(login) for login in DEMO_TRAININGS]
    return [str(account.id) for account in found if account is not None]


async def list_accounts(dsn: str) -> list[str]:
    async with accounts_unit(dsn) as uow:
        return [
            f"{account.login:<22} {'enabled ' if account.enabled else 'disabled'} "
            f"{','.join(account.roles):<28} {' '.join(account.scopes) or '-'}  "
            f"{account.display_name}"
            for account in await AccountStore(uow.pool).list_accounts()
        ]


async def add_account(
    dsn: str, login: str, name: str, roles: tuple[str, ...], scopes: tuple[str, ...]
) -> str:
    """Create the account without a password; the returned secret opens the reset page."""
    async with accounts_unit(dsn) as uow:
        account = await handlers.add_account(uow, login, name, roles, scopes)
        _, secret = await handlers.issue_reset_link(uow, account.id)
    return secret


async def disable_account(dsn: str, login: str) -> None:
    async with accounts_unit(dsn) as uow:
        await handlers.disable_account_by_login(uow, login)


async def reset_link(dsn: str, login: str) -> str:
    async with accounts_unit(dsn) as uow:
        account = await AccountStore(uow.pool).account_by_login(login)
        if account is None:
            raise AccountError(
                f"No account has the login {login}.", 404, code="accounts.account_unknown"
            )
        _, secret = await handlers.issue_reset_link(uow, account.id)
    return secret
