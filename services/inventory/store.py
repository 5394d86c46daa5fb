"""The register as read: a device by its label, with its whole history (active, passive and
archived), for the passport and the JSON API."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import asyncpg

from services.inventory.archive import files
from services.inventory.lifecycle.domain import Device
from shared.labels import format_code
from shared.rows import row_as


async def device_by_label(
    connection: asyncpg.Connection | asyncpg.Pool, label: str
) -> Device | None:
    row = await connection.fetchrow(
        "SELECT id, label AS code, device_type, state, version, registered_at, state_since, "
        "grade, specs FROM devices WHERE label = $1",
        label,
    )
    if row is None:
        return None
    history = await connection.fetch(
        "SELECT id, at, state, subject, producer, place_name, correlation_id "
        "FROM device_history_all WHERE device_id = $1 ORDER BY at, id",
        row["id"],
    )
    return row_as(
        Device,
        {
            **row,
            "code_display": format_code(row["code"]),
            "brand": str(row["specs"].get("brand", "")),
            "model": str(row["specs"].get("model", "")),
            "history": await with_archived(connection, row["id"], [dict(h) for h in history]),
        },
    )


async def with_archived(
    connection: asyncpg.Connection | asyncpg.Pool,
    device_id: uuid.UUID,
    history: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """A device's history from the database with its steps in archived files, in order (a
    device with none archived reads nothing more than an index)."""
    locations = await connection.fetch(
        "SELECT a.location FROM tier_archived_devices d JOIN tier_archived a USING (month) "
        "WHERE d.device_id = $1",
        device_id,
    )
    if not locations:
        return history
    paths = [Path(found["location"]) for found in locations]
    archived = await asyncio.to_thread(files.history_of, paths, device_id)
    return sorted(history + archived, key=lambda step: (step["at"], step["id"]))
