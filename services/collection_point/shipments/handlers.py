"""Use cases of shipments from a collection point to a workshop: a box opened for a workshop,
devices scanned into it, dispatched (one event, same transaction), closed by the workshop's
receipt with what was missing or unexpected. One transaction per use case."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from services.collection_point.access import reachable_point
from services.collection_point.domain import PRODUCER, CollectionPoint
from services.collection_point.shipments.domain import (
    AT_THE_POINT,
    PackedDevice,
    Shipment,
    ShipmentConflict,
    ShipmentOpen,
    ShipmentRefused,
    ShipmentStatus,
    ShipmentSummary,
    in_other_shipment,
)
from services.collection_point.shipments.store import LIST_LIMIT, ShipmentStore
from shared.auth import Principal
from shared.contracts.collection import ShipmentDispatched
from shared.contracts.refurbishment import ShipmentReceived, WorkshopRegistered
from shared.errors import NotFound
from shared.events import uuid7
from shared.labels import format_code, parse_code
from shared.logging import contextvars, get_logger
from shared.uow import UnitOfWork

log = get_logger("boucle.collection_point")


async def open_shipment(
    uow: UnitOfWork[ShipmentStore], principal: Principal, point_id: uuid.UUID, command: ShipmentOpen
) -> Shipment:
    """Open a box or a pallet at the point for a workshop that refurbishment announced."""
    shipment_id = command.id or uuid7()
    async with uow.begin() as work:
        store = work.store
        await reachable_point(store, principal, point_id)
        workshop_name = await store.workshop_name(command.workshop_id)
        if workshop_name is None:
            raise ShipmentRefused(
                f"No workshop {command.workshop_id} is known here: choose one of the "
                "workshops listed (a new workshop appears once refurbishment registers it).",
                code="shipment.unknown_workshop",
            )
        await store.add_shipment(
            shipment_id, point_id, command.workshop_id, workshop_name, principal.sub
        )
        return await _shipment(store, point_id, shipment_id)


async def pack_device(
    uow: UnitOfWork[ShipmentStore],
    principal: Principal,
    point_id: uuid.UUID,
    shipment_id: uuid.UUID,
    label: str,
) -> PackedDevice:
    """Put a device received at this point, and still here, into an open shipment (a label
    scanned twice packs it once)."""
    code = parse_code(label)
    display = format_code(code)
    async with uow.begin() as work:
        store = work.store
        shipment = await _open_shipment_locked(store, principal, point_id, shipment_id)
        device = await store.collected_device(code)
        if device is None:
            raise ShipmentRefused(
                f"No device received at a collection point carries the label {display}: "
                "check the label, or register the donation at the counter first.",
                code="shipment.not_collected",
                label=display,
            )
        if device.collection_point_id != point_id:
            raise ShipmentRefused(
                f"The device {display} was received at another collection point: "
                "it leaves from there, in a shipment of that point.",
                code="shipment.other_point",
                label=display,
            )
        if device.inventory_state not in AT_THE_POINT:
            raise ShipmentConflict(
                f"The device {display} is {device.inventory_state} in inventory: only a "
                "device still at the point can be shipped.",
                code="shipment.not_here",
                label=display,
                state=device.inventory_state,
            )
        elsewhere = await store.shipment_packing(device.device_id)
        if elsewhere is not None and elsewhere != shipment.id:
            raise in_other_shipment(display)
        if elsewhere is None and not await store.pack(shipment.id, code, device.device_id):
            raise in_other_shipment(display)  # packed elsewhere at this very moment
    return PackedDevice(
        label=code,
        label_display=display,
        device_id=device.device_id,
        status="packed",
        device_type=device.device_type,
    )


async def unpack_device(
    uow: UnitOfWork[ShipmentStore],
    principal: Principal,
    point_id: uuid.UUID,
    shipment_id: uuid.UUID,
    label: str,
) -> str:
    """Take a device out of an open shipment (one not in it: nothing to do); its label, in
    compact form."""
    code = parse_code(label)
    async with uow.begin() as work:
        shipment = await _open_shipment_locked(work.store, principal, point_id, shipment_id)
        await work.store.unpack(shipment.id, code)
    return code


async def dispatch_shipment(
    uow: UnitOfWork[ShipmentStore],
    principal: Principal,
    point_id: uuid.UUID,
    shipment_id: uuid.UUID,
) -> Shipment:
    """Send the shipment: its event goes out in the same transaction. An empty shipment, or
    one holding a device that left the point meanwhile, is refused whole. Sent twice, the
    second answer is the first shipment."""
    async with uow.begin() as work:
        store = work.store
        point = await reachable_point(store, principal, point_id)
        shipment = await _shipment(store, point_id, shipment_id, lock=True)
        if shipment.status != "open":
            return shipment
        if not shipment.devices:
            raise ShipmentRefused(
                "The shipment is empty: scan the devices into it before dispatching it.",
                code="shipment.empty",
            )
        gone = await store.devices_gone(shipment.id)
        if gone:
            labels = ", ".join(format_code(device.label) for device in gone)
            raise ShipmentConflict(
                f"These devices are no longer at the point: {labels}. Take them out of the "
                "shipment, then dispatch it.",
                code="shipment.left_the_point",
                labels=labels,
            )
        now = work.now()
        devices = await store.mark_dispatched(shipment.id, now)
        await work.announce(
            ShipmentDispatched(
                producer=PRODUCER,
                aggregate_id=shipment.id,
                correlation_id=contextvars.get_contextvars().get("correlation_id", ""),
                collection_point_id=point_id,
                collection_point_name=point.name,
                workshop_id=shipment.workshop_id,
                workshop_name=shipment.workshop_name,
                devices=devices,
                dispatched_at=now,
            )
        )
        return await _shipment(store, point_id, shipment_id)


# reading, on the pool's connection


async def shipments_at(
    store: ShipmentStore,
    principal: Principal,
    point_id: uuid.UUID,
    status: ShipmentStatus | None = None,
    after: tuple[datetime | None, uuid.UUID | None] = (None, None),
    limit: int = LIST_LIMIT,
) -> tuple[CollectionPoint, list[ShipmentSummary]]:
    """The point and its shipments (see ``ShipmentStore.shipments_of``); 404 alike for an
    unknown point and another's."""
    point = await reachable_point(store, principal, point_id)
    return point, await store.shipments_of(point_id, status, after, limit)


