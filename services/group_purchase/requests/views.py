"""Requests as people read them: needs, the proposal and its reasons in words, the queue."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import asyncpg
import msgspec

from services.group_purchase.requests.matching import Reason
from services.group_purchase.requests.priority import load_policy, priority_of, situation_of
from services.group_purchase.requests.proposals import decoded_reasons
from services.group_purchase.requests.reasons import priority_text, reason_text


class ProposalView(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    device_id: uuid.UUID
    label: str
    reasons: list[str]
    make_model: str = ""


class ReservationView(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    device_id: uuid.UUID
    label: str
    status: str
    expires_at: datetime | None = None
    reason: str = ""
    handed_over_at: datetime | None = None
    make_model: str = ""


class NeedView(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    position: int
    device_type: str
    purpose: str
    min_memory_gb: int
    min_storage_gb: int
    larger_screen: bool
    keyboard_layout: str
    accessibility_note: str
    pickup_place: str
    status: str
    note: str
    waiting_since: datetime
    why_nothing_fits: list[str]
    proposal: ProposalView | None = None
    reservation: ReservationView | None = None


class RequestView(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    household_id: uuid.UUID
    household_reference: str
    organisation_id: uuid.UUID
    organisation_name: str
    source: str
    submitted_at: datetime
    priority_points: int
    priority: list[str]
    needs: list[NeedView]


class QueueEntry(msgspec.Struct, frozen=True, kw_only=True):
    need_id: uuid.UUID
    request_id: uuid.UUID
    household_reference: str
    organisation_name: str
    device_type: str
    status: str
    waiting_since: datetime
    waiting_days: int
    priority_points: int


class NeedSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    position: int
    device_type: str
    status: str


class RequestSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    household_id: uuid.UUID
    household_reference: str
    organisation_id: uuid.UUID
    source: str
    submitted_at: datetime
    needs: list[NeedSummary]


class RequestPage(msgspec.Struct, frozen=True, kw_only=True):
    requests: list[RequestSummary]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


ProposalStatus = Literal["open", "confirmed", "declined", "withdrawn"]


class ProposalSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    need_id: uuid.UUID
    request_id: uuid.UUID
    household_reference: str
    organisation_id: uuid.UUID
    device_id: uuid.UUID
    label: str
    status: ProposalStatus
    created_at: datetime
    decided_at: datetime | None


class ProposalPage(msgspec.Struct, frozen=True, kw_only=True):
    proposals: list[ProposalSummary]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


def _texts(reasons: list[Reason], language: str) -> list[str]:
    return [reason_text(reason, language) for reason in reasons]


async def request_view(
    connection: asyncpg.Connection | asyncpg.Pool,
    request_id: uuid.UUID,
    now: datetime,
    language: str = "fr",
) -> RequestView | None:
    head = await connection.fetchrow(
        "SELECT r.*, h.reference, h.situation, o.name AS organisation_name "
        "FROM requests r JOIN households h ON h.id = r.household_id "
        "JOIN organisations o ON o.id = r.organisation_id WHERE r.id = $1",
        request_id,
    )
    if head is None:
        return None
    policy = load_policy()
    priority = priority_of(situation_of(head["situation"]), head["submitted_at"], now, policy)
    rows = await connection.fetch(
        "SELECT n.*, p.id AS proposal_id, p.device_id AS proposal_device, "
        "p.label AS proposal_label, "
        "p.reasons AS proposal_reasons, pd.make_model AS proposal_make_model, "
        "a.id AS attempt_id, a.device_id AS attempt_device, a.label AS attempt_label, "
        "a.status AS attempt_status, a.expires_at, a.reason AS attempt_reason, "
        "a.handed_over_at, ad.make_model AS attempt_make_model "
        "FROM needs n "
        "LEFT JOIN proposals p ON p.need_id = n.id AND p.status = 'open' "
        "LEFT JOIN known_devices pd ON pd.device_id = p.device_id "
        "LEFT JOIN LATERAL (SELECT * FROM reservation_attempts x WHERE x.need_id = n.id "
        "                   ORDER BY x.requested_at DESC LIMIT 1) a ON true "
        "LEFT JOIN known_devices ad ON ad.device_id = a.device_id "
        "WHERE n.request_id = $1 ORDER BY n.position",
        request_id,
    )
    return RequestView(
        id=head["id"],
        household_id=head["household_id"],
        household_reference=head["reference"],
        organisation_id=head["organisation_id"],
        organisation_name=head["organisation_name"],
        source=head["source"],
        submitted_at=head["submitted_at"],
        priority_points=priority.points,
        priority=priority_text(priority, policy, language),
        needs=[_need(row, language) for row in rows],
    )


def _need(row: asyncpg.Record, language: str) -> NeedView:
    proposal = None
    if row["proposal_id"] is not None:
        proposal = ProposalView(
            id=row["proposal_id"],
            device_id=row["proposal_device"],
            label=row["proposal_label"],
            reasons=_texts(decoded_reasons(row["proposal_reasons"]), language),
            make_model=row["proposal_make_model"] or "",
        )
    reservation = None
    if row["attempt_id"] is not None:
        reservation = ReservationView(
            id=row["attempt_id"],
            device_id=row["attempt_device"],
            label=row["attempt_label"],
            status=row["attempt_status"],
            expires_at=row["expires_at"],
            reason=row["attempt_reason"],
            handed_over_at=row["handed_over_at"],
            make_model=row["attempt_make_model"] or "",
        )
    return NeedView(
        id=row["id"],
        position=row["position"],
        device_type=row["device_type"],
        purpose=row["purpose"],
        min_memory_gb=row["min_memory_gb"],
        min_storage_gb=row["min_storage_gb"],
        larger_screen=row["larger_screen"],
        keyboard_layout=row["keyboard_layout"],
        accessibility_note=row["accessibility_note"],
        pickup_place=row["pickup_place"],
        status=row["status"],
        note=row["note"],
        waiting_since=row["waiting_since"],
        why_nothing_fits=_texts(decoded_reasons(row["unmatched_reasons"]), language),
        proposal=proposal,
        reservation=reservation,
    )


async def requests_of_household(
    connection: asyncpg.Connection | asyncpg.Pool, household_id: uuid.UUID
) -> list[uuid.UUID]:
    rows = await connection.fetch(
        "SELECT id FROM requests WHERE household_id = $1 ORDER BY submitted_at DESC", household_id
    )
    return [row["id"] for row in rows]


async def list_requests(
    connection: asyncpg.Connection | asyncpg.Pool,
    organisation_ids: list[uuid.UUID] | None,
    household_id: uuid.UUID | None,
    after: tuple[datetime | None, uuid.UUID | None],
    limit: int,
) -> list[RequestSummary]:
    """Requests of these organisations (all if None), of one household if given, the newest
    first, with their needs: ``after`` a time and id, ``limit`` at most."""
    rows = await connection.fetch(
        "SELECT r.id, r.household_id, h.reference AS household_reference, r.organisation_id, "
        "r.source, r.submitted_at FROM requests r JOIN households h ON h.id = r.household_id "
        "WHERE ($1::uuid[] IS NULL OR r.organisation_id = ANY($1)) "
        "AND ($2::uuid IS NULL OR r.household_id = $2) "
        "AND ($3::timestamptz IS NULL OR (r.submitted_at, r.id) < ($3, $4::uuid)) "
        "ORDER BY r.submitted_at DESC, r.id DESC LIMIT $5",
        organisation_ids,
        household_id,
        *after,
        limit,
    )
    needs = await connection.fetch(
        "SELECT request_id, id, position, device_type, status FROM needs "
        "WHERE request_id = ANY($1::uuid[]) ORDER BY position",
        [row["id"] for row in rows],
    )
    needs_of: dict[uuid.UUID, list[NeedSummary]] = {row["id"]: [] for row in rows}
    for need in needs:
        summary = dict(need)
        needs_of[summary.pop("request_id")].append(NeedSummary(**summary))
    return [RequestSummary(**dict(row), needs=needs_of[row["id"]]) for row in rows]


async def list_proposals(
    connection: asyncpg.Connection | asyncpg.Pool,
    organisation_ids: list[uuid.UUID] | None,
    status: ProposalStatus | None,
    label: str | None,
    after: tuple[datetime | None, uuid.UUID | None],
    limit: int,
) -> list[ProposalSummary]:
    """Devices proposed to the needs of these organisations (all if None), in ``status``, of
    the device ``label``, the newest first: ``after`` a time and id, ``limit`` at most."""
    rows = await connection.fetch(
        "SELECT p.id, p.need_id, n.request_id, h.reference AS household_reference, "
        "r.organisation_id, p.device_id, p.label, p.status, p.created_at, p.decided_at "
        "FROM proposals p JOIN needs n ON n.id = p.need_id "
        "JOIN requests r ON r.id = n.request_id JOIN households h ON h.id = r.household_id "
        "WHERE ($1::uuid[] IS NULL OR r.organisation_id = ANY($1)) "
        "AND ($2::text IS NULL OR p.status = $2) AND ($3::text IS NULL OR p.label = $3) "
        "AND ($4::timestamptz IS NULL OR (p.created_at, p.id) < ($4, $5::uuid)) "
        "ORDER BY p.created_at DESC, p.id DESC LIMIT $6",
        organisation_ids,
        status,
        label,
        *after,
        limit,
    )
    return [ProposalSummary(**dict(row)) for row in rows]


async def open_proposals_count(
    connection: asyncpg.Connection | asyncpg.Pool, organisation_ids: list[uuid.UUID] | None
) -> int:
    """How many devices proposed to these organisations' needs (all if None) await a
    social worker's answer."""
    count: int = await connection.fetchval(
        "SELECT count(*) FROM proposals p JOIN needs n ON n.id = p.need_id "
        "JOIN requests r ON r.id = n.request_id "
        "WHERE p.status = 'open' AND ($1::uuid[] IS NULL OR r.organisation_id = ANY($1))",
        organisation_ids,
    )
    return count


