"""What the workshops listen to: devices registered at collection points (label → device)
and shipments dispatched to them; the trainings recorded with the accounts (who may sign an
erasure)."""

from __future__ import annotations

import asyncpg

from services.refurbishment.erasure.domain import OfficerTraining
from services.refurbishment.shipments.store import ShipmentStore
from services.refurbishment.store import BenchStore
from shared.bus import Batched, Handler
from shared.contracts.collection import DeviceReceived, ShipmentDispatched
from shared.contracts.purchase import TrainingRecorded
from shared.contracts.streams import Consumption, consumption_of
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


async def apply_training(connection: asyncpg.Connection, event: Event) -> None:
    """A training recorded with an account: kept by its id (a redelivery changes nothing)."""
    if isinstance(event, TrainingRecorded):
        await BenchStore(connection).remember_training(
            OfficerTraining(
                id=event.aggregate_id,
                account_id=str(event.account_id),
                course=event.course,
                reference=event.reference,
                valid_from=event.valid_from,
                valid_until=event.valid_until,
            )
        )


CONSUMERS: list[tuple[Consumption, Handler | Batched]] = [
    (consumption_of("refurbishment", "COLLECTION"), Batched(apply)),
    (consumption_of("refurbishment", "PURCHASE"), apply_training),
]
