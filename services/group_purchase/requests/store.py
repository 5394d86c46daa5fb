"""Rows of organisations, households, requests and needs (reads and plain writes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from services.group_purchase.requests.domain import (
    Household,
    HouseholdCreate,
    NeedCreate,
    NeedStatus,
    Organisation,
    OrganisationCreate,
)
from services.group_purchase.requests.priority import Situation
from shared.db import Executor


async def insert_organisation(
    connection: Executor, organisation_id: uuid.UUID, command: OrganisationCreate
) -> bool:
    """False when an organisation of that name exists already."""
    inserted = await connection.fetchval(
        "INSERT INTO organisations (id, name, kind, contact, commune, monthly_quota) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING true",
        organisation_id,
        command.name,
        command.kind,
        command.contact,
        command.commune,
        command.monthly_quota,
    )
    return bool(inserted)


async def set_quota(connection: Executor, organisation_id: uuid.UUID, quota: int | None) -> bool:
    done = await connection.execute(
        "UPDATE organisations SET monthly_quota = $2 WHERE id = $1", organisation_id, quota
    )
    return done != "UPDATE 0"


def _organisation(row: asyncpg.Record) -> Organisation:
    return Organisation(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        contact=row["contact"],
        commune=row["commune"],
        monthly_quota=row["monthly_quota"],
    )


async def get_organisation(connection: Executor, organisation_id: uuid.UUID) -> Organisation | None:
    row = await connection.fetchrow("SELECT * FROM organisations WHERE id = $1", organisation_id)
    return None if row is None else _organisation(row)


async def list_organisations(
    connection: Executor,
    ids: list[uuid.UUID] | None = None,
    after: tuple[str | None, uuid.UUID | None] = (None, None),
    limit: int | None = None,
) -> list[Organisation]:
    """Organisations with these ids (all if None) by name: those ``after`` a name and id,
    ``limit`` at most."""
    rows = await connection.fetch(
        "SELECT * FROM organisations WHERE ($1::uuid[] IS NULL OR id = ANY($1)) "
        "AND ($2::text IS NULL OR (lower(name), id) > (lower($2), $3::uuid)) "
        "ORDER BY lower(name), id LIMIT $4",
        ids,
        *after,
        limit,
    )
    return [_organisation(row) for row in rows]


async def insert_household(
    connection: Executor,
    household_id: uuid.UUID,
    reference: str,
    command: HouseholdCreate,
    created_by: str,
    now: datetime,
) -> None:
    await connection.execute(
        "INSERT INTO households (id, reference, organisation_id, commune, contact_name, "
        "contact_phone, situation, existing_equipment, internet_access, consent_at, created_by, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10)",
        household_id,
        reference,
        command.organisation_id,
        command.commune,
        command.contact_name,
        command.contact_phone,
        msgspec.to_builtins(command.situation),
        command.existing_equipment,
        command.internet_access,
        now,
        created_by,
    )


def situation_of(stored: Any) -> Situation:
    """A household's situation as stored (jsonb); an erased one reads as nothing declared."""
    return msgspec.convert(stored, Situation)


def _household(row: asyncpg.Record) -> Household:
    return Household(
        id=row["id"],
        reference=row["reference"],
        organisation_id=row["organisation_id"],
        commune=row["commune"],
        situation=situation_of(row["situation"]),
        existing_equipment=row["existing_equipment"],
        internet_access=row["internet_access"],
        contact_name=row["contact_name"],
        contact_phone=row["contact_phone"],
        consent_at=row["consent_at"],
        created_at=row["created_at"],
        erased_at=row["erased_at"],
    )


async def get_household(connection: Executor, household_id: uuid.UUID) -> Household | None:
    row = await connection.fetchrow("SELECT * FROM households WHERE id = $1", household_id)
    return None if row is None else _household(row)


async def list_households(
    connection: Executor,
    organisation_ids: list[uuid.UUID] | None,
    after: tuple[datetime | None, uuid.UUID | None] = (None, None),
    limit: int = 200,
) -> list[Household]:
    """The newest households first; ``None`` means every organisation. Those ``after`` a
    registration time and id, ``limit`` at most."""
    rows = await connection.fetch(
        "SELECT * FROM households WHERE ($1::uuid[] IS NULL OR organisation_id = ANY($1)) "
        "AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid)) "
        "ORDER BY created_at DESC, id DESC LIMIT $4",
        organisation_ids,
        *after,
        limit,
    )
    return [_household(row) for row in rows]


async def erase_household(connection: Executor, household_id: uuid.UUID, now: datetime) -> None:
    """Forget who the household is: contact and situation go, the opaque reference stays."""
    await connection.execute(
        "UPDATE households SET contact_name = '', contact_phone = '', situation = '{}', "
        "existing_equipment = '', internet_access = '', erased_at = $2 WHERE id = $1",
        household_id,
        now,
    )


async def insert_request(
    connection: asyncpg.Connection,
    request_id: uuid.UUID,
    household: Household,
    source: str,
    submitted_by: str,
    now: datetime,
    needs: list[tuple[uuid.UUID, NeedCreate]],
) -> None:
    await connection.execute(
        "INSERT INTO requests (id, household_id, organisation_id, source, submitted_by, "
        "submitted_at) VALUES ($1, $2, $3, $4, $5, $6)",
        request_id,
        household.id,
        household.organisation_id,
        source,
        submitted_by,
        now,
    )
    await connection.executemany(
        "INSERT INTO needs (id, request_id, position, device_type, purpose, min_memory_gb, "
        "min_storage_gb, larger_screen, keyboard_layout, accessibility_note, pickup_place, "
        "waiting_since) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        [
            (
                need_id,
                request_id,
                position,
                need.device_type,
                need.purpose,
                need.min_memory_gb,
                need.min_storage_gb,
                need.larger_screen,
                need.keyboard_layout,
                need.accessibility_note,
                need.pickup_place,
                now,
            )
            for position, (need_id, need) in enumerate(needs, start=1)
        ],
    )


async def need_for_update(connection: asyncpg.Connection, need_id: uuid.UUID) -> asyncpg.Record:
    """The need with its request's organisation and household, locked until commit."""
    return await connection.fetchrow(
        "SELECT n.*, r.organisation_id, r.household_id, h.reference AS household_reference "
        "FROM needs n JOIN requests r ON r.id = n.request_id "
        "JOIN households h ON h.id = r.household_id WHERE n.id = $1 FOR UPDATE OF n",
        need_id,
    )


async def set_need_status(
    connection: asyncpg.Connection,
    need_id: uuid.UUID,
    status: NeedStatus,
    note: str | None = None,
) -> None:
    await connection.execute(
        "UPDATE needs SET status = $2, note = coalesce($3, note), updated_at = now() WHERE id = $1",
        need_id,
        status.value,
        note,
    )


async def reservations_this_month(
    connection: asyncpg.Connection, organisation_id: uuid.UUID, now: datetime
) -> int:
    """Devices the organisation has reserved or is reserving in the calendar month of ``now``
    (Paris time), handed over or not; rejected, expired and released attempts do not count."""
    count: int = await connection.fetchval(
        "SELECT count(*) FROM reservation_attempts WHERE organisation_id = $1 "
        "AND status IN ('requested', 'confirmed', 'handed_over', 'returned') "
        "AND date_trunc('month', requested_at AT TIME ZONE 'Europe/Paris') "
        "  = date_trunc('month', $2::timestamptz AT TIME ZONE 'Europe/Paris')",
        organisation_id,
        now,
    )
    return count
