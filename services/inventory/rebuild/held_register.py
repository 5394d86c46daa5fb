"""The part of the register a chunk of replayed events touches, held in memory while the
chunk applies: read with one statement for the whole chunk, changed in place event after
event by inventory's own use cases, and written back with one statement per kind of row
(devices, reservations, rejections, history, outbox, inbox) in the chunk's transaction.

``HeldRegister`` is a ``LifecycleStore`` whose methods the live handlers call decide in
memory instead of sending a statement each, and ``HeldWork`` the work they are given: its
store is the held register, and what they announce joins the outbox rows it holds. So the
rebuild applies the register's rules with the very code the live consumers run.

The rebuild is the only writer of its schema, so what it holds is what the tables say; a
device or a request the chunk did not announce is read on its own when it is asked for.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from services.inventory.lifecycle.domain import HistoryEntry, TransitionRefused
from services.inventory.lifecycle.intentions import Lifecycle, Reservation
from services.inventory.lifecycle.store import (
    LifecycleStore,
    RegisteredDevice,
    Registration,
    registered_device,
)
from shared.events import Event, utc_now
from shared.outbox import outbox_values

_DEVICES = """
SELECT d.*, r.request_id, r.expires_at
FROM devices d LEFT JOIN reservations r ON r.device_id = d.id AND r.status = 'active'
WHERE d.id = ANY($1::uuid[]) OR d.label = ANY($2::text[])
"""
_STATUSES = "SELECT request_id, status FROM reservations WHERE request_id = ANY($1::uuid[])"
_INSERT_DEVICES = """
INSERT INTO devices (id, label, device_type, registered_at, origin_place, weight_kg, state,
                     state_since, entered_refurbishment_at, erasure_certificate_id,
                     erasure_no_storage, erased_at, grade, functional_pass, graded_at,
                     place_name, specs, refurbishment_facts_seen, version)
SELECT id, label, device_type, registered_at, origin_place, weight_kg, state, state_since,
       entered_refurbishment_at, erasure_certificate_id, erasure_no_storage, erased_at, grade,
       functional_pass, graded_at, place_name, specs::jsonb, refurbishment_facts_seen, version
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::real[],
            $7::text[], $8::timestamptz[], $9::timestamptz[], $10::uuid[], $11::boolean[],
            $12::timestamptz[], $13::text[], $14::boolean[], $15::timestamptz[], $16::text[],
            $17::text[], $18::integer[], $19::integer[])
    AS u(id, label, device_type, registered_at, origin_place, weight_kg, state, state_since,
         entered_refurbishment_at, erasure_certificate_id, erasure_no_storage, erased_at, grade,
         functional_pass, graded_at, place_name, specs, refurbishment_facts_seen, version)
"""
_UPDATE_DEVICES = """
UPDATE devices d SET state = u.state, state_since = u.state_since,
    entered_refurbishment_at = u.entered_refurbishment_at,
    erasure_certificate_id = u.erasure_certificate_id, erasure_no_storage = u.erasure_no_storage,
    erased_at = u.erased_at, grade = u.grade, functional_pass = u.functional_pass,
    graded_at = u.graded_at, place_name = u.place_name, specs = u.specs::jsonb,
    refurbishment_facts_seen = greatest(d.refurbishment_facts_seen, u.refurbishment_facts_seen),
    version = u.version
FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::uuid[],
            $6::boolean[], $7::timestamptz[], $8::text[], $9::boolean[], $10::timestamptz[],
            $11::text[], $12::text[], $13::integer[], $14::integer[])
    AS u(id, state, state_since, entered_refurbishment_at, erasure_certificate_id,
         erasure_no_storage, erased_at, grade, functional_pass, graded_at, place_name, specs,
         refurbishment_facts_seen, version)
WHERE d.id = u.id
"""
# before the new ones: a device's next reservation may start in the chunk that ends its last
_END_RESERVATIONS = """
UPDATE reservations r SET status = u.status, ended_at = u.ended_at
FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS u(request_id, status, ended_at)
WHERE r.request_id = u.request_id AND r.status = 'active'
"""
_ADD_RESERVATIONS = """
INSERT INTO reservations (request_id, device_id, household_reference, status, reason,
                          correlation_id, requested_at, expires_at, ended_at)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::timestamptz[], $8::timestamptz[], $9::timestamptz[])
