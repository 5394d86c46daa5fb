"""Collection points as places citizens look for: the facts kept and the rules they follow."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from services.collection_point.domain import PlaceKind
from services.collection_point.places.hours import parse_hours
from shared.contracts.collection import DeviceType
from shared.errors import DomainError, NotFound

Postcode = Annotated[str, msgspec.Meta(pattern=r"^\d{5}$", description="5 digits")]
INSEE = r"\d[\dAB]\d{3}"  # a commune's code: 59350, or 2A004 in Corsica
InseeCode = Annotated[str, msgspec.Meta(pattern=f"^({INSEE})?$")]
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]
Phone = Annotated[str, msgspec.Meta(pattern=r"^(\+33\d{9})?$", description="+33 and 9 digits")]
Pivot = Annotated[str, msgspec.Meta(pattern=r"^(\d{14}|W\d{9})?$", description="SIRET or RNA")]
Name = Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=2000)]
AcceptedTypes = Annotated[list[DeviceType], msgspec.Meta(min_length=1)]


class PlaceFields(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a coordinator fills in for a place."""

    name: Name
    kind: PlaceKind
    address: Name
    postcode: Postcode
    commune: Name
    insee_code: InseeCode = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    opening_hours: Text = ""
    accepted_types: AcceptedTypes = msgspec.field(
        default_factory=lambda: ["laptop", "desktop", "tablet", "smartphone"]
    )
    accessibility: Text = ""
    phone: Phone = ""
    email: Annotated[str, msgspec.Meta(max_length=200)] = ""
    website: Annotated[str, msgspec.Meta(max_length=300)] = ""
    pivot: Pivot = ""

    def checked(self) -> PlaceFields:
        """Rules the types cannot say: readable hours, both coordinates or none."""
        parse_hours(self.opening_hours)
        if (self.latitude is None) != (self.longitude is None):
            raise DomainError(
                "Give both latitude and longitude, or neither.", code="places.coordinates"
            )
        return self


class PlaceNotFound(NotFound):
    def __init__(self, place_id: uuid.UUID) -> None:
        super().__init__(f"No active collection point {place_id}.", code="places.not_found")


class Place(PlaceFields, frozen=True, kw_only=True):
    id: uuid.UUID
    active: bool = True
    version: int = 1
    updated_at: datetime

    @property
    def itinerant(self) -> bool:
        """A bus or a van: open where and when its stops say, not at its address."""
        return self.kind == "mobile"
