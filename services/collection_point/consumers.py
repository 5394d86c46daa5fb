"""What the collection point listens to: inventory's announcements about devices it collected,
and refurbishment's workshops (to ship to) and receipts of its shipments."""

from __future__ import annotations

import asyncpg

from services.collection_point import store
from services.collection_point.shipments import handlers as shipments
from shared.contracts.inventory import DeviceStateChanged
from shared.contracts.refurbishment import ShipmentReceived, WorkshopRegistered
from shared.contracts.streams import consumption_of
from shared.events import Event


async def apply(connection: asyncpg.Connection, event: Event) -> None:
    if isinstance(event, DeviceStateChanged):
        await store.record_inventory_state(
            connection, event.aggregate_id, event.to_state, event.occurred_at
        )


async def apply_workshop_news(connection: asyncpg.Connection, event: Event) -> None:
    """Workshops and shipment receipts; the workshops' facts about devices are not ours."""
    if isinstance(event, WorkshopRegistered):
        await shipments.learn_workshop(connection, event)
    elif isinstance(event, ShipmentReceived):
        await shipments.close_on_receipt(connection, event)


CONSUMERS = [
    (consumption_of("collection_point", "INVENTORY"), apply),
    (consumption_of("collection_point", "REFURBISHMENT"), apply_workshop_news),
]
