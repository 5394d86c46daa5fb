"""What the deadline decides: an open campaign whose deadline passed below its minimum is
extended once or cancelled (its pledges released), as chosen when it opened; the social
workers of the pledged needs are told."""

from __future__ import annotations

import uuid
from datetime import datetime

from services.group_purchase.campaigns.domain import (
    Campaign,
    DeadlineOutcome,
    deadline_outcome,
    extended_deadline,
)
from services.group_purchase.campaigns.handlers import MINIMUM_MISSED, Campaigns, cancel_in, step
from services.group_purchase.campaigns.store import CampaignStore, LivePledge
from shared.contracts.purchase import CampaignExtended
from shared.uow import Work


async def settle_due_campaigns(
    uow: Campaigns, now: datetime | None = None
) -> list[tuple[uuid.UUID, DeadlineOutcome]]:
    """Apply each open campaign's deadline policy once its deadline has passed below the
    minimum: extend it once, or cancel it and release its pledges (``now``: the unit of
    work's clock unless given)."""
    settled: list[tuple[uuid.UUID, DeadlineOutcome]] = []
    async with uow.begin() as work:
        now = now or work.now()
        for campaign in await work.store.due_campaigns(now):
            pledges = await work.store.live_pledges(campaign.id)
            outcome = deadline_outcome(campaign, len(pledges), now)
            if outcome == DeadlineOutcome.EXTENDED:
                await _extend(work, campaign, pledges, now)
            elif outcome == DeadlineOutcome.CANCELLED:
                await cancel_in(work, campaign, MINIMUM_MISSED, now)
            else:
                continue
            settled.append((campaign.id, outcome))
    return settled


async def _extend(
    work: Work[CampaignStore], campaign: Campaign, pledges: list[LivePledge], now: datetime
) -> None:
    deadline = extended_deadline(campaign)
    version = await work.store.extend(campaign.id, deadline, now)
    await work.store.insert_notices(
        campaign.id,
        [row.organisation_id for row in pledges],
        "extended",
        {
            "deadline": deadline.isoformat(),
            "pledged": len(pledges),
            "minimum": campaign.minimum_quantity,
        },
        now,
    )
    await work.announce(
        step(
            CampaignExtended,
            campaign.id,
            version,
            deadline=deadline,
            pledged=len(pledges),
            minimum_quantity=campaign.minimum_quantity,
        )
    )
