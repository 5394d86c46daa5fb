"""Reservations that lapsed make their devices ready again: a periodic job."""

from __future__ import annotations

import asyncio
from datetime import datetime

import asyncpg

from services.inventory.reservations.handlers import EXPIRY_BATCH, expire_reservations
from shared.db import TRANSIENT_ERRORS, transaction
from shared.events import utc_now
from shared.logging import get_logger
from shared.web.app import Runtime

EVERY_SECONDS = 60.0
log = get_logger("boucle.inventory.jobs")


async def expire_due(pool: asyncpg.Pool, now: datetime) -> int:
    """Expire every reservation lapsed by ``now``, a batch per transaction; how many."""
    total = 0
    while True:
        async with transaction(pool) as connection:
            expired = await expire_reservations(connection, now)
        total += expired
        if expired < EXPIRY_BATCH:
            return total


async def expire_reservations_periodically(runtime: Runtime) -> None:
    while True:
        try:
            if await expire_due(runtime.pool, utc_now()):
                runtime.relay.wake()
        except TRANSIENT_ERRORS as error:
            log.warning("reservation_expiry_retrying", error=repr(error))
        await asyncio.sleep(EVERY_SECONDS)
