"""The register as read: a device by its label, with its whole history (active and archived),
for the passport and the JSON API."""

from __future__ import annotations

import asyncpg

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
        "SELECT at, state, subject, producer, place_name, correlation_id FROM device_history_all "
        "WHERE device_id = $1 ORDER BY at, id",
        row["id"],
    )
    return row_as(
        Device,
        {
            **row,
            "code_display": format_code(row["code"]),
            "brand": str(row["specs"].get("brand", "")),
            "model": str(row["specs"].get("model", "")),
            "history": [dict(entry) for entry in history],
        },
    )
