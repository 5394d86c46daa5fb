"""The units of work of refurbishment's features, as routes and pages get them: one
transaction on the service's pool with the feature's store, the relay woken after a commit
that announced something; and the store on the pool for the pages' and listings' reads."""

from __future__ import annotations

from services.refurbishment.shipments.store import ShipmentStore
from services.refurbishment.store import BenchStore
from shared.uow import PostgresUnitOfWork
from shared.web.app import Runtime


def bench(runtime: Runtime) -> PostgresUnitOfWork[BenchStore]:
    return runtime.unit_of_work(BenchStore)


def shipments(runtime: Runtime) -> PostgresUnitOfWork[ShipmentStore]:
    return runtime.unit_of_work(ShipmentStore)


def reads(runtime: Runtime) -> ShipmentStore:
    """The workshop's rows read on the pool, outside any use case's transaction."""
    return ShipmentStore(runtime.pool)
