"""What the request pages show that the JSON views do not: a list of households with how many
of their needs are open or served, and the places ready devices are at."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import msgspec

from shared.rows import rows_as


class HouseholdLine(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    reference: str
    commune: str
    organisation_name: str
    created_at: datetime
    erased: bool
    needs_open: int
    needs_served: int
    needs_proposed: int = 0  # a device proposed, awaiting the social worker's answer


async def household_lines(
    connection: asyncpg.Connection | asyncpg.Pool,
    organisation_ids: list[uuid.UUID] | None,
    limit: int = 200,
) -> list[HouseholdLine]:
    """The newest households first (``None``: every organisation's), with their needs counted
    and those whose proposed device awaits an answer."""
    rows = await connection.fetch(
        "SELECT h.id, h.reference, h.commune, h.created_at, h.erased_at IS NOT NULL AS erased, "
        "o.name AS organisation_name, "
        "count(n.id) FILTER (WHERE n.status NOT IN ('handed_over', 'cancelled', 'returned')) "
        "AS needs_open, count(n.id) FILTER (WHERE n.status = 'handed_over') AS needs_served, "
        "count(n.id) FILTER (WHERE n.status = 'proposed') AS needs_proposed "
        "FROM households h JOIN organisations o ON o.id = h.organisation_id "
        "LEFT JOIN requests r ON r.household_id = h.id LEFT JOIN needs n ON n.request_id = r.id "
        "WHERE ($1::uuid[] IS NULL OR h.organisation_id = ANY($1)) "
        "GROUP BY h.id, o.name ORDER BY h.created_at DESC LIMIT $2",
        organisation_ids,
        limit,
    )
    return rows_as(HouseholdLine, rows)


async def pickup_places(connection: asyncpg.Connection | asyncpg.Pool) -> list[str]:
    """The places where ready devices are, to suggest as pick-up places."""
    rows = await connection.fetch(
        "SELECT DISTINCT place_name FROM known_devices WHERE place_name <> '' AND state = 'ready' "
        "ORDER BY place_name LIMIT 200"
    )
    return [row["place_name"] for row in rows]
