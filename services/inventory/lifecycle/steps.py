"""How an applied step is written: the device saved, a history entry, the announcements."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import msgspec

from services.inventory.lifecycle.domain import HistoryEntry, State
from services.inventory.lifecycle.intentions import Lifecycle
from services.inventory.lifecycle.store import LifecycleStore, RegisteredDevice
from shared.contracts.inventory import DeviceAvailable, DeviceStateChanged
from shared.contracts.refurbishment import Grade, SpecsSummary
from shared.events import Event
from shared.uow import Work

PRODUCER = "inventory"


@dataclass(frozen=True)
class Step:
    """What the device's history keeps of one step: which fact, from whom, when."""

    event_id: uuid.UUID
    subject: str
    producer: str
    correlation_id: str
    at: datetime

    @classmethod
    def of(cls, event: Event) -> Step:
        return cls(
            event.event_id, event.subject, event.producer, event.correlation_id, event.occurred_at
        )


async def record_step(
    work: Work[LifecycleStore],
    device: RegisteredDevice,
    after: Lifecycle,
    step: Step,
    place_name: str,
    specs: dict[str, Any] | None = None,
    announcements: Sequence[Event] = (),
) -> None:
    """Save ``after``, append the step to the history and announce what changed, atomically
    (the work's transaction): ``state_changed`` on every new state, ``available`` on ready."""
    specs = device.specs if specs is None else specs
    version = await work.store.save_lifecycle(device, after, place_name, specs)
    await work.store.append_history(
        device.id,
        HistoryEntry(
            at=step.at,
            state=after.state,
            subject=step.subject,
            producer=step.producer,
            place_name=place_name,
            correlation_id=step.correlation_id,
        ),
        step.event_id,
    )
    events = list(announcements)
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
    await work.announce(*events)


def available(
    device: RegisteredDevice,
    after: Lifecycle,
    version: int,
    place_name: str,
    specs: dict[str, Any],
    step: Step,
) -> DeviceAvailable:
    assert after.grading is not None  # the lifecycle never reaches ready without one
    return DeviceAvailable(
        producer=PRODUCER,
        aggregate_id=device.id,
        aggregate_version=version,
        correlation_id=step.correlation_id,
        label=device.label,
        device_type=device.device_type,
        grade=cast(Grade, after.grading.grade),
        specs=msgspec.convert(specs, SpecsSummary),
        place_name=place_name,
    )
