"""Devices bought in a group purchase: registered ready at once, and reserved for the need
they were pledged to, so the normal hand-over follows."""

from __future__ import annotations

import uuid

import msgspec

from services.inventory.lifecycle.domain import HistoryEntry, State
from services.inventory.lifecycle.handlers import locked_device
from services.inventory.lifecycle.steps import PRODUCER, Step, available
from services.inventory.lifecycle.store import LifecycleStore
from services.inventory.reservations.handlers import answer_reservation_request
from shared.contracts.inventory import DeviceStateChanged
from shared.contracts.purchase import PurchasedDeviceReceived, ReservationRequested
from shared.events import Event
from shared.logging import get_logger
from shared.uow import Work

log = get_logger("boucle.inventory.purchases")


async def register_purchased_device(work: Work[LifecycleStore], event: Event) -> None:
    """Register the delivered device as ``ready`` (graded by its supplier, nothing to erase),
    then answer the reservation of the pledged need like any other request."""
    assert isinstance(event, PurchasedDeviceReceived)
    specs = msgspec.to_builtins(event.specs)
    store = work.store
    inserted = await store.register_purchased_device(
        event.aggregate_id,
        event.label,
        event.device_type,
        event.occurred_at,
        event.place_name,
        event.grade,
        specs,
    )
    if not inserted:
        log.warning("purchased_device_already_registered", label=event.label)
        return
    step = Step.of(event)
    await store.append_history(
        event.aggregate_id,
        HistoryEntry(
            at=event.occurred_at,
            state=State.READY,
            subject=event.subject,
            producer=event.producer,
            place_name=event.place_name,
            correlation_id=event.correlation_id,
        ),
        event.event_id,
    )
    device = await locked_device(store, event)
    await work.announce(
        DeviceStateChanged(
            producer=PRODUCER,
            aggregate_id=device.id,
            correlation_id=event.correlation_id,
            label=device.label,
            to_state=State.READY.value,
            cause_event_id=str(event.event_id),
        ),
        available(device, device.lifecycle, 1, event.place_name, specs, step),
    )
    if event.request_id is not None:
        await answer_reservation_request(work, _reservation_of(event, event.request_id))


def _reservation_of(event: PurchasedDeviceReceived, request_id: uuid.UUID) -> ReservationRequested:
    """The pledged need's reservation, as if requested at delivery (its own history step)."""
    return ReservationRequested(
        event_id=uuid.uuid5(event.event_id, "reservation"),
        occurred_at=event.occurred_at,
        producer=event.producer,
        aggregate_id=event.aggregate_id,
        correlation_id=event.correlation_id,
        request_id=request_id,
        household_reference=event.household_reference,
    )
