"""What the workshops listen to: devices registered at collection points (label → device)
and shipments dispatched to them."""

from __future__ import annotations

import asyncpg

from services.refurbishment.shipments.store import ShipmentStore
from shared.bus import Batched
from shared.contracts.collection import DeviceReceived, ShipmentDispatched
from shared.contracts.streams import consumption_of
from shared.events import Event


async def apply(connection: asyncpg.Connection, events: list[Event]) -> None:
    """A batch's devices in one statement, then its shipments in order (a shipment remembers
    its devices too, with the same label and type, so the order of the two does not matter)."""
    store = ShipmentStore(connection)
    received = [
        (event.aggregate_id, event.label, event.device_type)
        for event in events
        if isinstance(event, DeviceReceived)
    ]
    if received:
        await store.remember_devices(received)
    for event in events:
        if isinstance(event, ShipmentDispatched):
            await store.expect_shipment(event)


CONSUMERS = [(consumption_of("refurbishment", "COLLECTION"), Batched(apply))]
