"""The units of work of inventory's features, as routes, pages and jobs get them: one
transaction on the service's pool with the feature's store, the relay woken after a commit
that announced something. (A consumer's handler gets its work on the batch's connection
instead: ``lifecycle.store.work_on``.)"""

from __future__ import annotations

from services.inventory.archive.event_store import ArchivedEventsStore
from services.inventory.archive.store import ArchiveStore
from services.inventory.attention.store import AttentionStore
from services.inventory.dead_letters.store import ReplayStore
from services.inventory.lifecycle.store import LifecycleStore
from shared.uow import PostgresUnitOfWork
from shared.web.app import Runtime


def lifecycle(runtime: Runtime) -> PostgresUnitOfWork[LifecycleStore]:
    return runtime.unit_of_work(LifecycleStore)


def archive(runtime: Runtime) -> PostgresUnitOfWork[ArchiveStore]:
    return runtime.unit_of_work(ArchiveStore)


def event_archive(runtime: Runtime) -> PostgresUnitOfWork[ArchivedEventsStore]:
    return runtime.unit_of_work(ArchivedEventsStore)


def dead_letters(runtime: Runtime) -> PostgresUnitOfWork[ReplayStore]:
    return runtime.unit_of_work(ReplayStore)


def attention(runtime: Runtime) -> PostgresUnitOfWork[AttentionStore]:
    return runtime.unit_of_work(AttentionStore)
