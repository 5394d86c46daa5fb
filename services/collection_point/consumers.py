"""What the collection point listens to: inventory's announcements about devices it collected,
and refurbishment's workshops (to ship to) and receipts of its shipments."""

from __future__ import annotations

import asyncpg

from services.collection_point.donors.store import DonorNewsStore
from services.collection_point.shipments import handlers as shipments
from services.collection_point.store import IntakeStore
from shared.bus import Batched, Handler
from shared.contracts.inventory import DeviceStateChanged
from shared.contracts.refurbishment import ShipmentReceived, WorkshopRegistered
from shared.contracts.streams import Consumption, consumption_of
from shared.events import Event, utc_now


async def apply(connection: asyncpg.Connection, events: list[Event]) -> None:
    """The states inventory announced, a whole batch in one statement; in the same
    transaction, the news the donors agreed to (a device ready, a device that found a
    household), one more statement for the batch."""
    changes = [event for event in events if isinstance(event, DeviceStateChanged)]
    if not changes:
        return
    await IntakeStore(connection).record_inventory_states(
        [(event.aggregate_id, event.to_state, event.occurred_at) for event in changes]
    )
    await DonorNewsStore(connection).tell(
        [(event.aggregate_id, event.to_state, event.label) for event in changes], utc_now()
    )


async def apply_workshop_news(connection: asyncpg.Connection, event: Event) -> None:
    """Workshops and shipment receipts; the workshops' facts about devices are not ours."""
    if isinstance(event, WorkshopRegistered):
        await shipments.learn_workshop(connection, event)
    elif isinstance(event, ShipmentReceived):
        await shipments.close_on_receipt(connection, event)


CONSUMERS: list[tuple[Consumption, Handler | Batched]] = [
    (consumption_of("collection_point", "INVENTORY"), Batched(apply)),
    (consumption_of("collection_point", "REFURBISHMENT"), apply_workshop_news),
]
