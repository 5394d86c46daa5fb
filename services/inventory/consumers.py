"""What inventory listens to: subject → handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

from services.inventory.lifecycle import handlers, purchases, shipments
from services.inventory.lifecycle.facts import DEVICE_FACTS
from services.inventory.register import places
from services.inventory.reservations import handlers as reservations
from shared.bus import Batched, Handler
from shared.contracts.collection import DeviceReceived, PlacePublished
from shared.contracts.purchase import PurchasedDeviceReceived, ReservationRequested
from shared.contracts.refurbishment import WorkshopRegistered
from shared.contracts.streams import Consumption, consumption_of
from shared.events import Event

HANDLERS: dict[type[Event], Callable[[asyncpg.Connection, Event], Awaitable[None]]] = {
    DeviceReceived: handlers.register_received_device,
    ReservationRequested: reservations.answer_reservation_request,
    PurchasedDeviceReceived: purchases.register_purchased_device,
    PlacePublished: places.remember_place,
    WorkshopRegistered: places.remember_place,
    shipments.ShipmentDispatched: shipments.apply_shipment,
    **dict.fromkeys(DEVICE_FACTS, handlers.apply_device_fact),
}


async def apply(connection: asyncpg.Connection, event: Event) -> None:
    """Apply an event inventory cares about; other events of the stream are acknowledged."""
    handler = HANDLERS.get(type(event))
    if handler is not None:
        await handler(connection, event)


async def apply_donations(connection: asyncpg.Connection, events: list[Event]) -> None:
    """A batch of the collection points' events: the devices received first, registered in
    one statement, then every other event in order (nothing about a device can happen before
    it was received: an event about it fetched before its registration is applied after it,
    where one by one it would have been retried later)."""
    received = [event for event in events if isinstance(event, DeviceReceived)]
    if received:
        await handlers.register_received_devices(connection, received)
    for event in events:
        if not isinstance(event, DeviceReceived):
            await apply(connection, event)


CONSUMERS: list[tuple[Consumption, Handler | Batched]] = [
    (consumption_of("inventory", "COLLECTION"), Batched(apply_donations)),
    (consumption_of("inventory", "REFURBISHMENT"), apply),
    (consumption_of("inventory", "PURCHASE"), apply),
]
