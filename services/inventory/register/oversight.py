"""What coordinators look at: devices by state and kind, the flow as a funnel, refusals."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import asyncpg
import msgspec

from services.inventory.lifecycle.domain import State
from shared.labels import format_code
from shared.listing import PAGE_LIMIT, page_of, read_cursor
from shared.rows import rows_as


class DeviceRow(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    code: str
    code_display: str
    device_type: str
    state: State
    grade: str | None
    place_name: str
    state_since: datetime


class DevicePage(msgspec.Struct, frozen=True, kw_only=True):
    devices: list[DeviceRow]
    next_after: str | None
    """Pass it as ``after`` to get the next page (keyset pagination, stable under inserts)."""


class FlowStage(msgspec.Struct, frozen=True, kw_only=True):
    state: State
    devices: int
    median_days_in_state: float | None
    longest_days_in_state: float | None


class RejectedTransition(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    subject: str
    producer: str
    state: str
    reason: str
    """In English, for logs and for readers of older rows."""
    correlation_id: str
    occurred_at: datetime
    rejected_at: datetime
    reason_code: str = ""
    """The refusal's stable code (``device.cannot_become``…); empty on rows kept before."""
    reason_values: dict[str, Any] = msgspec.field(default_factory=dict)


class DeviceFilter(msgspec.Struct, frozen=True, kw_only=True):
    state: State | None = None
    device_type: str | None = None
    grade: str | None = None
    place: str | None = None
    commune: str | None = None  # of the place where the device is now
    stuck_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None


async def search_devices(
    connection: asyncpg.Pool, where: DeviceFilter, after: str | None = None, limit: int = PAGE_LIMIT
) -> DevicePage:
    """Devices matching every given filter, longest in their state first."""
    cursor_time, cursor_id = read_cursor(after, datetime.fromisoformat)
    rows = await connection.fetch(
        """SELECT id, label AS code, device_type, state, grade, place_name, state_since
           FROM devices
           WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR device_type = $2)
             AND ($3::text IS NULL OR grade = $3)
             AND ($4::text IS NULL OR place_name ILIKE '%' || $4 || '%')
             AND ($5::int IS NULL OR state_since < now() - make_interval(days => $5))
             AND ($6::timestamptz IS NULL OR (state_since, id) > ($6, $7::uuid))
             AND ($9::text IS NULL OR lower(place_name) IN (
                 SELECT lower(name) FROM places WHERE lower(commune) = lower($9)))
           ORDER BY state_since, id LIMIT $8""",
        where.state.value if where.state else None,
        where.device_type,
        where.grade,
        where.place,
        where.stuck_days,
        cursor_time,
        cursor_id,
        limit + 1,
        where.commune,
    )
    devices, next_after = page_of(
        rows_as(DeviceRow, ({**row, "code_display": format_code(row["code"])} for row in rows)),
        limit,
        lambda device: (device.state_since, device.id),
    )
    return DevicePage(devices=devices, next_after=next_after)


async def flow(connection: asyncpg.Pool) -> list[FlowStage]:
    """How many devices are at each stage now, and how long they have been there."""
    rows = await connection.fetch(
        """SELECT state, count(*) AS devices,
                  percentile_cont(0.5) WITHIN GROUP (
                      ORDER BY extract(epoch FROM now() - state_since)) / 86400 AS median_days,
                  max(extract(epoch FROM now() - state_since)) / 86400 AS longest_days
           FROM devices GROUP BY state"""
    )
    by_state = {row["state"]: row for row in rows}
    return [
        FlowStage(
            state=state,
            devices=by_state[state.value]["devices"] if state.value in by_state else 0,
            median_days_in_state=_days(by_state, state, "median_days"),
            longest_days_in_state=_days(by_state, state, "longest_days"),
        )
        for state in State
    ]


def _days(rows: dict[str, asyncpg.Record], state: State, column: str) -> float | None:
    row = rows.get(state.value)
    return None if row is None or row[column] is None else round(float(row[column]), 2)


async def rejected_transitions(
    connection: asyncpg.Pool, limit: int = 200
) -> list[RejectedTransition]:
    rows = await connection.fetch(
        """SELECT d.label AS code, r.subject, r.producer, r.state, r.reason, r.correlation_id,
                  r.occurred_at, r.rejected_at, r.reason_code, r.reason_values
           FROM rejected_transitions r JOIN devices d ON d.id = r.device_id
           ORDER BY r.rejected_at DESC LIMIT $1""",
        limit,
    )
    return rows_as(RejectedTransition, rows)
