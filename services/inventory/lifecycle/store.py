"""SQL of the register's lifecycle: devices locked for a decision, reservations, rejections."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from services.inventory.lifecycle.domain import State, TransitionRefused
from services.inventory.lifecycle.intentions import Erasure, Grading, Lifecycle, Reservation
from shared.events import Event


@dataclass(frozen=True)
class RegisteredDevice:
    """A device as the register holds it, locked until the end of the transaction."""

    id: uuid.UUID
    label: str
    device_type: str
    place_name: str
    specs: dict[str, Any]
    refurbishment_facts_seen: int
    lifecycle: Lifecycle


async def device_for_update(
    connection: asyncpg.Connection, device_id: uuid.UUID
) -> RegisteredDevice | None:
    """The device, row-locked: concurrent facts about one device are decided one at a time."""
    row = await connection.fetchrow("SELECT * FROM devices WHERE id = $1 FOR UPDATE", device_id)
    if row is None:
        return None
    reservation = await connection.fetchrow(
        "SELECT request_id, expires_at FROM reservations "
        "WHERE device_id = $1 AND status = 'active'",
        device_id,
    )
    return RegisteredDevice(
        id=row["id"],
        label=row["label"],
        device_type=row["device_type"],
        place_name=row["place_name"],
        specs=row["specs"],
        refurbishment_facts_seen=row["refurbishment_facts_seen"],
        lifecycle=Lifecycle(
            state=State(row["state"]),
            state_since=row["state_since"],
            entered_refurbishment_at=row["entered_refurbishment_at"],
            erasure=_erasure(row),
            grading=_grading(row),
            reservation=Reservation(**dict(reservation)) if reservation else None,
        ),
    )


def _erasure(row: asyncpg.Record) -> Erasure | None:
    if row["erased_at"] is None:
        return None
    return Erasure(
        certificate_id=row["erasure_certificate_id"],
        no_storage=row["erasure_no_storage"],
        stated_at=row["erased_at"],
    )


def _grading(row: asyncpg.Record) -> Grading | None:
    if row["graded_at"] is None:
        return None
    return Grading(
        grade=row["grade"], functional_pass=row["functional_pass"], stated_at=row["graded_at"]
    )


async def save_lifecycle(
    connection: asyncpg.Connection,
    device: RegisteredDevice,
    lifecycle: Lifecycle,
    place_name: str,
    specs: dict[str, Any],
) -> int:
    """Store the device's new lifecycle (and the workshop facts it has seen); returns its
    new version."""
    erasure, grading = lifecycle.erasure, lifecycle.grading
    version: int = await connection.fetchval(
        "UPDATE devices SET state = $2, state_since = $3, entered_refurbishment_at = $4, "
        "erasure_certificate_id = $5, erasure_no_storage = $6, erased_at = $7, grade = $8, "
        "functional_pass = $9, graded_at = $10, place_name = $11, specs = $12, "
        "refurbishment_facts_seen = greatest(refurbishment_facts_seen, $13), "
        "version = version + 1 WHERE id = $1 RETURNING version",
        device.id,
        lifecycle.state.value,
        lifecycle.state_since,
        lifecycle.entered_refurbishment_at,
        erasure.certificate_id if erasure else None,
        erasure.no_storage if erasure else False,
        erasure.stated_at if erasure else None,
        grading.grade if grading else None,
        grading.functional_pass if grading else None,
        grading.stated_at if grading else None,
        place_name,
        specs,
        device.refurbishment_facts_seen,
    )
    return version


async def note_refurbishment_fact(
    connection: asyncpg.Connection, device_id: uuid.UUID, number: int
) -> None:
    await connection.execute(
        "UPDATE devices SET refurbishment_facts_seen = greatest(refurbishment_facts_seen, $2) "
        "WHERE id = $1",
        device_id,
        number,
    )


async def record_rejection(
    connection: asyncpg.Connection,
    device: RegisteredDevice,
    event: Event,
    refusal: TransitionRefused,
) -> None:
    """A refused fact, kept for coordinators: what, about which device, in which state, why
    (the refusal's code and values, to say it in their language)."""
    await connection.execute(
        "INSERT INTO rejected_transitions (device_id, event_id, subject, producer, state, reason, "
        "reason_code, reason_values, correlation_id, occurred_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO NOTHING",
        device.id,
        event.event_id,
        event.subject,
        event.producer,
        device.lifecycle.state.value,
        str(refusal),
        refusal.code,
        refusal.details,
        event.correlation_id,
        event.occurred_at,
    )


# reservations


async def reservation_status(connection: asyncpg.Connection, request_id: uuid.UUID) -> str | None:
    status: str | None = await connection.fetchval(
        "SELECT status FROM reservations WHERE request_id = $1", request_id
    )
    return status


async def add_reservation(
    connection: asyncpg.Connection,
    request_id: uuid.UUID,
    device_id: uuid.UUID,
    household_reference: str,
    correlation_id: str,
    requested_at: datetime,
    expires_at: datetime | None = None,
    rejection: str = "",
) -> None:
    """An active reservation, or (with ``rejection``) the trace of a request answered no."""
    await connection.execute(
        "INSERT INTO reservations (request_id, device_id, household_reference, status, reason, "
        "correlation_id, requested_at, expires_at, ended_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        request_id,
        device_id,
        household_reference,
        "rejected" if rejection else "active",
        rejection,
        correlation_id,
        requested_at,
        expires_at,
        requested_at if rejection else None,
    )


async def end_reservation(
    connection: asyncpg.Connection, request_id: uuid.UUID, status: str, at: datetime
) -> None:
    await connection.execute(
        "UPDATE reservations SET status = $2, ended_at = $3 "
        "WHERE request_id = $1 AND status = 'active'",
        request_id,
        status,
        at,
    )


async def lapsed_reservations(
    connection: asyncpg.Connection, now: datetime, limit: int
) -> list[asyncpg.Record]:
    """Active reservations whose time is up, their devices locked (others' skipped)."""
    rows: list[asyncpg.Record] = await connection.fetch(
        "SELECT r.request_id, r.device_id, r.correlation_id FROM reservations r "
        "JOIN devices d ON d.id = r.device_id "
        "WHERE r.status = 'active' AND r.expires_at <= $1 "
        "ORDER BY r.expires_at LIMIT $2 FOR UPDATE OF d SKIP LOCKED",
        now,
        limit,
    )
    return rows
