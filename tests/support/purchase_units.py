"""group_purchase's units of work on a test's own pool (the service's relay polls the outbox,
so nothing is woken here)."""

from __future__ import annotations

import asyncpg

from services.group_purchase.accounts.store import AccountStore
from services.group_purchase.campaigns.store import CampaignStore
from services.group_purchase.requests.store import RequestStore
from shared.uow import PostgresUnitOfWork


def _asleep() -> None:
    """The service's relay finds the events on its next poll."""


def campaigns_on(pool: asyncpg.Pool) -> PostgresUnitOfWork[CampaignStore]:
    return PostgresUnitOfWork(pool, CampaignStore, _asleep)


def accounts_on(pool: asyncpg.Pool) -> PostgresUnitOfWork[AccountStore]:
    return PostgresUnitOfWork(pool, AccountStore, _asleep)


def requests_on(pool: asyncpg.Pool) -> PostgresUnitOfWork[RequestStore]:
    return PostgresUnitOfWork(pool, RequestStore, _asleep)
