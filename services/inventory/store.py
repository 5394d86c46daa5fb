"""SQL of the inventory schema."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import asyncpg

from services.inventory.lifecycle.domain import Device, HistoryEntry, State
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


_REGISTER_DEVICES = """
WITH given AS (
    SELECT DISTINCT ON (id) *
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[],
                $7::real[], $8::text[], $9::uuid[], $10::text[], $11::text[], $12::uuid[],
                $13::text[], $14::bytea[], $15::text[]) WITH ORDINALITY
        AS g(id, label, device_type, state, at, place_name, weight_kg, subject, event_id,
             producer, correlation_id, announced_id, announced_subject, payload, headers,
             position)
    ORDER BY id, position
), device AS (
    INSERT INTO devices (id, label, device_type, state, registered_at, state_since,
                         place_name, origin_place, weight_kg)
    SELECT id, label, device_type, state, at, at, place_name, place_name, weight_kg
    FROM given ORDER BY position
    ON CONFLICT DO NOTHING RETURNING id
), entry AS (
    INSERT INTO device_history (device_id, at, state, subject, event_id, producer,
                                place_name, correlation_id)
    SELECT id, at, state, subject, event_id, producer, place_name, correlation_id
    FROM given JOIN device USING (id)
)
INSERT INTO outbox (event_id, subject, payload, headers)
SELECT announced_id, announced_subject, payload, headers::jsonb
FROM given JOIN device USING (id) ORDER BY position
RETURNING event_id
"""


class Registration(NamedTuple):
    """A device to register: its first history ``entry`` (caused by ``event_id``) and the
    event that ``announced`` it."""

    device_id: uuid.UUID
    label: str
    device_type: str
    weight_kg: float | None
    entry: HistoryEntry
    event_id: uuid.UUID
    announced: Event


async def register_devices(
    connection: asyncpg.Connection, registrations: Sequence[Registration]
) -> set[uuid.UUID]:
    """Insert each device, its first history entry and the event announcing it, in one
    statement (a round trip per device cost inventory and PostgreSQL more than the rows), as
    if one after the other: nothing for a device (or label) already registered, and of two
    for one device or one label, the first. The ids of the events that registered one."""
    outbox_rows = [outbox_values(registration.announced) for registration in registrations]
    announced = await connection.fetch(
        _REGISTER_DEVICES,
        [registration.device_id for registration in registrations],
        [registration.label for registration in registrations],
        [registration.device_type for registration in registrations],
        [registration.entry.state.value for registration in registrations],
        [registration.entry.at for registration in registrations],
        [registration.entry.place_name for registration in registrations],
        [registration.weight_kg for registration in registrations],
        [registration.entry.subject for registration in registrations],
        [registration.event_id for registration in registrations],
        [registration.entry.producer for registration in registrations],
        [registration.entry.correlation_id for registration in registrations],
        [event_id for event_id, _, _, _ in outbox_rows],
        [subject for _, subject, _, _ in outbox_rows],
        [payload for _, _, payload, _ in outbox_rows],
        [json.dumps(headers) for _, _, _, headers in outbox_rows],
    )
    registered = {row["event_id"] for row in announced}
    return {
        registration.event_id
        for registration in registrations
        if registration.announced.event_id in registered
    }


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
