"""Reservations that lapsed make their devices ready again: a periodic job."""

from __future__ import annotations

from services.inventory import units
from services.inventory.lifecycle.store import LifecycleStore
from services.inventory.reservations.handlers import EXPIRY_BATCH, expire_reservations
from shared.jobs import every
from shared.logging import get_logger
from shared.uow import UnitOfWork
from shared.web.app import Runtime

EVERY_SECONDS = 60.0
log = get_logger("boucle.inventory.jobs")


async def expire_due(uow: UnitOfWork[LifecycleStore]) -> int:
    """Expire every reservation lapsed by now (the unit of work's clock), a batch per
    transaction; how many."""
    total = 0
    while True:
        async with uow.begin() as work:
            expired = await expire_reservations(work)
        total += expired
        if expired < EXPIRY_BATCH:
            return total


async def expire_reservations_periodically(runtime: Runtime) -> None:
    uow = units.lifecycle(runtime)
    await every(EVERY_SECONDS, lambda: expire_due(uow), log, "reservation_expiry_retrying")
