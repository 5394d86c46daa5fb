"""SQL of the collection point schema."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

import asyncpg
import msgspec

from services.collection_point.domain import CollectionPoint, Intake
from shared.events import Event, encode
from shared.labels import format_code

_POINT_COLUMNS = "id, name, kind, address, postcode, commune"
_INTAKE_COLUMNS = "id, device_id, label, device_type, collection_point_id, received_by, received_at"
_INTAKE_VIEW = f"{_INTAKE_COLUMNS}, inventory_state"


def _intake(row: asyncpg.Record) -> Intake:
    return Intake(label_display=format_code(row["label"]), **dict(row))


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


# One autocommit statement records an intake: the intake row, its event in the outbox and,
# when the request carries an Idempotency-Key, the key with its stored answer. The key is
# inserted *without* ``ON CONFLICT``: a key already taken (or being taken by a concurrent
# transaction, which this statement then waits for) aborts the whole statement, so nothing
# is ever half-applied. The intake is inserted only when the point is active and still has
# the name written in the event; a label already attached inserts nothing.
_RECORD_INTAKE = f"""
WITH point AS (
    SELECT name FROM collection_points WHERE id = $5 AND active
), intake AS (
    INSERT INTO intakes ({_INTAKE_COLUMNS})
    SELECT $1, $2, $3, $4, $5, $6, $7 FROM point WHERE point.name = $8
    ON CONFLICT (label) DO NOTHING
    RETURNING id
), event AS (
    INSERT INTO outbox (event_id, subject, payload, headers)
    SELECT $9, $10, $11, $12 FROM intake
), answer AS (
    INSERT INTO idempotency_keys (key, fingerprint, status_code, response)
    SELECT $13, $14, 201, $15 FROM intake WHERE $13::text IS NOT NULL
)
SELECT (SELECT name FROM point) AS point_name, EXISTS (SELECT FROM intake) AS inserted
"""


class IntakeRecording(NamedTuple):
    inserted: bool
    """False: nothing was written (label already attached, or the point is not as given)."""
    point_name: str | None
    """The active point's current name; ``None`` when there is no such active point."""


async def record_intake(
    connection: asyncpg.Connection | asyncpg.Pool,
    intake: Intake,
    point_name: str,
    event: Event,
    key: str | None,
    fingerprint: str,
    answer: bytes,
) -> IntakeRecording:
    """Record ``intake`` and ``event`` (and the key's 201 ``answer``) in one statement.

    Raises ``asyncpg.UniqueViolationError`` on ``idempotency_keys_pkey`` when ``key`` was
    already used (nothing written)."""
    row = await connection.fetchrow(
        _RECORD_INTAKE,
        intake.id,
        intake.device_id,
        intake.label,
        intake.device_type,
        intake.collection_point_id,
        intake.received_by,
        intake.received_at,
        point_name,
        event.event_id,
        event.subject,
        encode(event),
        {"Correlation-Id": event.correlation_id} if event.correlation_id else {},
        key,
        fingerprint,
        answer,
    )
    assert row is not None
    return IntakeRecording(row["inserted"], row["point_name"])


class ActivePoint(msgspec.Struct, frozen=True):
    name: str
    accepted_types: list[str]


async def active_point(
    connection: asyncpg.Connection | asyncpg.Pool, point_id: uuid.UUID
) -> ActivePoint | None:
    row = await connection.fetchrow(
        "SELECT name, accepted_types FROM collection_points WHERE id = $1 AND active", point_id
    )
    return ActivePoint(row["name"], list(row["accepted_types"])) if row else None


async def intake_with_label(
    connection: asyncpg.Connection | asyncpg.Pool, label: str
) -> asyncpg.Record | None:
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


async def labels_taken(connection: asyncpg.Connection, labels: list[str]) -> set[str]:
    rows = await connection.fetch("SELECT label FROM intakes WHERE label = ANY($1::text[])", labels)
    return {row["label"] for row in rows}


async def insert_intakes(connection: asyncpg.Connection, intakes: list[Intake]) -> None:
    """Insert every intake, in the caller's transaction (a label taken meanwhile fails all)."""
    await connection.executemany(
        f"INSERT INTO intakes ({_INTAKE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            (
                intake.id,
                intake.device_id,
                intake.label,
                intake.device_type,
                intake.collection_point_id,
                intake.received_by,
                intake.received_at,
            )
            for intake in intakes
        ],
    )
