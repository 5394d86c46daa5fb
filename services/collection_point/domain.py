"""Pure rules of the collection point: what an intake is and what scope reaches a place."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import msgspec

from shared.contracts.collection import DeviceType
from shared.errors import DomainError

PlaceKind = Literal[
    "library", "town_hall", "social_centre", "neighbourhood_house", "third_place", "mobile"
]


class CollectionPoint(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    kind: PlaceKind
    address: str
    postcode: str
    commune: str


class IntakeCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What the agent at the counter sends: the scanned or typed label, the type, the place."""

    label: str = msgspec.field()
    device_type: DeviceType
    collection_point_id: uuid.UUID


class Intake(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    device_id: uuid.UUID
    label: str
    label_display: str
    device_type: DeviceType
    collection_point_id: uuid.UUID
    received_by: str
    received_at: datetime
    inventory_state: str | None = None
    """The device's lifecycle state as inventory last announced it; empty until registered."""


def point_scope(collection_point_id: uuid.UUID) -> str:
    """The token scope that lets a collector act for one collection point."""
    return f"collection_point:{collection_point_id}"


class TypeNotAccepted(DomainError):
    def __init__(self, device_type: str, accepted: list[str]) -> None:
        super().__init__(
            f"This collection point does not take {device_type} devices; it takes "
            f"{', '.join(accepted)}. Send the donor to another point (see /lieux)."
        )
