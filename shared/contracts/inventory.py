"""Events published by ``inventory`` on ``inventory.>``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import msgspec

from shared.contracts.collection import LabelCode
from shared.contracts.refurbishment import Grade, SpecsSummary
from shared.events import Event, registry


@registry.register
class DeviceStateChanged(Event, frozen=True, kw_only=True):
    """The register moved a device to a new lifecycle state (``from_state`` empty when new)."""

    subject = "inventory.device.state_changed"
    description = "The register moved a device to a new lifecycle state."

    label: LabelCode
    from_state: str = ""
    to_state: str
    cause_event_id: str = ""


@registry.register
class DeviceAvailable(Event, frozen=True, kw_only=True):
    """A device became ``ready``: it can be proposed to a household (what matching needs)."""

    subject = "inventory.device.available"
    description = "A device became ready and can be proposed to a household."

    label: LabelCode
    device_type: str
    grade: Grade
    specs: SpecsSummary = msgspec.field(default_factory=SpecsSummary)
    place_name: str = ""


@registry.register
class ReservationConfirmed(Event, frozen=True, kw_only=True):
    """The device is held for the request until ``expires_at`` (unless handed over first)."""

    subject = "inventory.reservation.confirmed"
    description = "The device is reserved for the request until the reservation expires."

    request_id: uuid.UUID
    expires_at: datetime


@registry.register
class ReservationRejected(Event, frozen=True, kw_only=True):
    """The device cannot be reserved for the request; ``reason`` says why."""

    subject = "inventory.reservation.rejected"
    description = "The device cannot be reserved for the request (reason given)."

    request_id: uuid.UUID
    reason: str


@registry.register
class ReservationExpired(Event, frozen=True, kw_only=True):
    """The reservation lapsed before the hand-over; the device is ready again."""

    subject = "inventory.reservation.expired"
    description = "A reservation lapsed before the hand-over; the device is ready again."

    request_id: uuid.UUID


@registry.register
class AttentionRaised(Event, frozen=True, kw_only=True):
    """Something in the register needs a person, and more of it than when last announced:
    ``new`` dead letters the consumers set aside (``count`` kept in all), or ``new`` more
    devices stuck in ``state`` beyond ``threshold_days`` (``count`` now, the longest there
    since ``oldest_since``). Counts and times only: no device, owner or household."""

    subject = "inventory.attention.raised"
    description = "New dead letters, or more devices stuck in a state: a person is needed."

    kind: Literal["dead_letters", "stuck"]
    new: int
    count: int
    state: str = ""
    threshold_days: float = 0.0
    oldest_since: datetime | None = None
