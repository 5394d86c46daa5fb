"""A campaign's page: where it stands (tiers, progress toward the minimum, pledges and each
household's share) and the next step by state — open it, pledge a waiting need or withdraw
it, order, record the delivery and print the new labels, close, or cancel."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.group_purchase import units
from services.group_purchase.campaigns import handlers, receiving
from services.group_purchase.campaigns.api import COORDINATION, reachable_campaign
from services.group_purchase.campaigns.domain import CampaignStatus
from services.group_purchase.campaigns.forms import (
    POLICIES,
    delivery_from,
    need_from,
    policy_from,
)
from services.group_purchase.campaigns.page_views import (
    NeedChoice,
    needs_to_pledge,
    received_lines,
)
from services.group_purchase.campaigns.refusals import FIELDS
from services.group_purchase.campaigns.rendering import (
    COORDINATORS,
    PEOPLE,
    AnyRequest,
    campaign_page,
    campaign_url,
    done_from,
)
from services.group_purchase.requests.pages import form_fields
from shared.auth import Principal
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import typed_back
from shared.web.i18n import language_of, translator

DONE = frozenset(
    {"created", "updated", "drafted", "opened", "pledged", "withdrawn", "ordered", "received"}
    | {"closed", "cancelled"}
)
CAMPAIGN = "/achats/campagnes/{campaign_id:uuid}"
Step = Callable[[dict[str, str]], Awaitable[object]]


def need_words(need: NeedChoice, t: Any) -> str:
    """``M-4K7Q2XB — pour l'école, 4 Go de mémoire au moins`` for the pledge form's list."""
    words = [t("campaigns.pledge.for_purpose", purpose=t(f"requests.purpose.{need.purpose}"))]
    if need.min_memory_gb:
        words.append(t("campaigns.memory_min", size=need.min_memory_gb))
    if need.min_storage_gb:
        words.append(t("campaigns.storage_min", size=need.min_storage_gb))
    return f"{need.household_reference} — {', '.join(words)}"


async def _campaign_page(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    campaign_id: uuid.UUID,
    status_code: int = 200,
    **context: Any,
) -> Template:
    view = await reachable_campaign(request, runtime, principal, campaign_id)
    coordinating = principal.has_any(COORDINATION)
    needs = []
    if view.status == CampaignStatus.OPEN:
        organisations = principal.scoped_ids("organisation")
        needs = await needs_to_pledge(runtime.pool, organisations, view.device_type)
    delivered = []
    if coordinating and view.status in (CampaignStatus.RECEIVED, CampaignStatus.CLOSED):
        delivered = await received_lines(runtime.pool, campaign_id)
    t = translator(language_of(request))
    return campaign_page(
        request,
        "campaigns_campaign.html",
        status_code=status_code,
        view=view,
        coordinating=coordinating,
        need_options=[(str(need.id), need_words(need, t)) for need in needs],
        delivered=delivered,
        policies=POLICIES,
        url=campaign_url(campaign_id),
        **{"done": done_from(request, DONE), **context},
    )


@get(CAMPAIGN, opt=PEOPLE, include_in_schema=False)
async def show_campaign(
    request: AnyRequest,
    campaign_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    return await _campaign_page(request, runtime, principal, campaign_id)


async def _take(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    campaign_id: uuid.UUID,
    action: str,
    step: Step,
) -> Template | Redirect:
    """Take one step; back to the campaign with a confirmation, or with the refusal next to
    the form of that step."""
    form = await form_fields(request)

    async def again(errors: Errors, status: int) -> Template:
        typed = typed_back(form)
        return await _campaign_page(
            request,
            runtime,
            principal,
            campaign_id,
            status,
            active=action,
            typed=typed,
            errors=errors,
        )

    return await act(
        request,
        partial(step, form),
        done=done_url(campaign_url(campaign_id), action),
        again=again,
        fields=FIELDS,
    )


@post(f"{CAMPAIGN}/ouverture", opt=COORDINATORS, include_in_schema=False)
async def open_campaign(
    request: AnyRequest,
    campaign_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Social workers may pledge from now on; the policy says what a missed minimum does."""

    async def step(form: dict[str, str]) -> None:
        policy = policy_from(form)
        await handlers.open_campaign(units.campaigns(runtime), campaign_id, policy)  # type: ignore[arg-type]

    return await _take(request, runtime, principal, campaign_id, "opened", step)


@post(f"{CAMPAIGN}/engagements", opt=PEOPLE, include_in_schema=False)
async def pledge(
    request: AnyRequest,
    campaign_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Enrol a waiting need of one's organisation; its household's share is shown after."""

    async def step(form: dict[str, str]) -> None:
        await handlers.pledge(units.campaigns(runtime), principal, campaign_id, need_from(form))

    return await _take(request, runtime, principal, campaign_id, "pledged", step)


@post(f"{CAMPAIGN}/engagements/{{pledge_id:uuid}}/retrait", opt=PEOPLE, include_in_schema=False)
async def withdraw_pledge(
    request: AnyRequest,
    campaign_id: FromPath[uuid.UUID],
    pledge_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """While the campaign is open: the need waits for a device again."""

    async def step(form: dict[str, str]) -> None:
        await handlers.release_pledge(units.campaigns(runtime), principal, campaign_id, pledge_id)

    return await _take(request, runtime, principal, campaign_id, "withdrawn", step)


@post(f"{CAMPAIGN}/commande", opt=COORDINATORS, include_in_schema=False)
async def order_campaign(
    request: AnyRequest,
    campaign_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Order what is pledged at the tier reached; the purchase order is then to download."""

    async def step(form: dict[str, str]) -> None:
        await handlers.order_campaign(units.campaigns(runtime), principal, campaign_id)

    return await _take(request, runtime, principal, campaign_id, "ordered", step)


@post(f"{CAMPAIGN}/livraison", opt=COORDINATORS, include_in_schema=False)
async def receive_delivery(
    request: AnyRequest,
    campaign_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """The devices counted on the delivery note get their labels and are reserved for the
    pledged needs; a count other than the order's needs a note saying why."""

    async def step(form: dict[str, str]) -> None:
        await receiving.receive_delivery(
            units.campaigns(runtime), principal, campaign_id, delivery_from(form)
        )

    return await _take(request, runtime, principal, campaign_id, "received", step)


@post(f"{CAMPAIGN}/cloture", opt=COORDINATORS, include_in_schema=False)
async def close_campaign(
    request: AnyRequest,
    campaign_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    async def step(form: dict[str, str]) -> None:
        await handlers.close_campaign(units.campaigns(runtime), campaign_id)

    return await _take(request, runtime, principal, campaign_id, "closed", step)


@post(f"{CAMPAIGN}/annulation", opt=COORDINATORS, include_in_schema=False)
async def cancel_campaign(
    request: AnyRequest,
    campaign_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Give up a draft or an open campaign: the pledged needs wait again, their social
    workers are told."""

    async def step(form: dict[str, str]) -> None:
        await handlers.cancel_campaign(units.campaigns(runtime), campaign_id)

    return await _take(request, runtime, principal, campaign_id, "cancelled", step)


ROUTES = [
    show_campaign,
    open_campaign,
    pledge,
    withdraw_pledge,
    order_campaign,
    receive_delivery,
    close_campaign,
    cancel_campaign,
]
