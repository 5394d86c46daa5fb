"""Shipments arriving at a workshop: learnt from the collection point's dispatch, received by
scanning each device (each scan is the ordinary check-in: a work order opens), closed with
what was received, missing, or there without being expected (checked in all the same)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from services.refurbishment.bench import handlers
from services.refurbishment.bench.domain import CheckIn
from services.refurbishment.shipments.domain import (
    IncomingDevice,
    IncomingPage,
    IncomingShipment,
    ReceiptClosed,
    ReceiptStatus,
    ShipmentScanned,
    arrival,
)
from services.refurbishment.shipments.store import ShipmentStore
from shared.auth import Principal
from shared.contracts.refurbishment import ShipmentReceived
from shared.errors import Conflict, NotFound
from shared.labels import format_code, parse_code
from shared.listing import page_of, read_cursor
from shared.logging import contextvars
from shared.uow import UnitOfWork

# use cases


async def scan_device(
    uow: UnitOfWork[ShipmentStore],
    principal: Principal,
    workshop_id: uuid.UUID,
    shipment_id: uuid.UUID,
    label: str,
) -> ShipmentScanned:
    """Check the scanned device in (a work order opens, as on the board) and note it received
    in the shipment; a device not in the shipment is checked in and noted unexpected. Scanned
    again, or already checked in here, it is noted once."""
    code = parse_code(label)
    async with uow.begin() as work:
        shipment = await _shipment(work.store, principal, workshop_id, shipment_id, lock=True)
        if shipment["status"] != "expected":
            raise ReceiptClosed()
        try:
            order = await handlers.open_stay(
                work, principal, CheckIn(workshop_id=workshop_id, label=code)
            )
        except Conflict:
            here = await handlers.open_order_here(work.store, code, workshop_id)
            if here is None:
                raise
            order = here
        expected = await work.store.note_scan(
            shipment_id, code, order.device_id, principal.sub, work.now()
        )
    return ShipmentScanned(label=code, expected=expected, work_order_id=order.id)


async def close_receipt(
    uow: UnitOfWork[ShipmentStore],
    principal: Principal,
    workshop_id: uuid.UUID,
    shipment_id: uuid.UUID,
) -> IncomingShipment:
    """Close the receipt and tell the collection point what arrived, what is missing and
    what came unexpected. Closed twice, it is told once."""
    async with uow.begin() as work:
        shipment = await _incoming(work.store, principal, workshop_id, shipment_id, lock=True)
        if shipment.status != "expected":
            return shipment
        await work.store.close_receipt(shipment_id, principal.sub, work.now())
        shipment = await _incoming(work.store, principal, workshop_id, shipment_id)
        await work.announce(
            ShipmentReceived(
                producer=handlers.PRODUCER,
                aggregate_id=shipment_id,
                correlation_id=contextvars.get_contextvars().get("correlation_id", ""),
                workshop_id=workshop_id,
                received_labels=shipment.labels("received"),
                missing_labels=shipment.labels("missing"),
                unexpected_labels=shipment.labels("unexpected"),
            )
        )
    return shipment


# reading


async def incoming_page(
    store: ShipmentStore,
    workshop_id: uuid.UUID,
    status: ReceiptStatus | None,
    after: str | None,
    limit: int,
) -> IncomingPage:
    """The workshop's shipments with ``status`` (any if ``None``), the newest first."""
    summaries = await store.incoming_page(
        workshop_id, status, read_cursor(after, datetime.fromisoformat), limit + 1
    )
    shipments, next_after = page_of(
        summaries, limit, lambda shipment: (shipment.dispatched_at, shipment.id)
    )
    return IncomingPage(shipments=shipments, next_after=next_after)


async def incoming_shipment(
    store: ShipmentStore, principal: Principal, workshop_id: uuid.UUID, shipment_id: uuid.UUID
) -> IncomingShipment:
    return await _incoming(store, principal, workshop_id, shipment_id)


async def _shipment(
    store: ShipmentStore,
    principal: Principal,
    workshop_id: uuid.UUID,
    shipment_id: uuid.UUID,
    lock: bool = False,
) -> dict[str, Any]:
    row = await store.shipment(shipment_id, workshop_id, lock)
    if row is None or not principal.may_reach(handlers.workshop_scope(workshop_id)):
        raise NotFound(
            f"No shipment {shipment_id} for a workshop you work at.", code="arrival.not_found"
        )
    return dict(row)


async def _incoming(
    store: ShipmentStore,
    principal: Principal,
    workshop_id: uuid.UUID,
    shipment_id: uuid.UUID,
    lock: bool = False,
) -> IncomingShipment:
    shipment = await _shipment(store, principal, workshop_id, shipment_id, lock)
    closed = shipment["status"] != "expected"
    devices = await store.shipment_devices(shipment_id)
    return IncomingShipment(
        **shipment,
        devices=[
            IncomingDevice(
                label_display=format_code(device["label"]),
                outcome=arrival(device["expected"], device["scanned_at"], closed),
                **dict(device),
            )
            for device in devices
        ],
    )
