"""The units of work of group_purchase's features, as routes, pages and jobs get them: one
transaction on the service's pool with the feature's store, the relay woken after a commit
that announced something."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Generic, TypeVar

from services.group_purchase.accounts.store import AccountStore
from services.group_purchase.campaigns.store import CampaignStore
from services.group_purchase.notifications.reminders import ReminderStore
from services.group_purchase.requests.store import RequestStore
from shared.uow import PostgresUnitOfWork, PostgresWork
from shared.web.app import Runtime

Built = TypeVar("Built")


def accounts(runtime: Runtime) -> PostgresUnitOfWork[AccountStore]:
    return runtime.unit_of_work(AccountStore)


def requests(runtime: Runtime) -> PostgresUnitOfWork[RequestStore]:
    return runtime.unit_of_work(RequestStore)


def campaigns(runtime: Runtime) -> PostgresUnitOfWork[CampaignStore]:
    return runtime.unit_of_work(CampaignStore)


def reminders(runtime: Runtime) -> PostgresUnitOfWork[ReminderStore]:
    return runtime.unit_of_work(ReminderStore)


class Within(Generic[Built]):
    """A unit of work whose transaction is open already (an idempotency key's): ``begin()``
    gives that transaction, which commits, or not, with the one that opened it."""

    def __init__(self, work: PostgresWork[Built]) -> None:
        self._work = work

    def begin(self) -> AbstractAsyncContextManager[PostgresWork[Built]]:
        return self._held()

    @asynccontextmanager
    async def _held(self) -> AsyncIterator[PostgresWork[Built]]:
        yield self._work