"""
_REJECTIONS = """
INSERT INTO rejected_transitions (device_id, event_id, subject, producer, state, reason,
                                  reason_code, reason_values, correlation_id, occurred_at)
SELECT device_id, event_id, subject, producer, state, reason, reason_code,
       reason_values::jsonb, correlation_id, occurred_at
FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::timestamptz[])
    AS u(device_id, event_id, subject, producer, state, reason, reason_code, reason_values,
         correlation_id, occurred_at)
ON CONFLICT (event_id) DO NOTHING
"""
_HISTORY = """
INSERT INTO device_history (device_id, at, state, subject, event_id, producer, place_name,
                            correlation_id)
SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::uuid[],
                     $6::text[], $7::text[], $8::text[])
"""
_OUTBOX = """
INSERT INTO outbox (event_id, subject, payload, headers)
SELECT event_id, subject, payload, headers::jsonb
FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::text[])
    AS u(event_id, subject, payload, headers)
"""
_INBOX = """
INSERT INTO inbox (consumer, event_id, subject)
SELECT $1, event_id, subject FROM unnest($2::uuid[], $3::text[]) AS e(event_id, subject)
"""
_encoder = msgspec.json.Encoder()
_ALREADY_APPLIED = "SELECT event_id FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])"


@dataclass
class _Held:
    """A device as the chunk leaves it; ``registration`` when the chunk registered it."""

    device: RegisteredDevice
    version: int
    registration: Registration | None = None
    changed: bool = False


class HeldRegister(LifecycleStore):
    """The register's rows a chunk reads and writes, held until ``flush``: the methods of
    ``LifecycleStore`` the live handlers of the held kinds of events call (received devices,
    the workshops' and hand-overs' facts, reservations) answer from and change what is held.
    The others are the live store's statements: meant for after a ``flush`` and ``forget``
    (the rarer events are applied by the live path on the tables brought up to date)."""

    def __init__(self, connection: asyncpg.Connection, consumer: str) -> None:
        super().__init__(connection)
        self.consumer = consumer
        self._devices: dict[uuid.UUID, _Held | None] = {}  # None: not registered
        self._labels: dict[str, bool] = {}  # whether a device is registered under it
        self._statuses: dict[uuid.UUID, str | None] = {}
        self._forget_writes()

    def _forget_writes(self) -> None:
        self._new_reservations: dict[uuid.UUID, list[Any]] = {}
        self._ended: dict[uuid.UUID, tuple[str, datetime]] = {}
        self._rejections: list[tuple[Any, ...]] = []
        self._history: list[tuple[Any, ...]] = []
        self._outbox: list[Event] = []
        self._inbox: list[Event] = []

    def forget(self) -> None:
        """Let go of what is held (after a ``flush``: the tables say it from now on)."""
        self._devices.clear()
        self._labels.clear()
        self._statuses.clear()
        self._forget_writes()

    # reads

    async def already_applied(self, events: Sequence[Event]) -> set[uuid.UUID]:
        """Which of ``events`` an earlier transaction applied."""
        rows = await self.connection.fetch(
            _ALREADY_APPLIED, self.consumer, [event.event_id for event in events]
        )
        return {row["event_id"] for row in rows}

    async def read(
        self,
        device_ids: Iterable[uuid.UUID],
        labels: Iterable[str] = (),
        request_ids: Iterable[uuid.UUID] = (),
    ) -> None:
        """Hold the devices, labels and requests not held yet, one statement for each kind."""
        ids = [i for i in set(device_ids) if i not in self._devices]
        names = [label for label in set(labels) if label not in self._labels]
        if ids or names:
            for row in await self.connection.fetch(_DEVICES, ids, names):
                self._labels[row["label"]] = True
                if row["id"] not in self._devices:
                    self._devices[row["id"]] = _Held(_registered_device(row), row["version"])
            for device_id in ids:
                self._devices.setdefault(device_id, None)
            for label in names:
                self._labels.setdefault(label, False)
        requests = [i for i in set(request_ids) if i not in self._statuses]
        if requests:
            for row in await self.connection.fetch(_STATUSES, requests):
                self._statuses[row["request_id"]] = row["status"]
            for request_id in requests:
                self._statuses.setdefault(request_id, None)

    async def device_for_update(self, device_id: uuid.UUID) -> RegisteredDevice | None:
        if device_id not in self._devices:
            await self.read([device_id])
        held = self._devices[device_id]
        return held.device if held is not None else None

    async def reservation_status(self, request_id: uuid.UUID) -> str | None:
        if request_id not in self._statuses:
            await self.read((), request_ids=[request_id])
        return self._statuses[request_id]

    async def registered(self, device_id: uuid.UUID, label: str) -> bool:
        """Whether the device, or another one under its label, is registered."""
        await self.read([device_id], [label])
        return self._devices[device_id] is not None or self._labels[label]

    # writes

    def applied(self, event: Event) -> None:
        self._inbox.append(event)

    async def register_devices(self, registrations: Sequence[Registration]) -> set[uuid.UUID]:
        """As the live statement: one after the other, nothing for a device (or label)
        already registered; the ids of the events that registered one."""
        registered: set[uuid.UUID] = set()
        for registration in registrations:
            if not await self.registered(registration.device_id, registration.label):
                self._register(registration)
                registered.add(registration.event_id)
        return registered

    def _register(self, registration: Registration) -> None:
        """A device received: registered as its entry says, announced as ``announced``."""
        entry = registration.entry
        device = RegisteredDevice(
            id=registration.device_id,
            label=registration.label,
            device_type=registration.device_type,
            place_name=entry.place_name,
            specs={},
            refurbishment_facts_seen=0,
            lifecycle=Lifecycle(state=entry.state, state_since=entry.at),
        )
        self._devices[device.id] = _Held(device, 1, registration, changed=True)
        self._labels[device.label] = True
        self._append_history(device.id, entry, registration.event_id)
        self.add_events([registration.announced])

    async def save_lifecycle(
        self,
        device: RegisteredDevice,
        lifecycle: Lifecycle,
        place_name: str,
        specs: dict[str, Any],
    ) -> int:
        held = self._held(device.id)
        seen = max(held.device.refurbishment_facts_seen, device.refurbishment_facts_seen)
        held.device = replace(
            device,
            place_name=place_name,
            specs=specs,
            refurbishment_facts_seen=seen,
            lifecycle=lifecycle,
        )
        held.version += 1
        held.changed = True
        return held.version

    async def note_refurbishment_fact(self, device_id: uuid.UUID, number: int) -> None:
        held = self._held(device_id)
        seen = max(held.device.refurbishment_facts_seen, number)
        held.device = replace(held.device, refurbishment_facts_seen=seen)
        held.changed = True

    async def append_history(
        self, device_id: uuid.UUID, entry: HistoryEntry, event_id: uuid.UUID
    ) -> None:
        self._append_history(device_id, entry, event_id)

    def _append_history(
        self, device_id: uuid.UUID, entry: HistoryEntry, event_id: uuid.UUID
    ) -> None:
        self._history.append(
            (
                device_id,
                entry.at,
                entry.state.value,
                entry.subject,
                event_id,
                entry.producer,
                entry.place_name,
                entry.correlation_id,
            )
        )

    def add_events(self, events: Sequence[Event]) -> None:
        self._outbox.extend(events)

    async def record_rejection(
        self, device: RegisteredDevice, event: Event, refusal: TransitionRefused
    ) -> None:
        self._rejections.append(
            (
                device.id,
                event.event_id,
                event.subject,
                event.producer,
                device.lifecycle.state.value,
                str(refusal),
                refusal.code,
                _json(refusal.details),
                event.correlation_id,
                event.occurred_at,
            )
        )

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
        status = "rejected" if rejection else "active"
        self._new_reservations[request_id] = [
            request_id,
            device_id,
            household_reference,
            status,
            rejection,
            correlation_id,
            requested_at,
            expires_at,
            requested_at if rejection else None,
        ]
        self._statuses[request_id] = status

    async def end_reservation(self, request_id: uuid.UUID, status: str, at: datetime) -> None:
        """Like its statement, ends only an active reservation."""
        if self._statuses.get(request_id, "active") != "active":
            return
        self._statuses[request_id] = status
        added = self._new_reservations.get(request_id)
        if added is not None:
            added[3], added[8] = status, at
        else:
            self._ended[request_id] = (status, at)

    def _held(self, device_id: uuid.UUID) -> _Held:
        held = self._devices.get(device_id)
        assert held is not None, f"device {device_id} changed before it was read"
        return held

    async def flush(self) -> None:
        """Write what the chunk changed, one statement per kind of row, in an order the
        constraints accept (a device before its rows, a reservation ended before the next)."""
        changed = [held for held in self._devices.values() if held is not None and held.changed]
        new = [held for held in changed if held.registration is not None]
        existing = [held for held in changed if held.registration is None]
        statements: list[tuple[str, Sequence[Sequence[Any]]]] = [
            (_INSERT_DEVICES, [_registration_values(held) for held in new]),
            (_UPDATE_DEVICES, [(held.device.id, *_lifecycle_values(held)) for held in existing]),
            (_END_RESERVATIONS, [(i, *ended) for i, ended in self._ended.items()]),
            (_ADD_RESERVATIONS, list(self._new_reservations.values())),
            (_REJECTIONS, self._rejections),
            (_HISTORY, self._history),
            (_OUTBOX, [_outbox_row(event) for event in self._outbox]),
        ]
        for statement, rows in statements:
            if rows:
                await self.connection.execute(statement, *_columns(rows))
        if self._inbox:
            await self.connection.execute(
                _INBOX,
                self.consumer,
                [event.event_id for event in self._inbox],
                [event.subject for event in self._inbox],
            )
        for held in changed:
            held.changed, held.registration = False, None
        self._forget_writes()


def _columns(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Rows as the columns an ``unnest`` takes."""
    return [list(column) for column in zip(*rows, strict=True)]


