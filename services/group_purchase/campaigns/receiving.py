"""Receiving a delivery: each device is labelled, registered and, when a pledge waits for it,
reserved for its need through the same saga as a donated device (an attempt inventory answers).
A count that differs from the order is refused unless explained; then surplus devices join the
stock and the needs left without a device wait again."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import msgspec

from services.group_purchase.campaigns import store
from services.group_purchase.campaigns.domain import (
    Campaign,
    CampaignStatus,
    DeliveredDevice,
    Delivery,
    check_delivery,
)
from services.group_purchase.campaigns.handlers import announce, locked_campaign
from services.group_purchase.requests import store as request_store
from services.group_purchase.requests.domain import NeedStatus
from shared.auth import Principal
from shared.contracts.purchase import CampaignReceived, PledgeReleased, PurchasedDeviceReceived
from shared.contracts.refurbishment import SpecsSummary
from shared.db import transaction
from shared.events import utc_now, uuid7
from shared.labels import format_code, generate_code


class ReceivedDevice(msgspec.Struct, frozen=True, kw_only=True):
    """A delivered device, its new label (to print and stick) and whom it is reserved for."""

    device_id: uuid.UUID
    label: str
    printed_label: str  # as on the sticker: K7Q2-M9XB-A
    serial_number: str
    need_id: uuid.UUID | None = None
    household_reference: str = ""


async def receive_delivery(
    pool: asyncpg.Pool, principal: Principal, campaign_id: uuid.UUID, delivery: Delivery
) -> list[ReceivedDevice]:
    """Label and register the delivered devices, each reserved for a pledged need (first
    pledged, first served); a count that differs from the order must be explained, and then
    surplus devices join the stock while unserved needs wait again."""
    now = utc_now()
    async with transaction(pool) as connection:
        campaign = await locked_campaign(connection, campaign_id)
        order = await store.order_of(connection, campaign_id)
        ordered = order["quantity"] if order is not None else 0
        check_delivery(campaign, ordered, delivery)
        pledges = await store.live_pledges(connection, campaign_id)
        received = [
            await _register(connection, principal, campaign, delivery, device, pledge_row, now)
            for device, pledge_row in _pairs(delivery.devices, pledges)
        ]
        unserved = pledges[len(delivery.devices) :]
        await _end_unserved(connection, campaign_id, unserved, now)
        delivered = len(delivery.devices)
        version = await store.advance(
            connection,
            campaign_id,
            CampaignStatus.RECEIVED,
            now,
            delivered_quantity=delivered,
            delivery_discrepancy=delivery.discrepancy_note.strip(),
        )
        await store.insert_notices(
            connection,
            campaign_id,
            [row["organisation_id"] for row in pledges[:delivered]],
            "received",
            {"delivered": delivered, "ordered": ordered},
            now,
        )
        await announce(
            connection,
            CampaignReceived,
            campaign_id,
            version,
            ordered=ordered,
            delivered=delivered,
            allocated=min(delivered, len(pledges)),
            discrepancy=delivered != ordered,
        )
    return received


def _pairs(
    devices: list[DeliveredDevice], pledges: list[asyncpg.Record]
) -> list[tuple[DeliveredDevice, asyncpg.Record | None]]:
    return [
        (device, pledges[index] if index < len(pledges) else None)
        for index, device in enumerate(devices)
    ]


async def _new_label(connection: asyncpg.Connection) -> str:
    while await store.label_taken(connection, label := generate_code()):
        continue
    return label


async def _register(
    connection: asyncpg.Connection,
    principal: Principal,
    campaign: Campaign,
    delivery: Delivery,
    device: DeliveredDevice,
    pledge_row: asyncpg.Record | None,
    now: datetime,
) -> ReceivedDevice:
    """One device: labelled, recorded, and (when a pledge waits for it) reserved for its need
    through the same saga as a donated device: an attempt inventory answers."""
    device_id = uuid7()
    label = await _new_label(connection)
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
    if pledge_row is not None:
        attempt_id = uuid7()
        await connection.execute(
            "INSERT INTO reservation_attempts (id, need_id, organisation_id, device_id, label, "
            "requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            attempt_id,
            pledge_row["need_id"],
            pledge_row["organisation_id"],
            device_id,
            label,
            principal.sub,
            now,
        )
        await request_store.set_need_status(
            connection, pledge_row["need_id"], NeedStatus.RESERVING, note=""
        )
        await store.allocate(connection, pledge_row["id"])
    await store.insert_received_devices(
        connection,
        [
            (
                device_id,
                campaign.id,
                label,
                grade,
                msgspec.to_builtins(specs),
                device.serial_number,
                None if pledge_row is None else pledge_row["id"],
                attempt_id,
                principal.sub,
                now,
            )
        ],
    )
    reference = "" if pledge_row is None else pledge_row["household_reference"]
    await announce(
        connection,
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
    return ReceivedDevice(
        device_id=device_id,
        label=label,
        printed_label=format_code(label),
        serial_number=device.serial_number,
        need_id=None if pledge_row is None else pledge_row["need_id"],
        household_reference=reference,
    )


async def _end_unserved(
    connection: asyncpg.Connection,
    campaign_id: uuid.UUID,
    unserved: list[asyncpg.Record],
    now: datetime,
) -> None:
    """A short delivery: the needs left without a device wait again, and their social
    workers are told."""
    if not unserved:
        return
    reason = "delivery_short"
    await store.end_pledges(connection, [row["id"] for row in unserved], "unserved", reason, now)
    await store.insert_notices(
        connection,
        campaign_id,
        [row["organisation_id"] for row in unserved],
        "unserved",
        {"needs": len(unserved)},
        now,
    )
    for row in unserved:
        await announce(
            connection,
            PledgeReleased,
            campaign_id,
            await store.bump_version(connection, campaign_id),
            pledge_id=row["id"],
            reason=reason,
            pledged=0,
        )
