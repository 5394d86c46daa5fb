"""Matching run against the database: open needs and free ready devices in, proposals out.

A run never touches a need that already has an open proposal or a reservation, nor a device
already offered or promised: what a social worker is looking at does not change under her.
Runs are serialised by an advisory lock, and the unique indexes refuse any double offer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from services.group_purchase.notifications.store import tell_about_needs
from services.group_purchase.requests.domain import NeedStatus
from services.group_purchase.requests.matching import (
    LARGER_SCREEN_INCHES,
    MatchResult,
    OpenNeed,
    ReadyDevice,
    Reason,
    match,
)
from services.group_purchase.requests.priority import load_policy, priority_of, situation_of
from shared.events import uuid7
from shared.rows import rows_as

MATCHING_LOCK = 7_413_220_001  # pg_advisory_xact_lock key of matching runs


class MatchingRun(msgspec.Struct, frozen=True, kw_only=True):
    needs_considered: int
    devices_free: int
    proposed: int
    waiting: int


async def open_needs(
    connection: asyncpg.Connection,
    now: datetime,
    need_ids: Sequence[uuid.UUID] | None = None,
    device_type: str | None = None,
) -> list[OpenNeed]:
    """Needs waiting for a proposal (all of them, those listed, or those of a device type),
    with their priority and where their pick-up place is, when known."""
    rows = await connection.fetch(
        "SELECT n.id, n.device_type, n.min_memory_gb, n.min_storage_gb, n.larger_screen, "
        "n.pickup_place, n.waiting_since, h.situation, pl.latitude, pl.longitude, "
        "array(SELECT p.device_id FROM proposals p WHERE p.need_id = n.id "
        "      AND p.status = 'declined' "
        "      UNION SELECT a.device_id FROM reservation_attempts a "
        "      WHERE a.need_id = n.id AND a.status = 'rejected') AS excluded "
        "FROM needs n JOIN requests r ON r.id = n.request_id "
        "JOIN households h ON h.id = r.household_id "
        "LEFT JOIN places pl ON lower(pl.name) = lower(n.pickup_place) "
        "WHERE n.status IN ('submitted', 'waiting') AND ($1::uuid[] IS NULL OR n.id = ANY($1)) "
        "AND ($2::text IS NULL OR n.device_type = $2) "
        # locked until the proposals are recorded: a need pledged or cancelled meanwhile is
        # left out (read again once free), never set back to waiting over its new status
        "ORDER BY n.id FOR UPDATE OF n",
        list(need_ids) if need_ids is not None else None,
        device_type,
    )
    policy = load_policy()
    return [
        OpenNeed(
            need_id=row["id"],
            device_type=row["device_type"],
            min_memory_gb=row["min_memory_gb"],
            min_storage_gb=row["min_storage_gb"],
            min_screen_inches=LARGER_SCREEN_INCHES if row["larger_screen"] else 0.0,
            pickup_place=row["pickup_place"],
            pickup_latitude=row["latitude"],
            pickup_longitude=row["longitude"],
            priority=priority_of(
                situation_of(row["situation"]), row["waiting_since"], now, policy
            ).points,
            waiting_since=row["waiting_since"],
            excluded=frozenset(row["excluded"]),
        )
        for row in rows
    ]


async def free_devices(
    connection: asyncpg.Connection, device_types: Sequence[str]
) -> list[ReadyDevice]:
    """Ready devices of these types neither offered to a need nor promised to one, with
    where their place is, when known."""
    rows = await connection.fetch(
        "SELECT d.*, pl.latitude, pl.longitude FROM known_devices d "
        "LEFT JOIN places pl ON lower(pl.name) = lower(d.place_name) "
        "WHERE d.state = 'ready' AND d.grade <> '' AND d.device_type = ANY($1::text[]) "
        "AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.device_id = d.device_id "
        "                AND p.status = 'open') "
        "AND NOT EXISTS (SELECT 1 FROM reservation_attempts a WHERE a.device_id = d.device_id "
        "                AND a.status IN ('requested', 'confirmed', 'handed_over'))",
        sorted(set(device_types)),
    )
    return rows_as(ReadyDevice, rows)


async def run_matching(
    connection: asyncpg.Connection,
    now: datetime,
    need_ids: Sequence[uuid.UUID] | None = None,
    device_type: str | None = None,
) -> MatchingRun:
    """Propose a device to every open need that one fits (in the caller's transaction); only
    to the needs listed, or of one device type, when told."""
    await connection.execute("SELECT pg_advisory_xact_lock($1)", MATCHING_LOCK)
    needs = await open_needs(connection, now, need_ids, device_type)
    devices = await free_devices(connection, [need.device_type for need in needs]) if needs else []
    result = match(needs, devices)
    await _record(connection, result)
    await tell_about_needs(
        connection, "device_proposed", [p.need_id for p in result.proposals], now
    )
    return MatchingRun(
        needs_considered=len(needs),
        devices_free=len(devices),
        proposed=len(result.proposals),
        waiting=len(result.unmatched),
    )


async def _record(connection: asyncpg.Connection, result: MatchResult) -> None:
    await connection.executemany(
        "INSERT INTO proposals (id, need_id, device_id, label, reasons) "
        "VALUES ($1, $2, $3, $4, $5)",
        [(uuid7(), p.need_id, p.device_id, p.label, _encoded(p.reasons)) for p in result.proposals],
    )
    await connection.executemany(
        "UPDATE needs SET status = $2, unmatched_reasons = $3, updated_at = now() WHERE id = $1",
        [(p.need_id, NeedStatus.PROPOSED.value, []) for p in result.proposals]
        + [(u.need_id, NeedStatus.WAITING.value, _encoded(u.reasons)) for u in result.unmatched],
    )


def _encoded(reasons: Sequence[Reason]) -> list[Any]:
    return [msgspec.to_builtins(reason) for reason in reasons]


def decoded_reasons(stored: Any) -> list[Reason]:
    """Reasons as stored (jsonb)."""
    return msgspec.convert(stored, list[Reason])
