"""What a shipment from a collection point to a workshop is: a box for one workshop, the
devices packed into it, and the refusals of what cannot be done with it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from shared.errors import DomainError

AT_THE_POINT = (None, "received")  # inventory's word for a device still here (None: not yet said)

ShipmentStatus = Literal["open", "dispatched", "received"]
DeviceStatus = Literal["packed", "received", "missing", "unexpected"]


class ShipmentRefused(DomainError):
    """A shipment request refused (its code says which, ``shipment.*``)."""


class ShipmentConflict(ShipmentRefused):
    """Refused because of what the device or the shipment has become meanwhile."""

    status_code = 409


class ShipmentOpen(msgspec.Struct, frozen=True, kw_only=True):
    workshop_id: uuid.UUID
    id: uuid.UUID | None = None
    """Chosen by the client so that a form sent twice opens one shipment."""


class ShipmentScan(msgspec.Struct, frozen=True, kw_only=True):
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Workshop(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    commune: str = ""


class PackedDevice(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    label_display: str
    device_id: uuid.UUID | None
    status: DeviceStatus
    device_type: str = ""


class Shipment(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    collection_point_id: uuid.UUID
    workshop_id: uuid.UUID
    workshop_name: str
    status: ShipmentStatus
    opened_by: str
    opened_at: datetime
    dispatched_at: datetime | None = None
    received_at: datetime | None = None
    devices: list[PackedDevice] = msgspec.field(default_factory=list)

    def labelled(self, status: DeviceStatus) -> list[PackedDevice]:
        return [device for device in self.devices if device.status == status]


class ShipmentSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    workshop_id: uuid.UUID
    workshop_name: str
    status: ShipmentStatus
    opened_at: datetime
    dispatched_at: datetime | None = None
    received_at: datetime | None = None
    devices: int = 0
    """Devices packed (unexpected ones aside)."""
    flagged: int = 0
    """Devices the workshop reported missing or unexpected."""


class ShipmentPage(msgspec.Struct, frozen=True, kw_only=True):
    shipments: list[ShipmentSummary]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


def in_other_shipment(display: str) -> ShipmentConflict:
    return ShipmentConflict(
        f"The device {display} is already packed in another shipment: take it out of that "
        "one first.",
        code="shipment.in_other_shipment",
        label=display,
    )
