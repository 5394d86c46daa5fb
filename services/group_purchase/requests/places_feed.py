"""What requests learn of places: where collection points and workshops are, by name.

Devices and needs name their places; matching looks those names up here to prefer, among
the devices that fit, the nearest to the household's pick-up place. A place renamed keeps
one row (its new name); a fact older than the one already known is ignored.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import msgspec

from shared.contracts.collection import PlacePublished
from shared.contracts.refurbishment import WorkshopRegistered
from shared.contracts.streams import consumption_of
from shared.events import Event


class KnownPlace(msgspec.Struct, frozen=True, kw_only=True):
    source_id: uuid.UUID
    name: str
    kind: str  # "collection_point" | "workshop"
    commune: str
    latitude: float | None
    longitude: float | None
    active: bool
    updated_at: datetime


async def note_place(connection: asyncpg.Connection, place: KnownPlace) -> None:
    """Record the place under its name, unless a newer fact about it is already known."""
    newer_known = await connection.fetchval(
        "SELECT EXISTS (SELECT 1 FROM places WHERE source_id = $1 AND updated_at > $2)",
        place.source_id,
        place.updated_at,
    )
    if newer_known:
        return
    await connection.execute("DELETE FROM places WHERE source_id = $1", place.source_id)
    await connection.execute(
        "INSERT INTO places (name, source_id, kind, commune, latitude, longitude, active, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT ((lower(name))) DO UPDATE SET name = excluded.name, "
        "source_id = excluded.source_id, kind = excluded.kind, commune = excluded.commune, "
        "latitude = excluded.latitude, longitude = excluded.longitude, "
        "active = excluded.active, updated_at = excluded.updated_at "
        "WHERE places.updated_at <= excluded.updated_at",
        place.name,
        place.source_id,
        place.kind,
        place.commune,
        place.latitude,
        place.longitude,
        place.active,
        place.updated_at,
    )


def known_place(event: Event) -> KnownPlace | None:
    """The place an event tells of, if it tells of one."""
    if isinstance(event, PlacePublished):
        return KnownPlace(
            source_id=event.aggregate_id,
            name=event.place_name,
            kind="collection_point",
            commune=event.commune,
            latitude=event.latitude,
            longitude=event.longitude,
            active=event.active,
            updated_at=event.occurred_at,
        )
    if isinstance(event, WorkshopRegistered):
        return KnownPlace(
            source_id=event.aggregate_id,
            name=event.workshop_name,
            kind="workshop",
            commune=event.commune,
            latitude=event.latitude,
            longitude=event.longitude,
            active=True,
            updated_at=event.occurred_at,
        )
    return None


async def apply(connection: asyncpg.Connection, event: Event) -> None:
    place = known_place(event)
    if place is not None and place.name.strip():
        await note_place(connection, place)


CONSUMERS = [
    (consumption_of("group_purchase", "COLLECTION"), apply),
    (consumption_of("group_purchase", "REFURBISHMENT"), apply),
]
