"""A collection point dispatched a shipment: each device in it goes from ``received`` to
``in_transit``, each with its own step in its history. A device in any other state keeps it,
and the refusal is recorded for coordinators; the others move all the same.

A shipment's ``aggregate_version`` numbers the shipment, not its devices: it takes no place
in a device's sequence of workshop facts and is applied as it comes (once every device in it
is registered: until then the whole event waits, so it is never half-applied)."""

from __future__ import annotations

import uuid

import msgspec

from services.inventory.lifecycle.domain import State, TransitionRefused, check_transition
from services.inventory.lifecycle.intentions import Lifecycle
from services.inventory.lifecycle.steps import Step, record_step
from services.inventory.lifecycle.store import LifecycleStore, RegisteredDevice
from shared.bus import RetryLater
from shared.contracts.collection import ShipmentDispatched
from shared.events import Event
from shared.logging import get_logger
from shared.uow import Work

log = get_logger("boucle.inventory")


def ship(lifecycle: Lifecycle, event: ShipmentDispatched) -> Lifecycle:
    """The device on its way to the workshop; raises ``TransitionRefused`` unless received."""
    check_transition(lifecycle.state, State.IN_TRANSIT)
    return msgspec.structs.replace(lifecycle, state=State.IN_TRANSIT, state_since=event.occurred_at)


def step_id(event: Event, device_id: uuid.UUID) -> uuid.UUID:
    """The id of the step one device takes on ``event`` (a history keeps one step per id)."""
    return uuid.uuid5(event.event_id, str(device_id))


async def apply_shipment(work: Work[LifecycleStore], event: Event) -> None:
    """Move every device of the dispatched shipment to ``in_transit`` (refusals recorded)."""
    assert isinstance(event, ShipmentDispatched)
    device_ids = sorted({device.device_id for device in event.devices})  # one lock order
    devices: list[RegisteredDevice] = []
    for device_id in device_ids:
        device = await work.store.device_for_update(device_id)
        if device is None:
            raise RetryLater(
                f"device {device_id} of shipment {event.aggregate_id} is not registered yet"
            )
        devices.append(device)
    for device in devices:
        step = Step(
            step_id(event, device.id),
            event.subject,
            event.producer,
            event.correlation_id,
            event.occurred_at,
        )
        try:
            after = ship(device.lifecycle, event)
        except TransitionRefused as refusal:
            refused = msgspec.structs.replace(event, event_id=step.event_id)
            await work.store.record_rejection(device, refused, refusal)
            log.info("transition_rejected", device_id=str(device.id), reason=str(refusal))
            continue
        await record_step(work, device, after, step, device.place_name)
