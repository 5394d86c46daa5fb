"""What the workshops listen to: devices registered at collection points (label → device)
and shipments dispatched to them."""

from __future__ import annotations

import asyncpg

from services.refurbishment import store
from services.refurbishment.shipments import handlers as shipments
from shared.contracts.collection import DeviceReceived, ShipmentDispatched
from shared.contracts.streams import consumption_of
from shared.events import Event


async def apply(connection: asyncpg.Connection, event: Event) -> None:
    if isinstance(event, DeviceReceived):
        await store.remember_device(connection, event.aggregate_id, event.label, event.device_type)
    elif isinstance(event, ShipmentDispatched):
        await shipments.expect_shipment(connection, event)


CONSUMERS = [(consumption_of("refurbishment", "COLLECTION"), apply)]
