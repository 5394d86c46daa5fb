"""Rows of organisations, households, requests, needs, proposals and reservation attempts,
bound to one connection (the unit of work's transaction, or the pool for a page's reads)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

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
from services.group_purchase.requests.proposals import MatchingRun, run_matching
from shared.db import Executor
from shared.rows import row_as, rows_as


class HeldNeed(msgspec.Struct, frozen=True, kw_only=True):
    """A need locked until commit, with its request's organisation and household."""

    id: uuid.UUID
    status: NeedStatus
    device_type: str
    min_memory_gb: int
    min_storage_gb: int
    organisation_id: uuid.UUID
    household_id: uuid.UUID
    household_reference: str


class HeldProposal(msgspec.Struct, frozen=True, kw_only=True):
    """A device proposed to a need, locked until commit."""

    id: uuid.UUID
    need_id: uuid.UUID
    device_id: uuid.UUID
    label: str
    status: str


class Attempt(msgspec.Struct, frozen=True, kw_only=True):
    """A reservation attempt: its id is the one inventory answers, and the receipt's."""

    id: uuid.UUID
    device_id: uuid.UUID


class RequestStore:
    def __init__(self, connection: Executor) -> None:
        self.connection = connection

    # --- organisations

    async def insert_organisation(
        self, organisation_id: uuid.UUID, command: OrganisationCreate
    ) -> bool:
        """False when an organisation of that name exists already."""
        inserted = await self.connection.fetchval(
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

    async def set_quota(self, organisation_id: uuid.UUID, quota: int | None) -> bool:
        done = await self.connection.execute(
            "UPDATE organisations SET monthly_quota = $2 WHERE id = $1", organisation_id, quota
        )
        return bool(done != "UPDATE 0")

    async def get_organisation(self, organisation_id: uuid.UUID) -> Organisation | None:
        row = await self.connection.fetchrow(
            "SELECT * FROM organisations WHERE id = $1", organisation_id
        )
        return row_as(Organisation, row)

    async def list_organisations(
        self,
        ids: list[uuid.UUID] | None = None,
        after: tuple[str | None, uuid.UUID | None] = (None, None),
        limit: int | None = None,
    ) -> list[Organisation]:
        """Organisations with these ids (all if None) by name: those ``after`` a name and id,
        ``limit`` at most."""
        rows = await self.connection.fetch(
            "SELECT * FROM organisations WHERE ($1::uuid[] IS NULL OR id = ANY($1)) "
            "AND ($2::text IS NULL OR (lower(name), id) > (lower($2), $3::uuid)) "
            "ORDER BY lower(name), id LIMIT $4",
            ids,
            *after,
            limit,
        )
        return rows_as(Organisation, rows)

    async def reservations_this_month(self, organisation_id: uuid.UUID, now: datetime) -> int:
        """Devices the organisation has reserved or is reserving in the calendar month of
        ``now`` (Paris time), handed over or not; rejected, expired and released attempts do
        not count."""
        count: int = await self.connection.fetchval(
            "SELECT count(*) FROM reservation_attempts WHERE organisation_id = $1 "
            "AND status IN ('requested', 'confirmed', 'handed_over', 'returned') "
            "AND date_trunc('month', requested_at AT TIME ZONE 'Europe/Paris') "
            "  = date_trunc('month', $2::timestamptz AT TIME ZONE 'Europe/Paris')",
            organisation_id,
            now,
        )
        return count

    # --- households

    async def insert_household(
        self,
        household_id: uuid.UUID,
        reference: str,
        command: HouseholdCreate,
        created_by: str,
        now: datetime,
    ) -> bool:
        """False when the reference is taken already (nothing is written then)."""
        try:
            async with self.connection.transaction():
                await self.connection.execute(
                    "INSERT INTO households (id, reference, organisation_id, commune, "
                    "contact_name, contact_phone, situation, existing_equipment, "
                    "internet_access, consent_at, created_by, created_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10)",
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
        except asyncpg.UniqueViolationError:
            return False
        return True

    async def get_household(self, household_id: uuid.UUID) -> Household | None:
        row = await self.connection.fetchrow("SELECT * FROM households WHERE id = $1", household_id)
        return row_as(Household, row)

    async def list_households(
        self,
        organisation_ids: list[uuid.UUID] | None,
        after: tuple[datetime | None, uuid.UUID | None] = (None, None),
        limit: int = 200,
    ) -> list[Household]:
        """The newest households first; ``None`` means every organisation. Those ``after`` a
        registration time and id, ``limit`` at most."""
        rows = await self.connection.fetch(
            "SELECT * FROM households WHERE ($1::uuid[] IS NULL OR organisation_id = ANY($1)) "
            "AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid)) "
            "ORDER BY created_at DESC, id DESC LIMIT $4",
            organisation_ids,
            *after,
            limit,
        )
        return rows_as(Household, rows)

    async def erase_household(self, household_id: uuid.UUID, now: datetime) -> None:
        """Forget who the household is: contact and situation go, the opaque reference stays."""
        await self.connection.execute(
            "UPDATE households SET contact_name = '', contact_phone = '', situation = '{}', "
            "existing_equipment = '', internet_access = '', erased_at = $2 WHERE id = $1",
            household_id,
            now,
        )

    async def lapsed_households(self, ended_before: datetime, limit: int) -> list[uuid.UUID]:
        """Households not erased yet whose needs all ended ``ended_before`` (and registered
        before it), the oldest first, locked (another replica skips them)."""
        rows = await self.connection.fetch(
            "SELECT h.id FROM households h WHERE h.erased_at IS NULL "
            "AND h.created_at < $1 AND NOT EXISTS (SELECT 1 FROM requests r "
            "  JOIN needs n ON n.request_id = r.id WHERE r.household_id = h.id "
            "  AND (n.status NOT IN ('handed_over', 'cancelled', 'returned') "
            "       OR n.updated_at >= $1)) "
            "ORDER BY h.created_at LIMIT $2 FOR UPDATE SKIP LOCKED",
            ended_before,
            limit,
        )
        return [row["id"] for row in rows]

    async def open_needs_of_household(self, household_id: uuid.UUID) -> list[uuid.UUID]:
        """The household's needs not yet ended, locked until commit."""
        rows = await self.connection.fetch(
            "SELECT n.id FROM needs n JOIN requests r ON r.id = n.request_id "
            "WHERE r.household_id = $1 "
            "AND n.status NOT IN ('handed_over', 'cancelled', 'returned') FOR UPDATE OF n",
            household_id,
        )
        return [row["id"] for row in rows]

    # --- requests and needs

    async def insert_request(
        self,
        request_id: uuid.UUID,
        household: Household,
        source: str,
        submitted_by: str,
        now: datetime,
        needs: list[tuple[uuid.UUID, NeedCreate]],
    ) -> None:
        await self.connection.execute(
            "INSERT INTO requests (id, household_id, organisation_id, source, submitted_by, "
            "submitted_at) VALUES ($1, $2, $3, $4, $5, $6)",
            request_id,
            household.id,
            household.organisation_id,
            source,
            submitted_by,
            now,
        )
        await self.connection.executemany(
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

    async def need_for_update(self, need_id: uuid.UUID) -> HeldNeed | None:
        """The need with its request's organisation and household, locked until commit."""
        row = await self.connection.fetchrow(
            "SELECT n.id, n.status, n.device_type, n.min_memory_gb, n.min_storage_gb, "
            "r.organisation_id, r.household_id, h.reference AS household_reference "
            "FROM needs n JOIN requests r ON r.id = n.request_id "
            "JOIN households h ON h.id = r.household_id WHERE n.id = $1 FOR UPDATE OF n",
            need_id,
        )
        return row_as(HeldNeed, row)

    async def set_need_status(
        self, need_id: uuid.UUID, status: NeedStatus, note: str | None = None
    ) -> None:
        await self.connection.execute(
            "UPDATE needs SET status = $2, note = coalesce($3, note), updated_at = now() "
            "WHERE id = $1",
            need_id,
            status.value,
            note,
        )

    async def propose(
        self, now: datetime, need_ids: Sequence[uuid.UUID] | None = None
    ) -> MatchingRun:
        """Propose what fits to these needs (to every open one when ``None``), in this
        transaction (a person still confirms)."""
        assert isinstance(self.connection, asyncpg.Connection)
        return await run_matching(self.connection, now, need_ids)

    # --- proposals

    async def proposal_for_update(
        self, need_id: uuid.UUID, proposal_id: uuid.UUID
    ) -> HeldProposal | None:
        row = await self.connection.fetchrow(
            "SELECT id, need_id, device_id, label, status FROM proposals "
            "WHERE id = $1 AND need_id = $2 FOR UPDATE",
            proposal_id,
            need_id,
        )
        return row_as(HeldProposal, row)

    async def decide_proposal(
        self, proposal_id: uuid.UUID, status: str, by: str, now: datetime, reason: str = ""
    ) -> None:
        """A person confirmed or declined the proposal (``reason``: why it was declined)."""
        await self.connection.execute(
            "UPDATE proposals SET status = $2, decided_by = $3, decided_at = $4, "
            "decline_reason = $5 WHERE id = $1",
            proposal_id,
            status,
            by,
            now,
            reason,
        )

    async def withdraw_proposals(self, need_id: uuid.UUID) -> None:
        await self.connection.execute(
            "UPDATE proposals SET status = 'withdrawn' WHERE need_id = $1 AND status = 'open'",
            need_id,
        )

    # --- reservation attempts

    async def insert_attempt(
        self,
        attempt_id: uuid.UUID,
        need: HeldNeed,
        proposal: HeldProposal,
        requested_by: str,
        now: datetime,
    ) -> bool:
        """False when the device is promised to another need already (nothing is written)."""
        try:
            async with self.connection.transaction():
                await self.connection.execute(
                    "INSERT INTO reservation_attempts (id, need_id, organisation_id, device_id, "
                    "label, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    attempt_id,
                    need.id,
                    need.organisation_id,
                    proposal.device_id,
                    proposal.label,
                    requested_by,
                    now,
                )
        except asyncpg.UniqueViolationError:
            return False
        return True

    async def release_attempt(self, need_id: uuid.UUID) -> Attempt | None:
        """The need's live attempt, released; ``None`` when it had none."""
        row = await self.connection.fetchrow(
            "UPDATE reservation_attempts SET status = 'released', answered_at = now() "
            "WHERE need_id = $1 AND status IN ('requested', 'confirmed') RETURNING id, device_id",
            need_id,
        )
        return row_as(Attempt, row)

    async def hand_over_attempt(
        self, need_id: uuid.UUID, now: datetime, place: str, by: str
    ) -> Attempt | None:
        """The need's confirmed attempt, handed over; ``None`` when none is confirmed."""
        row = await self.connection.fetchrow(
            "UPDATE reservation_attempts SET status = 'handed_over', handed_over_at = $2, "
            "handed_over_at_place = $3, handed_over_by = $4 "
            "WHERE need_id = $1 AND status = 'confirmed' RETURNING id, device_id",
            need_id,
            now,
            place,
            by,
        )
        return row_as(Attempt, row)

    async def return_attempt(self, need_id: uuid.UUID) -> Attempt | None:
        row = await self.connection.fetchrow(
            "UPDATE reservation_attempts SET status = 'returned' "
            "WHERE need_id = $1 AND status = 'handed_over' RETURNING id, device_id",
            need_id,
        )
        return row_as(Attempt, row)
