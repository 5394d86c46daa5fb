"""The counter's use case: a donated device registered in one autocommit statement."""

from __future__ import annotations

import time
import uuid
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

import asyncpg
import msgspec

from services.collection_point.domain import (
    PARIS,
    PRODUCER,
    Intake,
    IntakeCreate,
    LabelNeverIssued,
    LabelVoided,
    TypeNotAccepted,
    details_of,
    point_scope,
)
from services.collection_point.store import (
    ActivePoint,
    AttachedIntake,
    IntakeRecord,
    IntakeRecording,
    IntakeStore,
)
from shared import idempotency
from shared.auth import Principal
from shared.contracts.collection import DeviceReceived
from shared.db import TRANSIENT_ERRORS
from shared.errors import Conflict, NotFound
from shared.events import Event, uuid7
from shared.labels import format_code, parse_code
from shared.logging import contextvars
from shared.uow import UnitOfWork, Work

POINT_NAMES_SECONDS = 30.0  # how long a point's name is trusted before it is read again
RECORD_ATTEMPTS = 2  # a pooled connection the server dropped fails: once more on a fresh one
_encoder = msgspec.json.Encoder()


class StatementWork(Work[IntakeStore], Protocol):
    """A work whose store writes its own events, inside its one statement."""

    def recorded(self, *events: Event) -> None:
        """Say that ``events`` are in the outbox (the relay is woken for them)."""


class IntakeUnitOfWork(UnitOfWork[IntakeStore], Protocol):
    """The intakes' unit of work, with the counter's hot path: ``record`` writes an intake
    with those arriving at the same moment, in one autocommit statement, the relay woken
    when it was written (see ``recorder.py``); ``at_once`` reads on a pooled connection, no
    transaction around it (see ``PostgresUnitOfWork.at_once``)."""

    def now(self) -> datetime: ...

    async def record(self, record: IntakeRecord) -> IntakeRecording: ...

    def at_once(self) -> AbstractAsyncContextManager[StatementWork]: ...


class ActivePoints:
    """Active collection points (name and accepted types), kept briefly: the name goes into
    the event, the types decide what the point takes.

    The intake statement only writes when the point is still active under that very name,
    so a stale entry costs one more round trip, never a wrong event."""

    def __init__(self, seconds: float = POINT_NAMES_SECONDS) -> None:
        self._seconds = seconds
        self._points: dict[uuid.UUID, tuple[ActivePoint, float]] = {}

    def get(self, point_id: uuid.UUID) -> ActivePoint | None:
        entry = self._points.get(point_id)
        if entry is None or time.monotonic() - entry[1] > self._seconds:
            return None
        return entry[0]

    def put(self, point_id: uuid.UUID, point: ActivePoint | None) -> None:
        if point is None:
            self._points.pop(point_id, None)
        else:
            if len(self._points) > 10_000:
                self._points.clear()
            self._points[point_id] = (point, time.monotonic())


active_points = ActivePoints()


