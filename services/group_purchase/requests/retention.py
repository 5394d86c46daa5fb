"""Retention: a household's personal data is erased a set time after its last need ended.

What stays is what erasure always keeps: the opaque reference, the commune, the needs and the
devices' histories (pseudonymous statistics)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import asyncpg

from services.group_purchase.requests.store import RequestStore
from shared import audit
from shared.db import TRANSIENT_ERRORS, transaction
from shared.events import utc_now
from shared.logging import get_logger
from shared.web.app import Runtime

EVERY_SECONDS = 3600.0
BATCH = 100
ACTOR = "boucle-retention"
log = get_logger("boucle.group_purchase.retention")


async def erase_lapsed_households(pool: asyncpg.Pool, now: datetime, retention_days: int) -> int:
    """Erase every household whose needs all ended more than ``retention_days`` ago; how many."""
    erased = 0
    limit = now - timedelta(days=retention_days)
    while True:
        async with transaction(pool) as connection:
            lapsed = await connection.fetch(
                "SELECT h.id FROM households h WHERE h.erased_at IS NULL "
                "AND h.created_at < $1 AND NOT EXISTS (SELECT 1 FROM requests r "
                "  JOIN needs n ON n.request_id = r.id WHERE r.household_id = h.id "
                "  AND (n.status NOT IN ('handed_over', 'cancelled', 'returned') "
                "       OR n.updated_at >= $1)) "
                "ORDER BY h.created_at LIMIT $2 FOR UPDATE SKIP LOCKED",
                limit,
                BATCH,
            )
            for row in lapsed:
                await RequestStore(connection).erase_household(row["id"], now)
                await audit.record(connection, ACTOR, "household.erased", f"household:{row['id']}")
        erased += len(lapsed)
        if len(lapsed) < BATCH:
            return erased


async def erase_lapsed_periodically(runtime: Runtime) -> None:
    while True:
        try:
            erased = await erase_lapsed_households(
                runtime.pool, utc_now(), runtime.settings.group_purchase.household_retention_days
            )
            if erased:
                log.info("households_erased_by_retention", households=erased)
        except TRANSIENT_ERRORS as error:
            log.warning("retention_retrying", error=repr(error))
        await asyncio.sleep(EVERY_SECONDS)
