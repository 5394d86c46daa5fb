"""Receiving a delivery: each device is labelled, registered and, when a pledge waits for it,
reserved for its need through the same saga as a donated device (an attempt inventory answers).
A count that differs from the order is refused unless explained; then surplus devices join the
stock and the needs left without a device wait again."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from services.group_purchase.campaigns.domain import (
    Campaign,
    CampaignStatus,
    DeliveredDevice,
    Delivery,
    check_delivery,
)
from services.group_purchase.campaigns.handlers import Campaigns, locked_campaign, step
from services.group_purchase.campaigns.store import CampaignStore, LivePledge
from shared.auth import Principal
from shared.contracts.purchase import CampaignReceived, PledgeReleased, PurchasedDeviceReceived
from shared.contracts.refurbishment import SpecsSummary
from shared.events import uuid7
from shared.labels import format_code, generate_code
from shared.uow import Work


class ReceivedDevice(msgspec.Struct, frozen=True, kw_only=True):
    """A delivered device, its new label (to print and stick) and whom it is reserved for."""

    device_id: uuid.UUID
    label: str
    printed_label: str  # as on the sticker: K7Q2-M9XB-A
    serial_number: str
    need_id: uuid.UUID | None = None
    household_reference: str = ""


async def receive_delivery(
    uow: Campaigns, principal: Principal, campaign_id: uuid.UUID, delivery: Delivery
) -> list[ReceivedDevice]:
    """Label and register the delivered devices, each reserved for a pledged need (first
    pledged, first served); a count that differs from the order must be explained, and then
    surplus devices join the stock while unserved needs wait again."""
    async with uow.begin() as work:
        now = work.now()
        store = work.store
        campaign = await locked_campaign(store, campaign_id)
        ordered = await store.ordered_quantity(campaign_id)
        check_delivery(campaign, ordered, delivery)
        pledges = await store.live_pledges(campaign_id)
        received = [
            await _register(work, principal, campaign, delivery, device, pledge, now)
            for device, pledge in _pairs(delivery.devices, pledges)
        ]
        unserved = pledges[len(delivery.devices) :]
        await _end_unserved(work, campaign_id, unserved, now)
        delivered = len(delivery.devices)
        version = await store.advance(
            campaign_id,
            CampaignStatus.RECEIVED,
            now,
            delivered_quantity=delivered,
            delivery_discrepancy=delivery.discrepancy_note.strip(),
        )
        await store.insert_notices(
            campaign_id,
            [row.organisation_id for row in pledges[:delivered]],
            "received",
            {"delivered": delivered, "ordered": ordered},
            now,
        )
        await work.announce(
            step(
                CampaignReceived,
                campaign_id,
                version,
                ordered=ordered,
                delivered=delivered,
                allocated=min(delivered, len(pledges)),
                discrepancy=delivered != ordered,
            )
        )
    return received


def _pairs(
    devices: list[DeliveredDevice], pledges: list[LivePledge]
) -> list[tuple[DeliveredDevice, LivePledge | None]]:
    return [
        (device, pledges[index] if index < len(pledges) else None)
        for index, device in enumerate(devices)
    ]


async def _new_label(store: CampaignStore) -> str:
    while await store.label_taken(label := generate_code()):
        continue
    return label


async def _register(
    work: Work[CampaignStore],
    principal: Principal,
    campaign: Campaign,
    delivery: Delivery,
    device: DeliveredDevice,
    pledge: LivePledge | None,
    now: datetime,
) -> ReceivedDevice:
    """One device: labelled, recorded, and (when a pledge waits for it) reserved for its need
    through the same saga as a donated device: an attempt inventory answers."""
    device_id = uuid7()
    label = await _new_label(work.store)
    grade = device.grade or campaign.grade
    specs = SpecsSummary(
        brand=device.brand,
        model=device.model,
        processor=device.processor,
        memory_gb=device.memory_gb,
        storage_gb=device.storage_gb,
        screen_inches=device.screen_inches,
        operating_system=device.operating_system,
    )
    attempt_id = None
    if pledge is not None:
        attempt_id = uuid7()
        await work.store.allocate(pledge, attempt_id, device_id, label, principal.sub, now)
    await work.store.insert_received_devices(
        [
            (
                device_id,
                campaign.id,
                label,
                grade,
                msgspec.to_builtins(specs),
                device.serial_number,
                None if pledge is None else pledge.id,
                attempt_id,
                principal.sub,
                now,
            )
        ],
    )
    reference = "" if pledge is None else pledge.household_reference
    await work.announce(
        step(
            PurchasedDeviceReceived,
            device_id,
            label=label,
            device_type=campaign.device_type,
            grade=grade,
            specs=specs,
            campaign_id=campaign.id,
            place_name=delivery.place_name,
            request_id=attempt_id,
            household_reference=reference,
        )
    )
    return ReceivedDevice(
        device_id=device_id,
        label=label,
        printed_label=format_code(label),
        serial_number=device.serial_number,
        need_id=None if pledge is None else pledge.need_id,
        household_reference=reference,
    )


async def _end_unserved(
    work: Work[CampaignStore], campaign_id: uuid.UUID, unserved: list[LivePledge], now: datetime
) -> None:
    """A short delivery: the needs left without a device wait again, and their social
    workers are told."""
    if not unserved:
        return
    reason = "delivery_short"
    await work.store.end_pledges([row.id for row in unserved], "unserved", reason, now)
    await work.store.insert_notices(
        campaign_id,
        [row.organisation_id for row in unserved],
        "unserved",
        {"needs": len(unserved)},
        now,
    )
    for row in unserved:
        await work.announce(
            step(
                PledgeReleased,
                campaign_id,
                await work.store.bump_version(campaign_id),
                pledge_id=row.id,
                reason=reason,
                pledged=0,
            )
        )
