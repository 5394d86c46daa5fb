"""SQL of the collection point schema."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from services.collection_point.domain import CollectionPoint, Intake
from shared.labels import format_code

_POINT_COLUMNS = "id, name, kind, address, postcode, commune"
_INTAKE_COLUMNS = "id, device_id, label, device_type, collection_point_id, received_by, received_at"
_INTAKE_VIEW = f"{_INTAKE_COLUMNS}, inventory_state"


def _intake(row: asyncpg.Record) -> Intake:
    return Intake(label_display=format_code(row["label"]), **dict(row))


async def list_points(connection: asyncpg.Connection | asyncpg.Pool) -> list[CollectionPoint]:
    rows = await connection.fetch(
        f"SELECT {_POINT_COLUMNS} FROM collection_points WHERE active ORDER BY commune, name"
    )
    return [CollectionPoint(**dict(row)) for row in rows]


async def get_point(connection: asyncpg.Connection, point_id: uuid.UUID) -> CollectionPoint | None:
    row = await connection.fetchrow(
        f"SELECT {_POINT_COLUMNS} FROM collection_points WHERE id = $1 AND active", point_id
    )
    return CollectionPoint(**dict(row)) if row else None


async def upsert_point(connection: asyncpg.Connection, point: CollectionPoint) -> None:
    await connection.execute(
        f"INSERT INTO collection_points ({_POINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (id) DO UPDATE SET name = $2, kind = $3, address = $4, postcode = $5, "
        "commune = $6",
        point.id,
        point.name,
        point.kind,
        point.address,
        point.postcode,
        point.commune,
    )


async def insert_intake(connection: asyncpg.Connection, intake: Intake) -> bool:
    """False when the label is already attached to another intake."""
    inserted = await connection.fetchval(
        f"INSERT INTO intakes ({_INTAKE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (label) DO NOTHING RETURNING true",
        intake.id,
        intake.device_id,
        intake.label,
        intake.device_type,
        intake.collection_point_id,
        intake.received_by,
        intake.received_at,
    )
    return bool(inserted)


async def intake_with_label(connection: asyncpg.Connection, label: str) -> asyncpg.Record | None:
    return await connection.fetchrow(
        "SELECT i.id, i.device_type, i.received_at, p.name AS point_name "
        "FROM intakes i JOIN collection_points p ON p.id = i.collection_point_id "
        "WHERE i.label = $1",
        label,
    )


async def get_intake(
    connection: asyncpg.Connection | asyncpg.Pool, intake_id: uuid.UUID
) -> Intake | None:
    row = await connection.fetchrow(f"SELECT {_INTAKE_VIEW} FROM intakes WHERE id = $1", intake_id)
    return _intake(row) if row else None


async def record_inventory_state(
    connection: asyncpg.Connection, device_id: uuid.UUID, state: str, at: datetime
) -> None:
    """Keep the newest state inventory announced (announcements may arrive out of order)."""
    await connection.execute(
        "UPDATE intakes SET inventory_state = $2, inventory_state_at = $3 WHERE device_id = $1 "
        "AND (inventory_state_at IS NULL OR inventory_state_at <= $3)",
        device_id,
        state,
        at,
    )
