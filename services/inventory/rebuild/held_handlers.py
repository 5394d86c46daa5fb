"""Inventory's handlers of the events a register mostly consists of (devices received, the
workshops' and hand-overs' facts, reservations asked and lapsed), on a held register: the
same rules and the same rows as the live handlers, decided in memory so that a chunk of
events costs a few statements instead of three to five round trips each.

These follow ``services.inventory.handlers``, ``reservations`` and ``steps`` line for line
(the rebuild's tests compare their register with the live one); the rarer events (places,
shipments, purchases) are applied by the live handlers themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import msgspec

from services.inventory import reservations
from services.inventory.domain import (
    HistoryEntry,
    NotYet,
    ReservationRefused,
    State,
    TransitionRefused,
)
from services.inventory.facts import DEVICE_FACTS, WORKSHOP_FACTS, apply_fact, require_in_sequence
from services.inventory.handlers import place_after, registration, reservation_ended_by
from services.inventory.lifecycle import Lifecycle
from services.inventory.lifecycle_store import RegisteredDevice
from services.inventory.rebuild.held_register import HeldRegister
from services.inventory.steps import PRODUCER, Step, available
from shared.bus import RetryLater
from shared.contracts.collection import DeviceReceived
from shared.contracts.inventory import (
    DeviceStateChanged,
    ReservationConfirmed,
    ReservationExpired,
    ReservationRejected,
)
from shared.contracts.purchase import ReservationRequested
from shared.contracts.refurbishment import DeviceGraded
from shared.events import Event, utc_now
from shared.logging import get_logger

log = get_logger("boucle.inventory.rebuild")
HeldHandler = Callable[[HeldRegister, Event], Awaitable[None]]


async def register_received_device(register: HeldRegister, event: Event) -> None:
    assert isinstance(event, DeviceReceived)
    if await register.registered(event.aggregate_id, event.label):
        log.warning("device_already_registered", label=event.label)
        return
    register.register(registration(event))


async def locked_device(register: HeldRegister, event: Event) -> RegisteredDevice:
    device = await register.device_for_update(event.aggregate_id)
    if device is None:
        raise RetryLater(f"device {event.aggregate_id} is not registered yet")
    return device


async def apply_device_fact(register: HeldRegister, event: Event) -> None:
    device = await locked_device(register, event)
    ends_reservation = reservation_ended_by(event)
    if ends_reservation is not None:
        request_id, _ = ends_reservation
        active = device.lifecycle.reservation
        if (active is None or active.request_id != request_id) and (
            await register.reservation_status(request_id) is None
        ):
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
        register.record_rejection(device, event, refusal)
        log.info("transition_rejected", device_id=str(device.id), reason=str(refusal))
        after = None
    if workshop_fact:
        seen = max(device.refurbishment_facts_seen, event.aggregate_version)
        if after is None:
            register.note_refurbishment_fact(device.id, seen)
        device = replace(device, refurbishment_facts_seen=seen)
    if after is None:
        return
    specs = msgspec.to_builtins(event.specs) if isinstance(event, DeviceGraded) else None
    record_step(register, device, after, Step.of(event), place_after(device, event), specs)
    if ends_reservation is not None:
        register.end_reservation(*ends_reservation, event.occurred_at)


async def answer_reservation_request(register: HeldRegister, event: Event) -> None:
    assert isinstance(event, ReservationRequested)
    device = await locked_device(register, event)
    if await register.reservation_status(event.request_id) is not None:
        log.warning("reservation_already_answered", request_id=str(event.request_id))
        return
    expires_at = utc_now() + timedelta(hours=reservations.held_hours())
    request = (event.request_id, device.id, event.household_reference, event.correlation_id)
    try:
        after = device.lifecycle.reserve(event.request_id, event.occurred_at, expires_at)
    except ReservationRefused as refusal:
        register.add_reservation(*request, event.occurred_at, rejection=str(refusal))
        rejected = ReservationRejected(
            producer=PRODUCER,
            aggregate_id=device.id,
            correlation_id=event.correlation_id,
            request_id=event.request_id,
            reason=str(refusal),
        )
        register.add_events([rejected])
        return
    register.add_reservation(*request, event.occurred_at, expires_at)
    confirmed = ReservationConfirmed(
        producer=PRODUCER,
        aggregate_id=device.id,
        correlation_id=event.correlation_id,
        request_id=event.request_id,
        expires_at=expires_at,
    )
    record_step(register, device, after, Step.of(event), device.place_name, None, [confirmed])


async def expire_as_announced(register: HeldRegister, event: Event) -> None:
    """The reservation inventory once let lapse lapses again, at the same moment."""
    assert isinstance(event, ReservationExpired)
    if await register.reservation_status(event.request_id) is None:
        raise RetryLater(f"reservation request {event.request_id} has not been applied yet")
    device = await locked_device(register, event)
    reservation = device.lifecycle.reservation
    if reservation is None or reservation.request_id != event.request_id:
        return  # ended otherwise in the meantime
    after = device.lifecycle.expire_reservation(max(event.occurred_at, reservation.expires_at))
    assert after is not None
    record_step(register, device, after, Step.of(event), device.place_name)
    register.end_reservation(event.request_id, "expired", event.occurred_at)


def record_step(
    register: HeldRegister,
    device: RegisteredDevice,
    after: Lifecycle,
    step: Step,
    place_name: str,
    specs: dict[str, Any] | None = None,
    announcements: list[Event] | None = None,
) -> None:
    """``steps.record_step``: the lifecycle saved, the step in the history, what changed
    announced (``state_changed`` on every new state, ``available`` on ready)."""
    specs = device.specs if specs is None else specs
    version = register.save_lifecycle(device, after, place_name, specs)
    entry = HistoryEntry(
        at=step.at,
        state=after.state,
        subject=step.subject,
        producer=step.producer,
        place_name=place_name,
        correlation_id=step.correlation_id,
    )
    register.append_history(device.id, entry, step.event_id)
    events = list(announcements or ())
    if after.state is not device.lifecycle.state:
        events.append(
            DeviceStateChanged(
                producer=PRODUCER,
                aggregate_id=device.id,
                aggregate_version=version,
                correlation_id=step.correlation_id,
                label=device.label,
                from_state=device.lifecycle.state.value,
                to_state=after.state.value,
                cause_event_id=str(step.event_id),
            )
        )
        if after.state is State.READY:
            events.append(available(device, after, version, place_name, specs, step))
    register.add_events(events)


HELD_HANDLERS: dict[type[Event], HeldHandler] = {
    DeviceReceived: register_received_device,
    ReservationRequested: answer_reservation_request,
    ReservationExpired: expire_as_announced,
    **dict.fromkeys(DEVICE_FACTS, apply_device_fact),
}
