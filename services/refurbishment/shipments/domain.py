"""A shipment's receipt at a workshop (pure): what it holds, each device's arrival."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from shared.errors import Conflict

LIST_LIMIT = 50
ReceiptStatus = Literal["expected", "received"]
Arrival = Literal["received", "awaited", "missing", "unexpected"]


class ReceiptClosed(Conflict):
    """A scan into a shipment whose receipt is closed."""

    def __init__(self) -> None:
        super().__init__(
            "The receipt of this shipment is closed: scan the device on the board.",
            code="arrival.closed",
        )


class IncomingDevice(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    label_display: str
    expected: bool
    outcome: Arrival
    """``awaited`` while the receipt is open, ``missing`` once it is closed."""
    scanned_at: datetime | None = None


class IncomingShipment(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    workshop_id: uuid.UUID
    collection_point_name: str
    dispatched_at: datetime
    status: ReceiptStatus
    received_at: datetime | None = None
    devices: list[IncomingDevice] = msgspec.field(default_factory=list)

    def labels(self, outcome: Arrival) -> list[str]:
        """Compact labels of the devices with ``outcome``."""
        return [device.label for device in self.devices if device.outcome == outcome]


class IncomingSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A shipment in a workshop's list, with how many devices it holds and were scanned."""

    id: uuid.UUID
    collection_point_name: str
    dispatched_at: datetime
    status: ReceiptStatus
    received_at: datetime | None
    expected: int
    scanned: int


class IncomingPage(msgspec.Struct, frozen=True, kw_only=True):
    shipments: list[IncomingSummary]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


class ShipmentScan(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ShipmentScanned(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    expected: bool
    work_order_id: uuid.UUID | None


def arrival(expected: bool, scanned_at: datetime | None, closed: bool) -> Arrival:
    if not expected:
        return "unexpected"
    if scanned_at is not None:
        return "received"
    return "missing" if closed else "awaited"