async def receive_device(
    uow: IntakeUnitOfWork,
    principal: Principal,
    command: IntakeCreate,
    idempotency_key: str | None,
    request_fingerprint: str,
    language: str = "fr",
) -> idempotency.StoredResponse:
    """Register a donated device at the counter; a replayed key returns the first answer.
    ``language`` is the counter's: the donor's news, if they want any, is written in it.

    The intake, the donor's contact, its event and the key's answer are written by one
    autocommit statement (``IntakeStore.record_intake``, or ``record_intakes`` with others
    arriving at the same moment): all of them or nothing.

    A label must come from a Boucle batch: one never issued is refused, and so is a voided one.
    A label issued to another point is accepted (labels travel with the agents who carry
    them)."""
    code = parse_code(command.label)
    details, contact = details_of(command)
    key = f"intakes:{idempotency_key}" if idempotency_key else None
    point_id = command.collection_point_id
    in_scope = principal.may_reach(point_scope(point_id))
    correlation_id = contextvars.get_contextvars().get("correlation_id", "")
    event_id = uuid7()
    point = active_points.get(point_id) if in_scope else None
    received_at = uow.now()  # the same ids and time on every attempt
    intake = Intake(
        id=uuid7(),
        device_id=uuid7(),
        label=code,
        label_display=format_code(code),
        device_type=command.device_type,
        collection_point_id=point_id,
        received_by=principal.sub,
        received_at=received_at,
        **msgspec.structs.asdict(details),
    )
    body = _encoder.encode(intake)
    attempt = 0
    while True:
        attempt += 1
        if in_scope and point is None:
            async with uow.at_once() as work:
                point = await _fresh_point(work.store, point_id)
        if not in_scope or point is None:
            async with uow.at_once() as work:
                return await _refused_without_point(work.store, key, request_fingerprint, point_id)
        if command.device_type not in point.accepted_types:
            raise TypeNotAccepted(command.device_type, point.accepted_types)
        point_name = point.name
        event = DeviceReceived(
            event_id=event_id,
            occurred_at=received_at,
            producer=PRODUCER,
            aggregate_id=intake.device_id,
            correlation_id=correlation_id,
            intake_id=intake.id,
            label=code,
            device_type=intake.device_type,
            collection_point_id=point_id,
            collection_point_name=point_name,
            weight_kg=command.weight_kg,
        )
        record = IntakeRecord(
            intake, contact, point_name, event, key, request_fingerprint, body, language
        )
        try:
            recorded = await uow.record(record)
        except asyncpg.UniqueViolationError as error:
            if key is None or error.constraint_name != "idempotency_keys_pkey":
                raise
            async with uow.at_once() as work:
                return await _replayed(work.store, key, request_fingerprint)
        except TRANSIENT_ERRORS as error:
            # Retrying is safe: the same ids are sent again, and an intake this request
            # wrote before losing its connection is recognised by its id below. A database
            # that did not answer in time would not answer a retry either: say so now.
            if attempt >= RECORD_ATTEMPTS or isinstance(error, TimeoutError):
                raise
            continue
        if recorded.inserted:
            return idempotency.StoredResponse(201, body)
        async with uow.at_once() as work:
            store = work.store
            if recorded.point_name != point_name:  # renamed or deactivated meanwhile
                point = await _fresh_point(store, point_id)
                if point is not None:
                    continue
                return await _refused_without_point(store, key, request_fingerprint, point_id)
            if key is not None:
                stored = await store.stored(key, request_fingerprint)
                if stored is not None:
                    return stored
            existing = await store.intake_with_label(code)
            if existing is not None and existing.id == intake.id:  # written by the lost attempt
                work.recorded(event)
                return idempotency.StoredResponse(201, body)
            if existing is None and not recorded.issued:
                raise LabelNeverIssued(format_code(code))
            if existing is None and recorded.voided_at is not None:
                raise LabelVoided(format_code(code), recorded.voided_at)
            raise _attached_label(code, existing)


async def _fresh_point(store: IntakeStore, point_id: uuid.UUID) -> ActivePoint | None:
    point = await store.active_point(point_id)
    active_points.put(point_id, point)
    return point


async def _refused_without_point(
    store: IntakeStore, key: str | None, request_fingerprint: str, point_id: uuid.UUID
) -> idempotency.StoredResponse:
    """No such active point within the principal's scope: a replayed key still gets the
    first answer, anything else is a 404."""
    if key is not None:
        stored = await store.stored(key, request_fingerprint)
        if stored is not None:
            return stored
    raise NotFound(
        f"No collection point {point_id} that you work at; choose one of your collection points.",
        code="places.not_yours",
    )


async def _replayed(
    store: IntakeStore, key: str, request_fingerprint: str
) -> idempotency.StoredResponse:
    stored = await store.stored(key, request_fingerprint)
    if stored is None:  # the key's owner stored no answer: it cannot be replayed
        raise idempotency.IdempotencyConflict(key)
    return stored


def _attached_label(code: str, existing: AttachedIntake | None) -> Conflict:
    if existing is None:  # attached at this very moment, by a request not committed yet
        return Conflict(
            f"The label {format_code(code)} is already attached. Use a new label for this device.",
            code="counter.label_attached_elsewhere",
            label=format_code(code),
            intake_id=None,
        )
    return Conflict(
        f"The label {format_code(code)} is already attached to a {existing.device_type} "
        f"received at {existing.point_name} on {existing.received_at:%d/%m/%Y}. "
        "Use a new label for this device.",
        code="counter.label_attached",
        label=format_code(code),
        type=existing.device_type,
        place=existing.point_name,
        day=existing.received_at.astimezone(PARIS).date(),
        intake_id=str(existing.id),
    )
