"""Use cases of inventory: facts from other services applied through the lifecycle."""

from __future__ import annotations

import uuid
from dataclasses import replace

import asyncpg
import msgspec

from services.inventory import lifecycle_store, store
from services.inventory.domain import HistoryEntry, NotYet, State, TransitionRefused
from services.inventory.facts import WORKSHOP_FACTS, apply_fact, require_in_sequence
from services.inventory.lifecycle import Lifecycle
from services.inventory.lifecycle_store import RegisteredDevice
from services.inventory.steps import PRODUCER, Step, record_step
from shared.bus import RetryLater
from shared.contracts.collection import DeviceReceived
from shared.contracts.inventory import DeviceStateChanged
from shared.contracts.purchase import DeviceHandedOver, DeviceReturned, ReservationReleased
from shared.contracts.refurbishment import DeviceCheckedIn, DeviceGraded
from shared.events import Event
from shared.logging import get_logger

log = get_logger("boucle.inventory")


def registration(event: DeviceReceived) -> store.Registration:
    """What registering the received device writes: its first entry, its announcement."""
    entry = HistoryEntry(
        at=event.occurred_at,
        state=State.RECEIVED,
        subject=event.subject,
        producer=event.producer,
        place_name=event.collection_point_name,
        correlation_id=event.correlation_id,
    )
    announced = DeviceStateChanged(
        producer=PRODUCER,
        aggregate_id=event.aggregate_id,
        correlation_id=event.correlation_id,
        label=event.label,
        to_state=State.RECEIVED.value,
        cause_event_id=str(event.event_id),
    )
    return store.Registration(
        event.aggregate_id,
        event.label,
        event.device_type,
        event.weight_kg,
        entry,
        event.event_id,
        announced,
    )


async def register_received_device(connection: asyncpg.Connection, event: Event) -> None:
    """A collection point received a device: it enters the register as ``received``."""
    assert isinstance(event, DeviceReceived)
    await register_received_devices(connection, [event])


async def register_received_devices(
    connection: asyncpg.Connection, events: list[DeviceReceived]
) -> None:
    """Devices received at collection points enter the register as ``received``, a batch
    in one statement; one already registered (or its label) is left as it is."""
    registered = await store.register_devices(connection, [registration(event) for event in events])
    for event in events:
        if event.event_id not in registered:
            log.warning("device_already_registered", label=event.label)


async def locked_device(connection: asyncpg.Connection, event: Event) -> RegisteredDevice:
    """The device ``event`` is about, locked; retried later while it is not registered."""
    device = await lifecycle_store.device_for_update(connection, event.aggregate_id)
    if device is None:
        raise RetryLater(f"device {event.aggregate_id} is not registered yet")
    return device


async def apply_device_fact(connection: asyncpg.Connection, event: Event) -> None:
    """Apply a workshop's or a hand-over's fact; a refused one is recorded, never half-applied."""
    device = await locked_device(connection, event)
    ends_reservation = reservation_ended_by(event)
    if ends_reservation is not None:
        request_id, _ = ends_reservation
        if not await reservation_applied(connection, device, request_id):
            raise RetryLater(f"reservation request {request_id} has not been applied yet")
    workshop_fact = isinstance(event, WORKSHOP_FACTS)
    after: Lifecycle | None
    try:
        if workshop_fact:
            require_in_sequence(device.refurbishment_facts_seen, event.aggregate_version)
        after = apply_fact(device.lifecycle, event)
    except NotYet as reason:
        raise RetryLater(str(reason)) from reason
    except TransitionRefused as refusal:
        await lifecycle_store.record_rejection(connection, device, event, refusal)
        log.info("transition_rejected", device_id=str(device.id), reason=str(refusal))
        after = None
    if workshop_fact:
        seen = max(device.refurbishment_facts_seen, event.aggregate_version)
        if after is None:
            await lifecycle_store.note_refurbishment_fact(connection, device.id, seen)
        device = replace(device, refurbishment_facts_seen=seen)  # saved with the step
    if after is None:
        return
    specs = msgspec.to_builtins(event.specs) if isinstance(event, DeviceGraded) else None
    await record_step(connection, device, after, Step.of(event), place_after(device, event), specs)
    if ends_reservation is not None:
        await lifecycle_store.end_reservation(connection, *ends_reservation, event.occurred_at)


async def reservation_applied(
    connection: asyncpg.Connection, device: RegisteredDevice, request_id: uuid.UUID
) -> bool:
    """Whether the request has been answered (its reservation active, ended or refused)."""
    reservation = device.lifecycle.reservation
    if reservation is not None and reservation.request_id == request_id:
        return True  # the active one: no need to ask
    return await lifecycle_store.reservation_status(connection, request_id) is not None


def reservation_ended_by(event: Event) -> tuple[uuid.UUID, str] | None:
    """The request whose reservation ``event`` ends, and how it ends."""
    if isinstance(event, ReservationReleased):
        return event.request_id, "released"
    if isinstance(event, DeviceHandedOver):
        return event.request_id, "delivered"
    return None


def place_after(device: RegisteredDevice, event: Event) -> str:
    """Where the device is once ``event`` applies (a place's name, never a person)."""
    if isinstance(event, DeviceCheckedIn):
        return event.workshop_name
    if isinstance(event, DeviceHandedOver | DeviceReturned):
        return ""  # with a household, whose whereabouts inventory never knows
    return device.place_name
