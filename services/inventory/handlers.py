"""Use cases of inventory: facts from other services applied through the lifecycle."""

from __future__ import annotations

import asyncpg

from services.inventory import store
from services.inventory.domain import HistoryEntry, State
from shared.contracts.collection import DeviceReceived
from shared.contracts.inventory import DeviceStateChanged
from shared.events import Event
from shared.logging import get_logger
from shared.outbox import add_events

PRODUCER = "inventory"
log = get_logger("boucle.inventory")


async def register_received_device(connection: asyncpg.Connection, event: Event) -> None:
    """A collection point received a device: it enters the register as ``received``."""
    assert isinstance(event, DeviceReceived)
    if not await store.insert_device(
        connection,
        event.aggregate_id,
        event.label,
        event.device_type,
        State.RECEIVED,
        event.occurred_at,
    ):
        log.warning("device_already_registered", label=event.label)
        return
    await store.append_history(
        connection,
        event.aggregate_id,
        HistoryEntry(
            at=event.occurred_at,
            state=State.RECEIVED,
            subject=event.subject,
            producer=event.producer,
            place_name=event.collection_point_name,
            correlation_id=event.correlation_id,
        ),
        event.event_id,
    )
    await add_events(
        connection,
        [
            DeviceStateChanged(
                producer=PRODUCER,
                aggregate_id=event.aggregate_id,
                correlation_id=event.correlation_id,
                label=event.label,
                to_state=State.RECEIVED.value,
                cause_event_id=str(event.event_id),
            )
        ],
    )
