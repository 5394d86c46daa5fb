"""Periodic matching: devices that became ready are proposed to the households waiting."""

from __future__ import annotations

import asyncio

from services.group_purchase import units
from services.group_purchase.requests import handlers
from shared.db import TRANSIENT_ERRORS
from shared.logging import get_logger
from shared.web.app import Runtime

EVERY_SECONDS = 60.0
log = get_logger("boucle.group_purchase.jobs")


async def propose_periodically(runtime: Runtime) -> None:
    while True:
        try:
            run = await handlers.propose_to_all(units.requests(runtime))
            if run.proposed:
                log.info("proposals_made", proposed=run.proposed, waiting=run.waiting)
        except TRANSIENT_ERRORS as error:
            log.warning("matching_retrying", error=repr(error))
        await asyncio.sleep(EVERY_SECONDS)
