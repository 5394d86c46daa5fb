"""Inventory's periodic work: reservations that lapsed make their devices ready again, the
histories of devices that ended their journey long ago move to the archive, and the impact
counters' moves are folded into daily and monthly counters."""

from __future__ import annotations

import asyncio
from datetime import datetime

import asyncpg

from services.inventory.archive import archive_histories
from services.inventory.impact.counters import compact
from services.inventory.reservations import EXPIRY_BATCH, expire_reservations
from shared.db import TRANSIENT_ERRORS, transaction
from shared.events import utc_now
from shared.logging import get_logger
from shared.web.app import Runtime

EVERY_SECONDS = 60.0
ARCHIVE_EVERY_SECONDS = 3600.0
COMPACT_EVERY_SECONDS = 10.0  # the figures read the moves too: this only keeps them fast
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


async def archive_histories_periodically(runtime: Runtime) -> None:
    while True:
        try:
            archived = await archive_histories(
                runtime.pool, runtime.settings.inventory.archive_after_days, utc_now()
            )
            if archived.devices:
                log.info(
                    "histories_archived",
                    devices=archived.devices,
                    history_rows=archived.history_rows,
                )
        except TRANSIENT_ERRORS as error:
            log.warning("history_archiving_retrying", error=repr(error))
        await asyncio.sleep(ARCHIVE_EVERY_SECONDS)


async def compact_impact_counters_periodically(runtime: Runtime) -> None:
    while True:
        try:
            await compact(runtime.pool)
        except TRANSIENT_ERRORS as error:
            log.warning("impact_compaction_retrying", error=repr(error))
        await asyncio.sleep(COMPACT_EVERY_SECONDS)
