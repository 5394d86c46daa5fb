"""What the deadline decides: an open campaign whose deadline passed below its minimum is
extended once or cancelled (its pledges released), as chosen when it opened; the social
workers of the pledged needs are told."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from services.group_purchase.campaigns import store
from services.group_purchase.campaigns.domain import (
    Campaign,
    DeadlineOutcome,
    deadline_outcome,
    extended_deadline,
)
from services.group_purchase.campaigns.handlers import MINIMUM_MISSED, announce, cancel_in
from shared.contracts.purchase import CampaignExtended
from shared.db import transaction
from shared.events import utc_now


async def settle_due_campaigns(
    pool: asyncpg.Pool, now: datetime | None = None
) -> list[tuple[uuid.UUID, DeadlineOutcome]]:
    """Apply each open campaign's deadline policy once its deadline has passed below the
    minimum: extend it once, or cancel it and release its pledges."""
    now = now or utc_now()
    settled: list[tuple[uuid.UUID, DeadlineOutcome]] = []
    async with transaction(pool) as connection:
        for campaign in await store.due_campaigns(connection, now):
            pledges = await store.live_pledges(connection, campaign.id)
            outcome = deadline_outcome(campaign, len(pledges), now)
            if outcome == DeadlineOutcome.EXTENDED:
                await _extend(connection, campaign, pledges, now)
            elif outcome == DeadlineOutcome.CANCELLED:
                await cancel_in(connection, campaign, MINIMUM_MISSED, now)
            else:
                continue
            settled.append((campaign.id, outcome))
    return settled


async def _extend(
    connection: asyncpg.Connection,
    campaign: Campaign,
    pledges: list[asyncpg.Record],
    now: datetime,
) -> None:
    deadline = extended_deadline(campaign)
    version = await store.extend(connection, campaign.id, deadline, now)
    await store.insert_notices(
        connection,
        campaign.id,
        [row["organisation_id"] for row in pledges],
        "extended",
        {
            "deadline": deadline.isoformat(),
            "pledged": len(pledges),
            "minimum": campaign.minimum_quantity,
        },
        now,
    )
    await announce(
        connection,
        CampaignExtended,
        campaign.id,
        version,
        deadline=deadline,
        pledged=len(pledges),
        minimum_quantity=campaign.minimum_quantity,
    )
