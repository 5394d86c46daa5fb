"""The group purchases at a glance: for the coordination, campaigns by state and the shortage
that calls for one (a draft prepared in one click); for social workers, the open campaigns
with their progress and price, and what happened to those they pledged to."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.group_purchase import units
from services.group_purchase.campaigns import handlers, views
from services.group_purchase.campaigns.api import COORDINATION
from services.group_purchase.campaigns.domain import CampaignStatus
from services.group_purchase.campaigns.page_views import notice_lines
from services.group_purchase.campaigns.refusals import FIELDS
from services.group_purchase.campaigns.rendering import (
    CAMPAIGNS,
    COORDINATORS,
    HOME,
    PEOPLE,
    AnyRequest,
    campaign_page,
    campaign_url,
)
from services.group_purchase.requests.domain import DEVICE_TYPES
from services.group_purchase.requests.shortage import shortage_by_type
from shared.auth import Principal
from shared.errors import NotFound
from shared.events import utc_now
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.i18n import language_of
from shared.web.refusals import GENERAL

NOTICES_SHOWN = 30
STATES = tuple(status.value for status in CampaignStatus)


async def _home(
    request: AnyRequest, runtime: Runtime, status_code: int = 200, **context: Any
) -> Template:
    campaigns = await views.list_campaigns(runtime.pool, with_drafts=True)
    by_state = [
        (state, [campaign for campaign in campaigns if campaign.status == state])
        for state in STATES
    ]
    return campaign_page(
        request,
        "campaigns_home.html",
        status_code=status_code,
        by_state=[(state, found) for state, found in by_state if found],
        shortage=[line for line in await shortage_by_type(runtime.pool, utc_now()) if line.missing],
        coordinating=True,
        **context,
    )


@get(HOME, opt=COORDINATORS, include_in_schema=False)
async def show_purchases(request: AnyRequest, runtime: NamedDependency[Runtime]) -> Template:
    """Campaigns by state, and per device type the needs stock will not serve."""
    return await _home(request, runtime)


@post(f"{HOME}/penurie/{{device_type:str}}", opt=COORDINATORS, include_in_schema=False)
async def prepare_campaign(
    request: AnyRequest,
    device_type: FromPath[str],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """A draft for the waiting needs of that type, to complete with the supplier's offer."""
    if device_type not in DEVICE_TYPES:
        raise NotFound(f"No device type {device_type}.", code="campaigns.type_unknown")

    async def again(errors: Errors, status: int) -> Template:
        refusal = next(iter(errors.values()))
        return await _home(request, runtime, status, active="shortage", errors={GENERAL: refusal})

    return await act(
        request,
        partial(handlers.draft_from_shortage, units.campaigns(runtime), principal, device_type),
        done=lambda drafted: done_url(campaign_url(drafted), "drafted"),
        again=again,
        fields=FIELDS,
    )


@get(CAMPAIGNS, opt=PEOPLE, include_in_schema=False)
async def show_campaigns(
    request: AnyRequest, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
) -> Template:
    """The open campaigns, how far each is from its minimum and at what price, and the news
    of the campaigns one's organisation pledged to."""
    language = language_of(request)
    coordinating = principal.has_any(COORDINATION)
    organisations = principal.scoped_ids("organisation")
    summaries = await views.list_campaigns(runtime.pool, with_drafts=False)
    opened = []
    for summary in summaries:
        if summary.status == CampaignStatus.OPEN:
            view = await views.campaign_view(runtime.pool, summary.id, organisations, language)
            if view is not None:
                opened.append(view)
    notices = await views.notices_for(runtime.pool, organisations, language, NOTICES_SHOWN)
    return campaign_page(
        request,
        "campaigns_list.html",
        opened=opened,
        others=[summary for summary in summaries if summary.status != CampaignStatus.OPEN],
        notices=await notice_lines(runtime.pool, notices),
        coordinating=coordinating,
    )


ROUTES = [show_purchases, prepare_campaign, show_campaigns]
