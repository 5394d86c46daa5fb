"""A campaign's page: where it stands (tiers, progress toward the minimum, pledges and each
household's share) and the next step by state — open it, pledge a waiting need or withdraw
it, order, record the delivery and print the new labels, close, or cancel."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
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
from services.group_purchase.campaigns.store import CampaignStore
from services.group_purchase.requests.pages import form_fields
from shared.auth import Principal
from shared.uow import UnitOfWork
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import typed_back
from shared.web.i18n import language_of, translator

DONE = frozenset(
    {"created", "updated", "drafted", "opened", "pledged", "withdrawn", "ordered", "received"}
    | {"closed", "cancelled"}
)
CAMPAIGN = "/achats/campagnes/{campaign_id:uuid}"
Form = dict[str, str]
Step = Callable[[Form], Awaitable[object]]


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


Campaigns = UnitOfWork[CampaignStore]


@dataclass(frozen=True)
class CampaignStep:
    """A form of the campaign page: where it is sent, who may send it, what it does (given
    the campaigns' unit of work, the person, the campaign and the form), its confirmation."""

    path: str
    allowed: dict[str, Any]
    run: Callable[[Campaigns, Principal, uuid.UUID, Form], Awaitable[object]]
    done: str


async def _open(uow: Campaigns, principal: Principal, campaign: uuid.UUID, form: Form) -> None:
    """Social workers may pledge from now on; the policy says what a missed minimum does."""
    await handlers.open_campaign(uow, campaign, policy_from(form))  # type: ignore[arg-type]


async def _pledge(uow: Campaigns, principal: Principal, campaign: uuid.UUID, form: Form) -> None:
    """Enrol a waiting need of one's organisation; its household's share is shown after."""
    await handlers.pledge(uow, principal, campaign, need_from(form))


async def _order(uow: Campaigns, principal: Principal, campaign: uuid.UUID, form: Form) -> None:
    """Order what is pledged at the tier reached; the purchase order is then to download."""
    await handlers.order_campaign(uow, principal, campaign)


async def _receive(uow: Campaigns, principal: Principal, campaign: uuid.UUID, form: Form) -> None:
    """The devices counted on the delivery note get their labels and are reserved for the
    pledged needs; a count other than the order's needs a note saying why."""
    await receiving.receive_delivery(uow, principal, campaign, delivery_from(form))


async def _close(uow: Campaigns, principal: Principal, campaign: uuid.UUID, form: Form) -> None:
    """Once its devices are received, the campaign is done with."""
    await handlers.close_campaign(uow, campaign)


async def _cancel(uow: Campaigns, principal: Principal, campaign: uuid.UUID, form: Form) -> None:
    """Give up a draft or an open campaign: the pledged needs wait again, their social
    workers are told."""
    await handlers.cancel_campaign(uow, campaign)


STEPS = (
    CampaignStep("ouverture", COORDINATORS, _open, "opened"),
    CampaignStep("engagements", PEOPLE, _pledge, "pledged"),
    CampaignStep("commande", COORDINATORS, _order, "ordered"),
    CampaignStep("livraison", COORDINATORS, _receive, "received"),
    CampaignStep("cloture", COORDINATORS, _close, "closed"),
    CampaignStep("annulation", COORDINATORS, _cancel, "cancelled"),
)


def step_route(step: CampaignStep) -> HTTPRouteHandler:
    """The page route of ``step``: back to the campaign with the confirmation, or with the
    refusal next to the form of that step."""

    async def take_step(
        request: AnyRequest,
        campaign_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Template | Redirect:
        async def run(form: Form) -> object:
            return await step.run(units.campaigns(runtime), principal, campaign_id, form)

        return await _take(request, runtime, principal, campaign_id, step.done, run)

    take_step.__doc__ = step.run.__doc__
    return post(
        f"{CAMPAIGN}/{step.path}",
        opt=step.allowed,
        include_in_schema=False,
        name=f"campaigns.step.{step.done}",
    )(take_step)


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


ROUTES = [show_campaign, *(step_route(step) for step in STEPS), withdraw_pledge]