def _lifecycle_values(held: _Held) -> tuple[Any, ...]:
    device, lifecycle = held.device, held.device.lifecycle
    erasure, grading = lifecycle.erasure, lifecycle.grading
    return (
        lifecycle.state.value,
        lifecycle.state_since,
        lifecycle.entered_refurbishment_at,
        erasure.certificate_id if erasure else None,
        erasure.no_storage if erasure else False,
        erasure.stated_at if erasure else None,
        grading.grade if grading else None,
        grading.functional_pass if grading else None,
        grading.stated_at if grading else None,
        device.place_name,
        _json(device.specs),
        device.refurbishment_facts_seen,
        held.version,
    )


def _registration_values(held: _Held) -> tuple[Any, ...]:
    registration = held.registration
    assert registration is not None
    return (
        registration.device_id,
        registration.label,
        registration.device_type,
        registration.entry.at,
        registration.entry.place_name,
        registration.weight_kg,
        *_lifecycle_values(held),
    )


def _outbox_row(event: Event) -> tuple[uuid.UUID, str, bytes, str]:
    event_id, subject, payload, headers = outbox_values(event)
    return event_id, subject, payload, _json(headers)


def _json(value: object) -> str:
    """JSON text for a ``jsonb`` column of an ``unnest`` (sent as text, cast by the SQL)."""
    return _encoder.encode(value).decode()


def _registered_device(row: asyncpg.Record) -> RegisteredDevice:
    """The device of a ``_DEVICES`` row (its active reservation joined)."""
    reservation = None
    if row["request_id"] is not None:
        reservation = Reservation(request_id=row["request_id"], expires_at=row["expires_at"])
    return registered_device(row, reservation)


class HeldWork:
    """The work the live handlers are given on a held register: reads and writes through
    ``store`` (the register), announcements held with its outbox rows, written at its
    ``flush``, in the chunk's transaction."""

    def __init__(self, register: HeldRegister) -> None:
        self._register = register

    @property
    def store(self) -> HeldRegister:
        return self._register

    def now(self) -> datetime:
        return utc_now()

    async def announce(self, *events: Event) -> None:
        self._register.add_events(events)

    async def audit(self, actor: str, action: str, subject: str) -> None:
        raise NotImplementedError("inventory's handlers of replayed events write no audit line")
