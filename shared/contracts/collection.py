"""Events published by ``collection_point`` on ``collection.>``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from shared.events import Event, registry

DeviceType = Literal[
    "laptop", "desktop", "tablet", "smartphone", "monitor", "printer", "peripheral", "other"
]
LabelCode = Annotated[str, msgspec.Meta(pattern=r"^[0-9A-HJKMNP-TV-Z]{9}$")]


@registry.register
class DeviceReceived(Event, frozen=True, kw_only=True):
    """A donated device was received at a collection point and labelled."""

    subject = "collection.device.received"
    description = "A donated device was received at a collection point and labelled."

    intake_id: uuid.UUID
    label: LabelCode
    device_type: DeviceType
    collection_point_id: uuid.UUID
    collection_point_name: str = ""
    weight_kg: float | None = None  # weighed at the counter, when it was


@registry.register
class PlacePublished(Event, frozen=True, kw_only=True):
    """A collection point was opened or changed: its public name, commune and position.

    ``aggregate_id`` is the place id and ``aggregate_version`` its version; the position is
    absent when the coordinator gave none.
    """

    subject = "collection.place.published"
    description = "A collection point was opened or changed (name, commune, position)."

    place_name: str
    commune: str = ""
    latitude: float | None = None
    longitude: float | None = None
    active: bool = True


class ShippedDevice(msgspec.Struct, frozen=True, kw_only=True):
    """One device in a shipment: its id, its label and its type (nothing about its donor)."""

    device_id: uuid.UUID
    label: LabelCode
    device_type: DeviceType = "other"


@registry.register
class ShipmentDispatched(Event, frozen=True, kw_only=True):
    """A collection point sent a box or a pallet of devices to a workshop.

    ``aggregate_id`` is the shipment id. Inventory moves each device from ``received`` to
    ``in_transit``; the workshop expects them and reports what arrived."""

    subject = "collection.shipment.dispatched"
    description = "A collection point dispatched a shipment of devices to a workshop."

    collection_point_id: uuid.UUID
    collection_point_name: str = ""
    workshop_id: uuid.UUID
    workshop_name: str = ""
    devices: list[ShippedDevice] = msgspec.field(default_factory=list)
    dispatched_at: datetime
