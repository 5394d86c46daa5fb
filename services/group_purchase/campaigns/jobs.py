"""Periodic deadline check: an open campaign whose deadline passed below its minimum is
extended once or cancelled, as chosen when it opened, and its social workers are told."""

from __future__ import annotations

import asyncio

from services.group_purchase import units
from services.group_purchase.campaigns.deadlines import settle_due_campaigns
from shared.db import TRANSIENT_ERRORS
from shared.logging import get_logger
from shared.web.app import Runtime

EVERY_SECONDS = 60.0
log = get_logger("boucle.group_purchase.campaign_jobs")


async def close_due_campaigns(runtime: Runtime) -> None:
    while True:
        try:
            settled = await settle_due_campaigns(units.campaigns(runtime))
            if settled:
                log.info(
                    "campaign_deadlines_applied",
                    campaigns=len(settled),
                    outcomes=sorted(outcome.value for _, outcome in settled),
                )
        except TRANSIENT_ERRORS as error:
            log.warning("campaign_deadlines_retrying", error=repr(error))
        await asyncio.sleep(EVERY_SECONDS)
