"""SQL of places: the public list with its filters, and what coordinators change."""

from __future__ import annotations

import uuid

import asyncpg
import msgspec

from services.collection_point.intake.handlers import PRODUCER
from services.collection_point.places.domain import Place, PlaceFields
from shared.contracts.collection import PlacePublished
from shared.outbox import add_events

_FIELDS = tuple(PlaceFields.__struct_fields__)
_COLUMNS = ", ".join(("id", *_FIELDS, "active", "version", "updated_at"))


def _place(row: asyncpg.Record) -> Place:
    return msgspec.convert(dict(row), Place)


async def list_places(
    connection: asyncpg.Connection | asyncpg.Pool,
    commune: str = "",
    postcode: str = "",
    accepts: str = "",
) -> list[Place]:
    """Active places by commune then name; filters are optional and combine."""
    rows = await connection.fetch(
        f"SELECT {_COLUMNS} FROM collection_points WHERE active "
        "AND ($1 = '' OR unaccent_lower(commune) LIKE unaccent_lower($1) || '%') "
        "AND ($2 = '' OR postcode LIKE $2 || '%') "
        "AND ($3 = '' OR $3 = ANY (accepted_types)) "
        "ORDER BY commune, name",
        commune.strip(),
        postcode.strip(),
        accepts,
    )
    return [_place(row) for row in rows]


async def get_place(
    connection: asyncpg.Connection | asyncpg.Pool, place_id: uuid.UUID
) -> Place | None:
    row = await connection.fetchrow(
        f"SELECT {_COLUMNS} FROM collection_points WHERE id = $1 AND active", place_id
    )
    return _place(row) if row else None


async def save_place(
    connection: asyncpg.Connection,
    place_id: uuid.UUID,
    fields: PlaceFields,
    expected_version: int | None = None,
) -> Place | None:
    """Create or update a place, publishing it in the same transaction; None when
    ``expected_version`` is stale (someone else saved)."""
    values = [getattr(fields, name) for name in _FIELDS]
    placeholders = ", ".join(f"${index}" for index in range(2, len(_FIELDS) + 2))
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in _FIELDS)
    version = len(_FIELDS) + 2
    row = await connection.fetchrow(
        f"INSERT INTO collection_points (id, {', '.join(_FIELDS)}) VALUES ($1, {placeholders}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}, version = collection_points.version + 1, "
        "updated_at = now() "
        f"WHERE ${version}::int IS NULL OR collection_points.version = ${version} "
        f"RETURNING {_COLUMNS}",
        place_id,
        *values,
        expected_version,
    )
    if row is None:
        return None
    place = _place(row)
    await add_events(connection, [published(place)])
    return place


def published(place: Place) -> PlacePublished:
    """The public facts of a place, for the other services (matching needs its position)."""
    return PlacePublished(
        producer=PRODUCER,
        aggregate_id=place.id,
        aggregate_version=place.version,
        place_name=place.name,
        commune=place.commune,
        latitude=place.latitude,
        longitude=place.longitude,
        active=place.active,
    )
