"""Where places are: the commune of each collection point and workshop, from their own events
(a renamed place keeps one row, under its new name)."""

from __future__ import annotations

import asyncpg

from shared.contracts.collection import PlacePublished
from shared.contracts.refurbishment import WorkshopRegistered
from shared.events import Event


async def remember_place(connection: asyncpg.Connection, event: Event) -> None:
    assert isinstance(event, PlacePublished | WorkshopRegistered)
    if isinstance(event, PlacePublished):
        name, kind = event.place_name, "collection_point"
    else:
        name, kind = event.workshop_name, "workshop"
    await connection.execute(
        "INSERT INTO places (source_id, name, commune, kind, updated_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source_id) DO UPDATE "
        "SET name = excluded.name, commune = excluded.commune, updated_at = excluded.updated_at "
        "WHERE places.updated_at <= excluded.updated_at",
        event.aggregate_id,
        name,
        event.commune,
        kind,
        event.occurred_at,
    )
