"""What awaits a person on group_purchase's home: devices proposed to their organisation's
households, to confirm or refuse; for the coordination also the campaigns to open, to order
(their minimum reached) and to close (their devices received)."""

from __future__ import annotations

from services.group_purchase.campaigns import views as campaign_views
from services.group_purchase.campaigns.domain import CampaignStatus
from services.group_purchase.campaigns.rendering import HOME
from services.group_purchase.requests import views as request_views
from services.group_purchase.roles import REQUESTERS
from shared.auth import COORDINATION, Principal
from shared.web.app import Runtime
from shared.web.home import Awaiting

QUEUE = "/demandes/file"


async def awaiting(runtime: Runtime, principal: Principal) -> list[Awaiting] | None:
    if not principal.has_any(REQUESTERS):
        return None
    proposals = await request_views.open_proposals_count(
        runtime.pool, principal.scoped_ids("organisation")
    )
    found = [Awaiting("home.awaiting.proposals", proposals, QUEUE)]
    if principal.has_any(COORDINATION):
        campaigns = await campaign_views.list_campaigns(runtime.pool, with_drafts=True)
        drafts = [c for c in campaigns if c.status == CampaignStatus.DRAFT]
        reached = [
            c
            for c in campaigns
            if c.status == CampaignStatus.OPEN and c.pledged >= c.minimum_quantity
        ]
        received = [c for c in campaigns if c.status == CampaignStatus.RECEIVED]
        found += [
            Awaiting("home.awaiting.drafts", len(drafts), HOME),
            Awaiting("home.awaiting.to_order", len(reached), HOME),
            Awaiting("home.awaiting.to_close", len(received), HOME),
        ]
    return found
