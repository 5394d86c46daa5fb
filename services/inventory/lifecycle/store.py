"""SQL of the register's lifecycle: devices registered and locked for a decision, the steps
of their histories, reservations, rejections.

``LifecycleStore`` is bound to the connection of one transaction: the unit of work builds it
(``runtime.unit_of_work(LifecycleStore)``), and a consumer's handler gets one on the
connection of the consumer's transaction (``work_on``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import asyncpg
import msgspec

from services.inventory.lifecycle.domain import HistoryEntry, State, TransitionRefused
from services.inventory.lifecycle.intentions import Erasure, Grading, Lifecycle, Reservation
from shared.events import Event, utc_now
from shared.outbox import outbox_values
from shared.rows import row_as, rows_as
from shared.uow import PostgresWork


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


class Lapsed(msgspec.Struct, frozen=True, kw_only=True):
    """An active reservation whose time is up."""

    request_id: uuid.UUID
    device_id: uuid.UUID
    correlation_id: str


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


class LifecycleStore:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    # registration and history

    async def register_devices(self, registrations: Sequence[Registration]) -> set[uuid.UUID]:
        """Insert each device, its first history entry and the event announcing it, in one
        statement (a round trip per device cost inventory and PostgreSQL more than the
        rows), as if one after the other: nothing for a device (or label) already
        registered, and of two for one device or one label, the first. The ids of the events
        that registered one."""
        outbox_rows = [outbox_values(registration.announced) for registration in registrations]
        announced = await self.connection.fetch(
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

    async def register_purchased_device(
        self,
        device_id: uuid.UUID,
        label: str,
        device_type: str,
        at: datetime,
        place_name: str,
        grade: str,
        specs: dict[str, Any],
    ) -> bool:
        """A device bought in a group purchase, registered ``ready`` (graded by its
        supplier); False when it (or its label) is already registered."""
        inserted = await self.connection.fetchval(
            "INSERT INTO devices (id, label, device_type, state, registered_at, state_since, "
            "place_name, origin_place, grade, functional_pass, graded_at, specs, source) "
            "VALUES ($1, $2, $3, 'ready', $4, $4, $5, $5, $6, true, $4, $7, 'purchase') "
            "ON CONFLICT DO NOTHING RETURNING true",
            device_id,
            label,
            device_type,
            at,
            place_name,
            grade,
            specs,
        )
        return bool(inserted)

    async def append_history(
        self, device_id: uuid.UUID, entry: HistoryEntry, event_id: uuid.UUID
    ) -> None:
        await self.connection.execute(
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

    # the lifecycle

    async def device_for_update(self, device_id: uuid.UUID) -> RegisteredDevice | None:
        """The device, row-locked: concurrent facts about one device are decided one at a
        time."""
        row = await self.connection.fetchrow(
            "SELECT * FROM devices WHERE id = $1 FOR UPDATE", device_id
        )
        if row is None:
            return None
        reservation = await self.connection.fetchrow(
            "SELECT request_id, expires_at FROM reservations "
            "WHERE device_id = $1 AND status = 'active'",
            device_id,
        )
        return registered_device(row, row_as(Reservation, reservation))

    async def save_lifecycle(
        self,
        device: RegisteredDevice,
        lifecycle: Lifecycle,
        place_name: str,
        specs: dict[str, Any],
    ) -> int:
        """Store the device's new lifecycle (and the workshop facts it has seen); returns
        its new version."""
        erasure, grading = lifecycle.erasure, lifecycle.grading
        version: int = await self.connection.fetchval(
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

    async def note_refurbishment_fact(self, device_id: uuid.UUID, number: int) -> None:
        await self.connection.execute(
            "UPDATE devices SET refurbishment_facts_seen = "
            "greatest(refurbishment_facts_seen, $2) WHERE id = $1",
            device_id,
            number,
        )

    async def record_rejection(
        self, device: RegisteredDevice, event: Event, refusal: TransitionRefused
    ) -> None:
        """A refused fact, kept for coordinators: what, about which device, in which state,
        why (the refusal's code and values, to say it in their language)."""
        await self.connection.execute(
            "INSERT INTO rejected_transitions (device_id, event_id, subject, producer, state, "
            "reason, reason_code, reason_values, correlation_id, occurred_at) "
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

    async def reservation_status(self, request_id: uuid.UUID) -> str | None:
        status: str | None = await self.connection.fetchval(
            "SELECT status FROM reservations WHERE request_id = $1", request_id
        )
        return status

    async def add_reservation(
        self,
        request_id: uuid.UUID,
        device_id: uuid.UUID,
        household_reference: str,
        correlation_id: str,
        requested_at: datetime,
        expires_at: datetime | None = None,
        rejection: str = "",
    ) -> None:
        """An active reservation, or (with ``rejection``) the trace of a request answered
        no."""
        await self.connection.execute(
            "INSERT INTO reservations (request_id, device_id, household_reference, status, "
            "reason, correlation_id, requested_at, expires_at, ended_at) "
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

    async def end_reservation(self, request_id: uuid.UUID, status: str, at: datetime) -> None:
        await self.connection.execute(
            "UPDATE reservations SET status = $2, ended_at = $3 "
            "WHERE request_id = $1 AND status = 'active'",
            request_id,
            status,
            at,
        )

    async def lapsed_reservations(self, now: datetime, limit: int) -> list[Lapsed]:
        """Active reservations whose time is up, their devices locked (others' skipped)."""
        rows = await self.connection.fetch(
            "SELECT r.request_id, r.device_id, r.correlation_id FROM reservations r "
            "JOIN devices d ON d.id = r.device_id "
            "WHERE r.status = 'active' AND r.expires_at <= $1 "
            "ORDER BY r.expires_at LIMIT $2 FOR UPDATE OF d SKIP LOCKED",
            now,
            limit,
        )
        return rows_as(Lapsed, rows)


def work_on(connection: asyncpg.Connection) -> PostgresWork[LifecycleStore]:
    """The work of a transaction already open on ``connection`` (a consumer's, with its inbox
    row): the handlers' writes and announcements join it."""
    return PostgresWork(connection, LifecycleStore(connection), utc_now)


def registered_device(row: asyncpg.Record, reservation: Reservation | None) -> RegisteredDevice:
    """The device a ``devices`` row says, with its active ``reservation``."""
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
            reservation=reservation,
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
