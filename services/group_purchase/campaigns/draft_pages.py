"""A campaign's draft: what is bought, from whom, at which price tiers, how many and until
when — created from scratch, or completed after the shortage prepared it."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.group_purchase import units
from services.group_purchase.campaigns import handlers, views
from services.group_purchase.campaigns.domain import CampaignStatus
from services.group_purchase.campaigns.forms import (
    TIER_ROWS,
    campaign_from,
    campaign_typed,
)
from services.group_purchase.campaigns.refusals import FIELDS
from services.group_purchase.campaigns.rendering import (
    CAMPAIGNS,
    COORDINATORS,
    AnyRequest,
    campaign_page,
    campaign_url,
)
from services.group_purchase.campaigns.store import CampaignStore
from services.group_purchase.requests.domain import DEVICE_TYPES
from services.group_purchase.requests.pages import form_fields
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.grades import GRADES
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import typed_back
from shared.web.i18n import language_of, translator

NEW = f"{CAMPAIGNS}/nouvelle"
DEFAULTS = {"grade": "B", "minimum_quantity": "1", "extension_days": "14", "tier_from_1": "1"}


def edit_url(campaign_id: uuid.UUID) -> str:
    return f"{campaign_url(campaign_id)}/modifier"


async def _draft_page(
    request: AnyRequest,
    runtime: Runtime,
    campaign_id: uuid.UUID | None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """The draft's form: empty for a new campaign, filled with the draft being completed."""
    t = translator(language_of(request))
    suppliers = await CampaignStore(runtime.pool).list_suppliers()
    typed: dict[str, str] = dict(DEFAULTS)
    if campaign_id is not None:
        view = await views.campaign_view(runtime.pool, campaign_id, None, language_of(request))
        if view is None:
            raise NotFound(f"No campaign {campaign_id}.", code="campaigns.campaign_unknown")
        if view.status != CampaignStatus.DRAFT:
            raise Conflict(
                f"This campaign is {view.status}: only a draft can be edited.",
                code="campaigns.not_draft",
                status=view.status,
            )
        typed = campaign_typed(view)
    return campaign_page(
        request,
        "campaigns_draft.html",
        status_code=status_code,
        campaign_id=campaign_id,
        action=NEW if campaign_id is None else edit_url(campaign_id),
        suppliers=[(str(supplier.id), supplier.name) for supplier in suppliers],
        type_options=[(kind, t(f"type.{kind}")) for kind in DEVICE_TYPES],
        grade_options=[(grade, t(f"campaigns.grade.{grade}")) for grade in GRADES],
        tier_rows=range(1, TIER_ROWS + 1),
        coordinating=True,
        **{"active": "draft", "typed": typed, **context},
    )


@get(NEW, opt=COORDINATORS, include_in_schema=False)
async def new_campaign(request: AnyRequest, runtime: NamedDependency[Runtime]) -> Template:
    return await _draft_page(request, runtime, None)


@get(f"{CAMPAIGNS}/{{campaign_id:uuid}}/modifier", opt=COORDINATORS, include_in_schema=False)
async def edit_campaign(
    request: AnyRequest, campaign_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
) -> Template:
    return await _draft_page(request, runtime, campaign_id)


async def _save(
    request: AnyRequest, runtime: Runtime, principal: Principal, campaign_id: uuid.UUID | None
) -> Template | Redirect:
    form = await form_fields(request)
    action = "created" if campaign_id is None else "updated"

    async def step() -> uuid.UUID:
        content = campaign_from(form, await CampaignStore(runtime.pool).list_suppliers())
        if campaign_id is None:
            return await handlers.create_campaign(units.campaigns(runtime), principal, content)
        await handlers.update_campaign(units.campaigns(runtime), campaign_id, content)
        return campaign_id

    async def again(errors: Errors, status: int) -> Template:
        typed = typed_back(form)
        return await _draft_page(request, runtime, campaign_id, status, typed=typed, errors=errors)

    return await act(
        request,
        step,
        done=lambda saved: done_url(campaign_url(saved), action),
        again=again,
        fields=FIELDS,
    )


@post(NEW, opt=COORDINATORS, include_in_schema=False)
async def create_campaign(
    request: AnyRequest, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
) -> Template | Redirect:
    """A draft, to open once it is complete (supplier, tiers, deadline)."""
    return await _save(request, runtime, principal, None)


@post(f"{CAMPAIGNS}/{{campaign_id:uuid}}/modifier", opt=COORDINATORS, include_in_schema=False)
async def update_campaign(
    request: AnyRequest,
    campaign_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """The draft's new content as a whole; nothing is kept if any of it is refused."""
    return await _save(request, runtime, principal, campaign_id)


ROUTES = [new_campaign, edit_campaign, create_campaign, update_campaign]
