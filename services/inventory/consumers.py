"""What inventory listens to: subject → handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

from services.inventory import handlers, places, purchases, reservations, shipments
from services.inventory.facts import DEVICE_FACTS
from shared.contracts.collection import DeviceReceived, PlacePublished
from shared.contracts.purchase import PurchasedDeviceReceived, ReservationRequested
from shared.contracts.refurbishment import WorkshopRegistered
from shared.contracts.streams import consumption_of
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


CONSUMERS = [
    (consumption_of("inventory", stream), apply)
    for stream in ("COLLECTION", "REFURBISHMENT", "PURCHASE")
]