async def shipment_for(
    store: ShipmentStore, principal: Principal, point_id: uuid.UUID, shipment_id: uuid.UUID
) -> tuple[CollectionPoint, Shipment]:
    """The point and its shipment; 404 alike for unknown ones and another point's."""
    point = await reachable_point(store, principal, point_id)
    return point, await _shipment(store, point_id, shipment_id)


async def _open_shipment_locked(
    store: ShipmentStore, principal: Principal, point_id: uuid.UUID, shipment_id: uuid.UUID
) -> Shipment:
    await reachable_point(store, principal, point_id)
    shipment = await _shipment(store, point_id, shipment_id, lock=True)
    if shipment.status != "open":
        raise ShipmentConflict(
            "This shipment has been dispatched: its contents can no longer change.",
            code="shipment.not_open",
        )
    return shipment


async def _shipment(
    store: ShipmentStore, point_id: uuid.UUID, shipment_id: uuid.UUID, lock: bool = False
) -> Shipment:
    shipment = await store.shipment(point_id, shipment_id, lock)
    if shipment is None:
        raise NotFound(
            f"No shipment {shipment_id} at this collection point.", code="shipment.not_found"
        )
    return shipment


# what refurbishment says


async def learn_workshop(connection: asyncpg.Connection, event: WorkshopRegistered) -> None:
    """Keep the newest announcement of each workshop (announcements may come out of order)."""
    await ShipmentStore(connection).learn_workshop(
        event.aggregate_id, event.workshop_name, event.commune, event.occurred_at
    )


async def close_on_receipt(connection: asyncpg.Connection, event: ShipmentReceived) -> None:
    """The workshop said what arrived: the shipment is closed, each packed device marked
    received or missing, and each unexpected one added as such."""
    store = ShipmentStore(connection)
    if not await store.close(event.aggregate_id, event.workshop_id, event.occurred_at):
        log.warning("shipment_receipt_ignored", shipment_id=str(event.aggregate_id))
        return
    for status, labels in (("received", event.received_labels), ("missing", event.missing_labels)):
        await store.mark_devices(event.aggregate_id, labels, status)
    await store.add_unexpected(event.aggregate_id, event.unexpected_labels)
    await store.missing_the_rest(event.aggregate_id)