async def queue(
    connection: asyncpg.Connection | asyncpg.Pool,
    now: datetime,
    organisation_ids: list[uuid.UUID] | None = None,
    limit: int = 500,
) -> list[QueueEntry]:
    """Needs not yet handed over nor cancelled, the most urgent first."""
    rows = await connection.fetch(
        "SELECT n.id, n.request_id, n.device_type, n.status, n.waiting_since, h.reference, "
        "h.situation, o.name FROM needs n JOIN requests r ON r.id = n.request_id "
        "JOIN households h ON h.id = r.household_id "
        "JOIN organisations o ON o.id = r.organisation_id "
        "WHERE n.status NOT IN ('handed_over', 'cancelled', 'returned') "
        "AND ($1::uuid[] IS NULL OR r.organisation_id = ANY($1))",
        organisation_ids,
    )
    policy = load_policy()
    entries = [
        QueueEntry(
            need_id=row["id"],
            request_id=row["request_id"],
            household_reference=row["reference"],
            organisation_name=row["name"],
            device_type=row["device_type"],
            status=row["status"],
            waiting_since=row["waiting_since"],
            waiting_days=max(0, (now - row["waiting_since"]).days),
            priority_points=priority_of(
                situation_of(row["situation"]), row["waiting_since"], now, policy
            ).points,
        )
        for row in rows
    ]
    entries.sort(key=lambda e: (-e.priority_points, e.waiting_since, e.need_id))
    return entries[:limit]
