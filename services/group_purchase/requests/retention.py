"""Retention: a household's personal data is erased a set time after its last need ended.

What stays is what erasure always keeps: the opaque reference, the commune, the needs and the
devices' histories (pseudonymous statistics)."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.group_purchase import units
from services.group_purchase.requests.handlers import Requests
from shared.jobs import every
from shared.logging import get_logger
from shared.web.app import Runtime

EVERY_SECONDS = 3600.0
BATCH = 100
ACTOR = "boucle-retention"
log = get_logger("boucle.group_purchase.retention")


async def erase_lapsed_households(
    uow: Requests, retention_days: int, now: datetime | None = None
) -> int:
    """Erase every household whose needs all ended more than ``retention_days`` ago (before
    ``now``, the unit of work's clock unless given), a batch a transaction; how many."""
    erased = 0
    while True:
        async with uow.begin() as work:
            at = now or work.now()
            lapsed = await work.store.lapsed_households(at - timedelta(days=retention_days), BATCH)
            for household_id in lapsed:
                await work.store.erase_household(household_id, at)
                await work.audit(ACTOR, "household.erased", f"household:{household_id}")
        erased += len(lapsed)
        if len(lapsed) < BATCH:
            return erased


async def erase_lapsed_periodically(runtime: Runtime) -> None:
    async def erase_once() -> None:
        erased = await erase_lapsed_households(
            units.requests(runtime), runtime.settings.group_purchase.household_retention_days
        )
        if erased:
            log.info("households_erased_by_retention", households=erased)

    await every(EVERY_SECONDS, erase_once, log, "retention_retrying")
