"""What the collection point listens to: inventory's announcements about devices it collected."""

from __future__ import annotations

import asyncpg

from services.collection_point import store
from shared.contracts.inventory import DeviceStateChanged
from shared.contracts.streams import consumption_of
from shared.events import Event


async def apply(connection: asyncpg.Connection, event: Event) -> None:
    if isinstance(event, DeviceStateChanged):
        await store.record_inventory_state(
            connection, event.aggregate_id, event.to_state, event.occurred_at
        )


CONSUMERS = [(consumption_of("collection_point", "INVENTORY"), apply)]
