"""Where places are: the commune of each collection point and workshop, from their own events
(a renamed place keeps one row, under its new name)."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from shared.contracts.collection import PlacePublished
from shared.contracts.refurbishment import WorkshopRegistered
from shared.events import Event
from shared.uow import Work


class PlacesStore:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def keep(
        self, source_id: uuid.UUID, name: str, commune: str, kind: str, at: datetime
    ) -> None:
        """The place as stated at ``at``, unless a later statement is already kept."""
        await self.connection.execute(
            "INSERT INTO places (source_id, name, commune, kind, updated_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source_id) DO UPDATE "
            "SET name = excluded.name, commune = excluded.commune, "
            "updated_at = excluded.updated_at "
            "WHERE places.updated_at <= excluded.updated_at",
            source_id,
            name,
            commune,
            kind,
            at,
        )


async def remember_place(work: Work[PlacesStore], event: Event) -> None:
    assert isinstance(event, PlacePublished | WorkshopRegistered)
    if isinstance(event, PlacePublished):
        name, kind = event.place_name, "collection_point"
    else:
        name, kind = event.workshop_name, "workshop"
    await work.store.keep(event.aggregate_id, name, event.commune, kind, event.occurred_at)
