"""What routes and pages are given to reach the workshop's data: a unit of work for the use
cases (it wakes the outbox relay after a commit that announced something), the store on the
pool for the pages' and listings' reads."""

from __future__ import annotations

from services.refurbishment.shipments.store import ShipmentStore
from services.refurbishment.store import BenchStore
from shared.uow import PostgresUnitOfWork
from shared.web.app import Runtime


def provide_bench(runtime: Runtime) -> PostgresUnitOfWork[BenchStore]:
    return runtime.unit_of_work(BenchStore)


def provide_shipments(runtime: Runtime) -> PostgresUnitOfWork[ShipmentStore]:
    return runtime.unit_of_work(ShipmentStore)


def provide_reads(runtime: Runtime) -> ShipmentStore:
    """The workshop's rows read on the pool, outside any use case's transaction."""
    return ShipmentStore(runtime.pool)
