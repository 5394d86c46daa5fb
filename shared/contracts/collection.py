"""Events published by ``collection_point`` on ``collection.>``."""

from __future__ import annotations

import uuid
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
