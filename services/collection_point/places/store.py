"""SQL of places: the public list with its filters, and what coordinators change."""

from __future__ import annotations

import uuid

from services.collection_point.places.domain import Place, PlaceFields
from shared.db import Executor
from shared.rows import row_as, rows_as

_FIELDS = tuple(PlaceFields.__struct_fields__)
_COLUMNS = ", ".join(("id", *_FIELDS, "active", "version", "updated_at"))


class PlaceStore:
    """The places, on a unit of work's connection (or the pool, for the public reads)."""

    def __init__(self, connection: Executor) -> None:
        self.connection = connection

    async def list_places(
        self, commune: str = "", postcode: str = "", accepts: str = ""
    ) -> list[Place]:
        """Active places by commune then name; filters are optional and combine."""
        rows = await self.connection.fetch(
            f"SELECT {_COLUMNS} FROM collection_points WHERE active "
            "AND ($1 = '' OR unaccent_lower(commune) LIKE unaccent_lower($1) || '%') "
            "AND ($2 = '' OR postcode LIKE $2 || '%') "
            "AND ($3 = '' OR $3 = ANY (accepted_types)) "
            "ORDER BY commune, name",
            commune.strip(),
            postcode.strip(),
            accepts,
        )
        return rows_as(Place, rows)

    async def get_place(self, place_id: uuid.UUID) -> Place | None:
        row = await self.connection.fetchrow(
            f"SELECT {_COLUMNS} FROM collection_points WHERE id = $1 AND active", place_id
        )
        return row_as(Place, row)

    async def save_place(
        self, place_id: uuid.UUID, fields: PlaceFields, expected_version: int | None = None
    ) -> Place | None:
        """Create or update a place; None when ``expected_version`` is stale (someone else
        saved)."""
        values = [getattr(fields, name) for name in _FIELDS]
        placeholders = ", ".join(f"${index}" for index in range(2, len(_FIELDS) + 2))
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in _FIELDS)
        version = len(_FIELDS) + 2
        row = await self.connection.fetchrow(
            f"INSERT INTO collection_points (id, {', '.join(_FIELDS)}) "
            f"VALUES ($1, {placeholders}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}, version = collection_points.version + 1, "
            "updated_at = now() "
            f"WHERE ${version}::int IS NULL OR collection_points.version = ${version} "
            f"RETURNING {_COLUMNS}",
            place_id,
            *values,
            expected_version,
        )
        return row_as(Place, row)
