"""The shortage signal: per device type, needs still open against ready stock and recent inflow.

It tells coordinators where refurbished stock will not be enough (and a group purchase is
worth opening). Inflow is the devices that became ready in the last ``INFLOW_DAYS`` days."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg
import msgspec

INFLOW_DAYS = 30


class Shortage(msgspec.Struct, frozen=True, kw_only=True):
    device_type: str
    open_needs: int
    ready_devices: int
    ready_last_30_days: int
    missing: int  # open needs that ready stock cannot serve today
    weeks_to_serve: float | None  # at the recent inflow; None when nothing came in


async def shortage_by_type(
    connection: asyncpg.Connection | asyncpg.Pool, now: datetime
) -> list[Shortage]:
    rows = await connection.fetch(
        "WITH needs_open AS (SELECT device_type, count(*) AS n FROM needs "
        "  WHERE status IN ('submitted', 'proposed', 'waiting') GROUP BY device_type), "
        "ready AS (SELECT device_type, count(*) AS n FROM known_devices d "
        "  WHERE state = 'ready' AND grade <> '' AND NOT EXISTS (SELECT 1 FROM "
        "  reservation_attempts a WHERE a.device_id = d.device_id "
        "  AND a.status IN ('requested', 'confirmed', 'handed_over')) GROUP BY device_type), "
        "inflow AS (SELECT device_type, count(*) AS n FROM known_devices "
        "  WHERE became_ready_at >= $1 GROUP BY device_type) "
        "SELECT t.device_type, coalesce(o.n, 0) AS open_needs, coalesce(r.n, 0) AS ready, "
        "coalesce(i.n, 0) AS inflow FROM (SELECT device_type FROM needs_open UNION "
        "SELECT device_type FROM ready) t LEFT JOIN needs_open o USING (device_type) "
        "LEFT JOIN ready r USING (device_type) LEFT JOIN inflow i USING (device_type) "
        "ORDER BY t.device_type",
        now - timedelta(days=INFLOW_DAYS),
    )
    return [_shortage(row) for row in rows]


def _shortage(row: asyncpg.Record) -> Shortage:
    missing = max(0, row["open_needs"] - row["ready"])
    weekly = row["inflow"] * 7 / INFLOW_DAYS
    return Shortage(
        device_type=row["device_type"],
        open_needs=row["open_needs"],
        ready_devices=row["ready"],
        ready_last_30_days=row["inflow"],
        missing=missing,
        weeks_to_serve=0.0 if not missing else round(missing / weekly, 1) if weekly else None,
    )
