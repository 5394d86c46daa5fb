"""What inventory listens to: subject → handler.

The handlers are use cases given the work of the consumer's transaction (its
inbox row, their writes and their announcements commit together): ``in_work`` gives them one
on the connection the consumer passes, with the store they need built on it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from services.inventory.lifecycle import handlers, purchases, shipments
from services.inventory.lifecycle.facts import DEVICE_FACTS
from services.inventory.lifecycle.store import LifecycleStore, work_on
from services.inventory.register import places
from services.inventory.reservations import handlers as reservations
from shared.bus import Batched, Handler
from shared.contracts.collection import DeviceReceived, PlacePublished
from shared.contracts.purchase import PurchasedDeviceReceived, ReservationRequested
from shared.contracts.refurbishment import WorkshopRegistered
from shared.contracts.streams import Consumption, consumption_of
from shared.events import Event, utc_now
from shared.uow import PostgresWork, Work

Applies = Callable[[asyncpg.Connection, Event], Awaitable[None]]
Store = TypeVar("Store")


def in_work(
    use_case: Callable[[Work[Store], Event], Awaitable[None]],
    store_of: Callable[[asyncpg.Connection], Store],
) -> Applies:
    """``use_case`` applied in the transaction open on the connection it is given, with the
    store ``store_of`` builds on it."""

    async def apply_in_work(connection: asyncpg.Connection, event: Event) -> None:
        await use_case(PostgresWork(connection, store_of(connection), utc_now), event)

    return apply_in_work


def in_lifecycle(use_case: Callable[[Work[LifecycleStore], Event], Awaitable[None]]) -> Applies:
    return in_work(use_case, LifecycleStore)


HANDLERS: dict[type[Event], Applies] = {
    DeviceReceived: in_lifecycle(handlers.register_received_device),
    ReservationRequested: in_lifecycle(reservations.answer_reservation_request),
    PurchasedDeviceReceived: in_lifecycle(purchases.register_purchased_device),
    PlacePublished: in_work(places.remember_place, places.PlacesStore),
    WorkshopRegistered: in_work(places.remember_place, places.PlacesStore),
    shipments.ShipmentDispatched: in_lifecycle(shipments.apply_shipment),
    **dict.fromkeys(DEVICE_FACTS, in_lifecycle(handlers.apply_device_fact)),
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
        await handlers.register_received_devices(work_on(connection), received)
    for event in events:
        if not isinstance(event, DeviceReceived):
            await apply(connection, event)


CONSUMERS: list[tuple[Consumption, Handler | Batched]] = [
    (consumption_of("inventory", "COLLECTION"), Batched(apply_donations)),
    (consumption_of("inventory", "REFURBISHMENT"), apply),
    (consumption_of("inventory", "PURCHASE"), apply),
]
