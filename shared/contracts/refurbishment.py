"""Events published by ``refurbishment`` on ``refurbishment.>``: facts stated by a workshop.

Every device event's ``aggregate_id`` is the device id (a workshop event's, the workshop id).
Inventory applies device events through the device lifecycle; a device is checked in from
``in_transit`` (it came in a shipment) or straight from ``received`` (a donor or an agent
brought it to the workshop by hand).
"""

from __future__ import annotations

import uuid
from typing import Literal

import msgspec

from shared.events import Event, registry

Grade = Literal["A", "B", "C"]


class SpecsSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What matching a device to a request needs to know (never anything about its donor)."""

    brand: str = ""
    model: str = ""
    processor: str = ""
    memory_gb: int = 0
    storage_gb: int = 0
    screen_inches: float = 0.0
    operating_system: str = ""


@registry.register
class DeviceCheckedIn(Event, frozen=True, kw_only=True):
    """A workshop checked a device in: it enters (or, once returned, re-enters) refurbishment.

    Accepted from ``in_transit`` (shipped), ``received`` (brought by hand) and ``returned``;
    every check-in asks for a new erasure and a new grade before release.
    """

    subject = "refurbishment.device.checked_in"
    description = "A workshop checked a device in for refurbishment."

    workshop_id: uuid.UUID
    workshop_name: str = ""


@registry.register
class DeviceErased(Event, frozen=True, kw_only=True):
    """The device's data was erased under a certificate, or an erasure officer stated that it
    has no storage at all (then ``certificate_id`` is empty and ``no_storage`` is true)."""

    subject = "refurbishment.device.erased"
    description = "The device's data was erased (certificate) or it has no storage (stated)."

    certificate_id: uuid.UUID | None = None
    no_storage: bool = False


@registry.register
class DeviceGraded(Event, frozen=True, kw_only=True):
    """The device was tested and graded (A: light traces at most, B: visible wear, C: works,
    marked). Never "as new": French law forbids calling a refurbished device that."""

    subject = "refurbishment.device.graded"
    description = "The device was tested and given a grade, with a summary of its specs."

    grade: Grade
    functional_pass: bool
    specs: SpecsSummary = msgspec.field(default_factory=SpecsSummary)


@registry.register
class DeviceReleased(Event, frozen=True, kw_only=True):
    """The workshop released the device for a second life."""

    subject = "refurbishment.device.released"
    description = "The workshop released the refurbished device for a second life."


@registry.register
class DeviceRecycled(Event, frozen=True, kw_only=True):
    """The device cannot be reused and went to a recycling channel."""

    subject = "refurbishment.device.recycled"
    description = "The device went to a recycling channel."

    reason: str


@registry.register
class DeviceDismantled(Event, frozen=True, kw_only=True):
    """The device was taken apart for spare parts (what is left is recycled later)."""

    subject = "refurbishment.device.dismantled"
    description = "The device was taken apart for spare parts."


@registry.register
class WorkshopRegistered(Event, frozen=True, kw_only=True):
    """A workshop was registered (or its details restated): where devices get refurbished.

    ``aggregate_id`` is the workshop id; the position is absent when none was given.
    """

    subject = "refurbishment.workshop.registered"
    description = "A workshop was registered, with its name, commune and position."

    workshop_name: str
    commune: str = ""
    latitude: float | None = None
    longitude: float | None = None


@registry.register
class DeviceDiagnosed(Event, frozen=True, kw_only=True):
    """The workshop diagnosed the device: its specs, battery, keyboard layout, storage media
    and a pass or fail per functional test (a test absent was not made). No cosmetic note
    and no person: only what the device is and what works.

    A diagnosis changes no lifecycle state, so it takes no number of its own in the
    device's sequence of workshop facts: its ``aggregate_version`` is the number of the
    last lifecycle fact stated before it (a consumer that ignores it misses no number)."""

    subject = "refurbishment.device.diagnosed"
    description = "The workshop diagnosed the device (specs and functional tests)."

    specs: SpecsSummary = msgspec.field(default_factory=SpecsSummary)
    battery_health: int | None = None
    keyboard_layout: str = ""
    storage_types: list[str] = msgspec.field(default_factory=list)
    functional_tests: dict[str, str] = msgspec.field(default_factory=dict)


@registry.register
class DeviceRepaired(Event, frozen=True, kw_only=True):
    """The workshop repaired the device: the kinds of actions taken, how many parts came
    from its parts bin or were bought, and the minutes spent (never the words typed).

    Like a diagnosis, a repair takes no number of its own in the device's sequence of
    workshop facts: its ``aggregate_version`` is that of the last lifecycle fact."""

    subject = "refurbishment.device.repaired"
    description = "The workshop repaired the device (kinds of actions, parts, minutes)."

    action_kinds: list[str] = msgspec.field(default_factory=list)
    parts_from_bin: int = 0
    parts_bought: int = 0
    minutes: int = 0


@registry.register
class ShipmentReceived(Event, frozen=True, kw_only=True):
    """A workshop closed the receipt of a shipment from a collection point: the labels
    (compact codes) it scanned that were in the shipment, those that were in it but did not
    arrive, and those that arrived without being in it (checked in all the same).

    ``aggregate_id`` is the shipment id, as the collection point numbered it."""

    subject = "refurbishment.shipment.received"
    description = "A workshop received a shipment: devices received, missing and unexpected."

    workshop_id: uuid.UUID
    received_labels: list[str] = msgspec.field(default_factory=list)
    missing_labels: list[str] = msgspec.field(default_factory=list)
    unexpected_labels: list[str] = msgspec.field(default_factory=list)
