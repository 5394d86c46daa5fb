"""SQL of the inventory schema."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from services.inventory.domain import Device, HistoryEntry, State
from shared.events import Event
from shared.labels import format_code
from shared.outbox import outbox_values


async def insert_device(
    connection: asyncpg.Connection,
    device_id: uuid.UUID,
    label: str,
    device_type: str,
    state: State,
    at: datetime,
    place_name: str = "",
    weight_kg: float | None = None,
) -> bool:
    """False when the device (or its label) is already registered."""
    inserted = await connection.fetchval(
        "INSERT INTO devices (id, label, device_type, state, registered_at, state_since, "
        "place_name, origin_place, weight_kg) VALUES ($1, $2, $3, $4, $5, $5, $6, $6, $7) "
        "ON CONFLICT DO NOTHING RETURNING true",
        device_id,
        label,
        device_type,
        state.value,
        at,
        place_name,
        weight_kg,
    )
    return bool(inserted)


_REGISTER_DEVICE = """
WITH device AS (
    INSERT INTO devices (id, label, device_type, state, registered_at, state_since,
                         place_name, origin_place, weight_kg)
    VALUES ($1, $2, $3, $4, $5, $5, $6, $6, $7)
    ON CONFLICT DO NOTHING RETURNING id
), entry AS (
    INSERT INTO device_history (device_id, at, state, subject, event_id, producer,
                                place_name, correlation_id)
    SELECT id, $5, $4, $8, $9, $10, $6, $11 FROM device
)
INSERT INTO outbox (event_id, subject, payload, headers)
SELECT $12, $13, $14, $15 FROM device
RETURNING true
"""


async def register_device(
    connection: asyncpg.Connection,
    device_id: uuid.UUID,
    label: str,
    device_type: str,
    weight_kg: float | None,
    entry: HistoryEntry,
    event_id: uuid.UUID,
    announced: Event,
) -> bool:
    """Insert the device, its first history ``entry`` (caused by ``event_id``) and the event
    ``announced`` in one statement (a round trip each cost inventory and PostgreSQL more
    than the rows); nothing, and False, when the device (or its label) is registered."""
    inserted = await connection.fetchval(
        _REGISTER_DEVICE,
        device_id,
        label,
        device_type,
        entry.state.value,
        entry.at,
        entry.place_name,
        weight_kg,
        entry.subject,
        event_id,
        entry.producer,
        entry.correlation_id,
        *outbox_values(announced),
    )
    return bool(inserted)


async def append_history(
    connection: asyncpg.Connection,
    device_id: uuid.UUID,
    entry: HistoryEntry,
    event_id: uuid.UUID,
) -> None:
    await connection.execute(
        "INSERT INTO device_history (device_id, at, state, subject, event_id, producer, "
        "place_name, correlation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        device_id,
        entry.at,
        entry.state.value,
        entry.subject,
        event_id,
        entry.producer,
        entry.place_name,
        entry.correlation_id,
    )


async def device_by_label(
    connection: asyncpg.Connection | asyncpg.Pool, label: str
) -> Device | None:
    row = await connection.fetchrow(
        "SELECT id, label, device_type, state, version, registered_at, state_since, grade, "
        "specs FROM devices WHERE label = $1",
        label,
    )
    if row is None:
        return None
    history = await connection.fetch(
        "SELECT at, state, subject, producer, place_name, correlation_id FROM device_history_all "
        "WHERE device_id = $1 ORDER BY at, id",
        row["id"],
    )
    return Device(
        id=row["id"],
        code=row["label"],
        code_display=format_code(row["label"]),
        device_type=row["device_type"],
        state=State(row["state"]),
        version=row["version"],
        registered_at=row["registered_at"],
        state_since=row["state_since"],
        history=[HistoryEntry(**{**dict(h), "state": State(h["state"])}) for h in history],
        grade=row["grade"],
        brand=str(row["specs"].get("brand", "")),
        model=str(row["specs"].get("model", "")),
    )
