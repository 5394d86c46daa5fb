"""SQL of places: the public list with its filters, and what coordinators change."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from services.collection_point.places.domain import Place, PlaceFields
from services.collection_point.places.itinerary import Stop
from shared.db import Executor
from shared.rows import row_as, rows_as

_FIELDS = tuple(PlaceFields.__struct_fields__)
_COLUMNS = ", ".join(("id", *_FIELDS, "active", "version", "updated_at"))
_STOP_COLUMNS = (
    "id, place_name, commune, insee_code, latitude, longitude, day, "
    "to_char(opens, 'HH24:MI') AS opens, to_char(closes, 'HH24:MI') AS closes"
)


class PlaceStore:
    """The places, on a unit of work's connection (or the pool, for the public reads)."""

    def __init__(self, connection: Executor) -> None:
        self.connection = connection

    async def list_places(
        self,
        commune: str = "",
        postcode: str = "",
        accepts: str = "",
        stops_from: date | None = None,
    ) -> list[Place]:
        """Active places by commune then name; filters are optional and combine. With
        ``stops_from``, a commune is also found among the stops an itinerant place makes
        from that day on."""
        rows = await self.connection.fetch(
            f"SELECT {_COLUMNS} FROM collection_points AS point WHERE active "
            "AND ($1 = '' OR unaccent_lower(commune) LIKE unaccent_lower($1) || '%' "
            "  OR (kind = 'mobile' AND EXISTS (SELECT FROM place_stops AS stop "
            "      WHERE stop.collection_point_id = point.id AND stop.day >= $4 "
            "      AND unaccent_lower(stop.commune) LIKE unaccent_lower($1) || '%'))) "
            "AND ($2 = '' OR postcode LIKE $2 || '%') "
            "AND ($3 = '' OR $3 = ANY (accepted_types)) "
            "ORDER BY commune, name",
            commune.strip(),
            postcode.strip(),
            accepts,
            stops_from,
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

    async def stops_from(
        self, place_ids: Sequence[uuid.UUID], day: date
    ) -> dict[uuid.UUID, list[Stop]]:
        """The stops of these places from ``day`` on, in time order, by place."""
        rows = await self.connection.fetch(
            f"SELECT collection_point_id, {_STOP_COLUMNS} FROM place_stops "
            "WHERE collection_point_id = ANY ($1::uuid[]) AND day >= $2 "
            "ORDER BY day, opens",
            list(place_ids),
            day,
        )
        stops: dict[uuid.UUID, list[Stop]] = {place_id: [] for place_id in place_ids}
        for row, stop in zip(rows, rows_as(Stop, rows), strict=True):
            stops[row["collection_point_id"]].append(stop)
        return stops

    async def touch_place(self, place_id: uuid.UUID, expected_version: int | None) -> Place | None:
        """The place at its next version, as of now; None when ``expected_version`` is stale."""
        row = await self.connection.fetchrow(
            "UPDATE collection_points SET version = version + 1, updated_at = now() "
            "WHERE id = $1 AND active AND ($2::int IS NULL OR version = $2) "
            f"RETURNING {_COLUMNS}",
            place_id,
            expected_version,
        )
        return row_as(Place, row)

    async def replace_stops(
        self, place_id: uuid.UUID, removed: Sequence[uuid.UUID], stops: Sequence[Stop]
    ) -> None:
        """Remove the stops ``removed`` and add ``stops``, in one statement."""
        await self.connection.execute(
            "WITH gone AS (DELETE FROM place_stops WHERE collection_point_id = $1 "
            "  AND id = ANY ($2::uuid[])) "
            "INSERT INTO place_stops (id, collection_point_id, place_name, commune, insee_code, "
            "  latitude, longitude, day, opens, closes) "
            "SELECT id, $1, place_name, commune, insee_code, latitude, longitude, day, "
            "  opens::time, closes::time "
            "FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::float8[], "
            "  $8::float8[], $9::date[], $10::text[], $11::text[]) "
            "  AS given (id, place_name, commune, insee_code, latitude, longitude, day, opens, "
            "  closes)",
            place_id,
            list(removed),
            *(
                [getattr(stop, name) for stop in stops]
                for name in (
                    "id", "place_name", "commune", "insee_code", "latitude", "longitude", "day",
                    "opens", "closes",
                )
            ),
        )  # fmt: skip
