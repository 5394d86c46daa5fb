"""Use cases of campaigns, one unit of work each: load, decide in the domain, write rows and
events (through the outbox) together, or nothing at all."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg

from services.group_purchase.campaigns.domain import (
    Campaign,
    CampaignCreate,
    CampaignRefused,
    CampaignStatus,
    DeadlinePolicy,
    NeedToPledge,
    Supplier,
    SupplierCreate,
    already_pledged,
    check_editable,
    check_may_cancel,
    check_may_close,
    check_may_open,
    check_may_order,
    check_may_pledge,
    check_may_release_pledge,
    order_number,
)
from services.group_purchase.campaigns.pricing import (
    ContributionScale,
    Quote,
    band_named,
    band_of,
    check_scale,
    check_tiers,
    load_scale,
    quote,
    tier_at,
)
from services.group_purchase.campaigns.store import CampaignStore
from services.group_purchase.requests.domain import NeedStatus
from services.group_purchase.requests.handlers import check_reaches
from services.group_purchase.requests.reasons import device_type_name
from shared.auth import Principal
from shared.contracts.purchase import (
    CampaignCancelled,
    CampaignClosed,
    CampaignOpened,
    CampaignOrdered,
    CampaignThresholdReached,
    PledgeMade,
    PledgeReleased,
)
from shared.errors import Conflict, NotFound
from shared.events import Event, uuid7
from shared.logging import current_correlation_id
from shared.uow import UnitOfWork, Work

Campaigns = UnitOfWork[CampaignStore]
PRODUCER = "group_purchase"
MINIMUM_MISSED = "minimum_missed"


def step(kind: type[Event], aggregate_id: uuid.UUID, version: int = 1, **fields: Any) -> Event:
    """A campaign step (or a device's arrival), with the caller's correlation id."""
    return kind(
        producer=PRODUCER,
        correlation_id=current_correlation_id(),
        aggregate_id=aggregate_id,
        aggregate_version=version,
        **fields,
    )


# --- suppliers


async def create_supplier(uow: Campaigns, command: SupplierCreate) -> Supplier:
    supplier_id = uuid7()
    async with uow.begin() as work:
        if not await work.store.insert_supplier(supplier_id, command):
            raise Conflict(
                f"A supplier named {command.name!r} exists already.",
                code="campaigns.supplier_exists",
            )
        supplier = await work.store.get_supplier(supplier_id)
    assert supplier is not None
    return supplier


async def update_supplier(
    uow: Campaigns, supplier_id: uuid.UUID, command: SupplierCreate
) -> Supplier:
    async with uow.begin() as work:
        try:
            found = await work.store.update_supplier(supplier_id, command)
        except asyncpg.UniqueViolationError as error:
            raise Conflict(
                f"A supplier named {command.name!r} exists already.",
                code="campaigns.supplier_exists",
            ) from error
        if not found:
            raise NotFound(f"No supplier {supplier_id}.", code="campaigns.supplier_unknown")
        supplier = await work.store.get_supplier(supplier_id)
    assert supplier is not None
    return supplier


# --- drafts


async def _checked_scale(store: CampaignStore, command: CampaignCreate) -> ContributionScale:
    """The draft's scale (the published one unless given), once the draft itself is sound."""
    if command.tiers:
        check_tiers(command.tiers, command.minimum_quantity, command.maximum_quantity)
    if command.maximum_quantity < command.minimum_quantity:
        raise CampaignRefused(
            f"The maximum quantity ({command.maximum_quantity}) is below the minimum "
            f"({command.minimum_quantity}).",
            code="campaigns.maximum",
            field="maximum_quantity",
            maximum=command.maximum_quantity,
            minimum=command.minimum_quantity,
        )
    supplier_id = command.supplier_id
    if supplier_id is not None and await store.get_supplier(supplier_id) is None:
        raise NotFound(f"No supplier {supplier_id}.", code="campaigns.supplier_unknown")
    if command.contribution_scale is None:
        return load_scale()
    check_scale(command.contribution_scale)
    return command.contribution_scale


async def create_campaign(
    uow: Campaigns, principal: Principal, command: CampaignCreate
) -> uuid.UUID:
    campaign_id = uuid7()
    async with uow.begin() as work:
        scale = await _checked_scale(work.store, command)
        await work.store.insert_campaign(campaign_id, command, scale, principal.sub)
    return campaign_id


async def draft_from_shortage(uow: Campaigns, principal: Principal, device_type: str) -> uuid.UUID:
    """A draft for the needs of that type that stock cannot serve: the item asks what the most
    demanding of them asks, and their count is the expected quantity."""
    campaign_id = uuid7()
    async with uow.begin() as work:
        waiting = await work.store.waiting_needs_of_type(device_type)
        if not waiting:
            raise Conflict(
                f"No need of type {device_type} is waiting: there is nothing to buy for.",
                code="campaigns.nothing_waiting",
                device_type=device_type,
                type=device_type,
            )
        expected = len(waiting)
        command = CampaignCreate(
            title=f"Achat groupé : {device_type_name(device_type, 'fr')} ({expected})",
            device_type=device_type,  # type: ignore[arg-type]
            min_memory_gb=max(need.min_memory_gb for need in waiting),
            min_storage_gb=max(need.min_storage_gb for need in waiting),
            minimum_quantity=1,
            maximum_quantity=expected,
        )
        await work.store.insert_campaign(
            campaign_id, command, load_scale(), principal.sub, expected
        )
    return campaign_id


async def locked_campaign(store: CampaignStore, campaign_id: uuid.UUID) -> Campaign:
    campaign = await store.campaign_for_update(campaign_id)
    if campaign is None:
        raise NotFound(f"No campaign {campaign_id}.", code="campaigns.campaign_unknown")
    return campaign


async def update_campaign(uow: Campaigns, campaign_id: uuid.UUID, command: CampaignCreate) -> None:
    async with uow.begin() as work:
        check_editable(await locked_campaign(work.store, campaign_id))
        scale = await _checked_scale(work.store, command)
        await work.store.update_campaign(campaign_id, command, scale)


async def open_campaign(uow: Campaigns, campaign_id: uuid.UUID, policy: DeadlinePolicy) -> None:
    async with uow.begin() as work:
        now = work.now()
        campaign = await locked_campaign(work.store, campaign_id)
        check_may_open(campaign, now)
        version = await work.store.advance(
            campaign_id, CampaignStatus.OPEN, now, deadline_policy=policy
        )
        assert campaign.supplier_id is not None and campaign.deadline is not None
        await work.announce(
            step(
                CampaignOpened,
                campaign_id,
                version,
                device_type=campaign.device_type,
                supplier_id=campaign.supplier_id,
                minimum_quantity=campaign.minimum_quantity,
                maximum_quantity=campaign.maximum_quantity,
                deadline=campaign.deadline,
                deadline_policy=policy,
            )
        )


# --- pledges


async def pledge(
    uow: Campaigns, principal: Principal, campaign_id: uuid.UUID, need_id: uuid.UUID
) -> uuid.UUID:
    """Enrol a waiting need of one's organisation; the household's share follows its situation."""
    async with uow.begin() as work:
        now = work.now()
        store = work.store
        campaign = await locked_campaign(store, campaign_id)
        need = await store.requests.need_for_update(need_id)
        if need is None:
            raise NotFound(
                f"No need {need_id} among your organisation's requests.",
                code="requests.need_unknown",
            )
        check_reaches(principal, need.organisation_id, "requests.need_unknown")
        pledged = await store.count_live_pledges(campaign_id)
        check_may_pledge(
            campaign,
            NeedToPledge(
                device_type=need.device_type,
                status=need.status,
                min_memory_gb=need.min_memory_gb,
                min_storage_gb=need.min_storage_gb,
            ),
            pledged,
            now,
        )
        household = await store.requests.get_household(need.household_id)
        assert household is not None
        band = band_of(household.situation, campaign.scale)
        pledge_id = uuid7()
        if not await store.insert_pledge(
            pledge_id, campaign_id, need, band.key, principal.sub, now
        ):
            # the need's status said otherwise, but a live pledge holds it
            raise already_pledged()
        await store.requests.set_need_status(need_id, NeedStatus.PLEDGED, note="")
        pledged += 1
        unit = tier_at(campaign.tiers, pledged).unit_price_cents
        await work.announce(
            step(
                PledgeMade,
                campaign_id,
                await store.bump_version(campaign_id),
                pledge_id=pledge_id,
                household_reference=need.household_reference,
                pledged=pledged,
                unit_price_cents=unit,
            )
        )
        if pledged == campaign.minimum_quantity:
            await work.announce(
                step(
                    CampaignThresholdReached,
                    campaign_id,
                    await store.bump_version(campaign_id),
                    pledged=pledged,
                    minimum_quantity=campaign.minimum_quantity,
                    unit_price_cents=unit,
                )
            )
    return pledge_id


async def release_pledge(
    uow: Campaigns, principal: Principal, campaign_id: uuid.UUID, pledge_id: uuid.UUID
) -> None:
    """The social worker withdraws a pledge while the campaign is open: the need waits again."""
    async with uow.begin() as work:
        now = work.now()
        campaign = await locked_campaign(work.store, campaign_id)
        held = await work.store.pledge_for_update(campaign_id, pledge_id)
        if held is None:
            raise NotFound(
                f"No pledge {pledge_id} in this campaign.", code="campaigns.pledge_unknown"
            )
        check_reaches(principal, held.organisation_id, "campaigns.pledge_unknown")
        if held.status != "pledged":
            raise Conflict(f"This pledge is already {held.status}.", code="campaigns.pledge_ended")
        check_may_release_pledge(campaign)
        await work.store.end_pledges([pledge_id], "released", "pledge_withdrawn", now)
        await work.announce(
            step(
                PledgeReleased,
                campaign_id,
                await work.store.bump_version(campaign_id),
                pledge_id=pledge_id,
                reason="pledge_withdrawn",
                pledged=await work.store.count_live_pledges(campaign_id),
            )
        )


# --- order and end


async def order_campaign(uow: Campaigns, principal: Principal, campaign_id: uuid.UUID) -> Quote:
    """Order what is pledged at the tier it reached; each household's share is fixed now."""
    async with uow.begin() as work:
        now = work.now()
        store = work.store
        campaign = await locked_campaign(store, campaign_id)
        await store.drop_stale_pledges(campaign_id, now)
        pledges = await store.live_pledges(campaign_id)
        check_may_order(campaign, len(pledges))
        priced = quote(
            campaign.tiers,
            campaign.scale,
            [band_named(campaign.scale, row.band) for row in pledges],
        )
        number = order_number(campaign_id, now)
        await store.insert_order(campaign_id, number, priced, principal.sub, now)
        await store.fix_contributions([row.id for row in pledges], priced)
        version = await store.advance(campaign_id, CampaignStatus.ORDERED, now)
        await store.insert_notices(
            campaign_id,
            [row.organisation_id for row in pledges],
            "ordered",
            {"quantity": priced.quantity, "unit_price_cents": priced.unit_price_cents},
            now,
        )
        await work.announce(
            step(
                CampaignOrdered,
                campaign_id,
                version,
                order_number=number,
                quantity=priced.quantity,
                unit_price_cents=priced.unit_price_cents,
                total_cents=priced.total_cents,
                contributions_cents=priced.contributions_cents,
                subsidy_cents=priced.subsidy_cents,
            )
        )
    return priced


async def close_campaign(uow: Campaigns, campaign_id: uuid.UUID) -> None:
    async with uow.begin() as work:
        check_may_close(await locked_campaign(work.store, campaign_id))
        version = await work.store.advance(campaign_id, CampaignStatus.CLOSED, work.now())
        await work.announce(step(CampaignClosed, campaign_id, version))


async def cancel_campaign(
    uow: Campaigns, campaign_id: uuid.UUID, reason: str = "cancelled_by_coordination"
) -> None:
    async with uow.begin() as work:
        campaign = await locked_campaign(work.store, campaign_id)
        check_may_cancel(campaign)
        await cancel_in(work, campaign, reason, work.now())


async def cancel_in(
    work: Work[CampaignStore], campaign: Campaign, reason: str, now: datetime
) -> None:
    """Cancel and release every pledge: the needs wait again, their social workers are told."""
    store = work.store
    await store.drop_stale_pledges(campaign.id, now)
    pledges = await store.live_pledges(campaign.id)
    await store.end_pledges([row.id for row in pledges], "released", reason, now)
    for row in pledges:
        await work.announce(
            step(
                PledgeReleased,
                campaign.id,
                await store.bump_version(campaign.id),
                pledge_id=row.id,
                reason=reason,
                pledged=0,
            )
        )
    await store.insert_notices(
        campaign.id,
        [row.organisation_id for row in pledges],
        "cancelled",
        {"reason": reason, "pledged": len(pledges), "minimum": campaign.minimum_quantity},
        now,
    )
    version = await store.advance(campaign.id, CampaignStatus.CANCELLED, now, cancel_reason=reason)
    await work.announce(
        step(
            CampaignCancelled,
            campaign.id,
            version,
            reason=reason,
            pledges_released=len(pledges),
        )
    )
