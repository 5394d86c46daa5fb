"""SQL of the collection point schema: the points every feature's store reads, idempotency keys,
and the intakes. A store is bound to one connection (a unit of work's, or the pool for a
read on its own)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import asyncpg
import msgspec

from services.collection_point.domain import CollectionPoint, DonorContact, Intake
from services.collection_point.places.domain import Place
from services.collection_point.places.store import PlaceStore
from shared import idempotency
from shared.db import TRANSIENT_ERRORS, Executor
from shared.events import Event, encode
from shared.labels import format_code
from shared.rows import row_as, rows_as

_POINT_COLUMNS = "id, name, kind, address, postcode, commune"
_INTAKE_COLUMNS = (
    "id, device_id, label, device_type, collection_point_id, received_by, received_at, "
    "brand, model, serial_number, condition, accessories, weight_kg, donor_kind, "
    "donor_reference, acknowledged_by"
)
_INTAKE_VIEW = f"{_INTAKE_COLUMNS}, inventory_state"


def _intake(row: asyncpg.Record) -> Intake:
    return msgspec.convert({**row, "label_display": format_code(row["label"])}, Intake)


def _intake_values(intake: Intake) -> tuple[object, ...]:
    """The values of ``_INTAKE_COLUMNS``, in order."""
    return (
        intake.id,
        intake.device_id,
        intake.label,
        intake.device_type,
        intake.collection_point_id,
        intake.received_by,
        intake.received_at,
        intake.brand,
        intake.model,
        intake.serial_number,
        intake.condition,
        intake.accessories,
        intake.weight_kg,
        intake.donor_kind,
        intake.donor_reference,
        intake.acknowledged_by,
    )


class PointStore:
    """What every feature's store reads and keeps: the collection points, and the answers
    kept under an ``Idempotency-Key``."""

    def __init__(self, connection: Executor) -> None:
        self.connection = connection

    async def get_point(self, point_id: uuid.UUID) -> CollectionPoint | None:
        row = await self.connection.fetchrow(
            f"SELECT {_POINT_COLUMNS} FROM collection_points WHERE id = $1 AND active", point_id
        )
        return row_as(CollectionPoint, row)

    async def upsert_point(self, point: CollectionPoint) -> None:
        await self.connection.execute(
            f"INSERT INTO collection_points ({_POINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT (id) DO UPDATE SET name = $2, kind = $3, address = $4, postcode = $5, "
            "commune = $6",
            point.id,
            point.name,
            point.kind,
            point.address,
            point.postcode,
            point.commune,
        )

    async def claim(self, key: str, fingerprint: str) -> idempotency.StoredResponse | None:
        """``None`` when this request now owns ``key``; the first answer when it was used."""
        return await idempotency.claim(self.connection, key, fingerprint)

    async def remember(self, key: str, status_code: int, body: bytes) -> None:
        await idempotency.remember(self.connection, key, status_code, body)

    async def stored(self, key: str, fingerprint: str) -> idempotency.StoredResponse | None:
        """The answer kept under ``key``, if any (a key used for another request is refused)."""
        return await idempotency.stored(self.connection, key, fingerprint)


# One autocommit statement records an intake: the intake row, the donor's contact if any, its
# event in the outbox and, when the request carries an Idempotency-Key, the key with its stored
# answer. The key is inserted *without* ``ON CONFLICT``: a key already taken (or being taken by
# a concurrent transaction, which this statement then waits for) aborts the whole statement, so
# nothing is ever half-applied. The intake is inserted only when the point is active and still
# has the name written in the event, and the label was issued in a batch (of any point: labels
# travel) and not voided; a label already attached inserts nothing.
_RECORD_INTAKE = f"""
WITH point AS (
    SELECT name FROM collection_points WHERE id = $5 AND active
), label AS (
    SELECT voided_at FROM labels WHERE code = $3
), intake AS (
    INSERT INTO intakes ({_INTAKE_COLUMNS})
    SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16
    FROM point WHERE point.name = $17 AND EXISTS (SELECT FROM label WHERE voided_at IS NULL)
    ON CONFLICT (label) DO NOTHING
    RETURNING id
), contact AS (
    INSERT INTO donor_contacts (intake_id, name, email, phone, news, language)
    SELECT id, $18, $19, $20, $28, $29 FROM intake WHERE $18::text IS NOT NULL
), event AS (
    INSERT INTO outbox (event_id, subject, payload, headers)
    SELECT $21, $22, $23, $24::text::jsonb FROM intake
), answer AS (
    INSERT INTO idempotency_keys (key, fingerprint, status_code, response)
    SELECT $25, $26, 201, $27 FROM intake WHERE $25::text IS NOT NULL
)
SELECT (SELECT name FROM point) AS point_name, EXISTS (SELECT FROM intake) AS inserted,
    EXISTS (SELECT FROM label) AS issued, (SELECT voided_at FROM label) AS voided_at
"""


# The same statement for intakes that arrived together (``IntakeStore.record_intakes``): each
# row is written exactly as ``_RECORD_INTAKE`` writes it, and the answer says, row by row in
# the order given, what the single statement would have said. A key already taken aborts the
# whole statement (nothing written), as it aborts a single one. An intake that comes alone (at
# a quiet counter, every one) keeps the single statement: about 110 µs of the service's CPU and
# 0.41 ms until answered, against 150-170 µs and 0.59 ms for this one given a single row.
_RECORD_INTAKES = f"""
WITH given AS (
    SELECT * FROM unnest(
        $1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[],
        $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
        $13::float8[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
        $19::text[], $20::text[], $21::uuid[], $22::text[], $23::bytea[], $24::text[],
        $25::text[], $26::text[], $27::bytea[], $28::bool[], $29::text[]
    ) WITH ORDINALITY AS given (
        id, device_id, label, device_type, collection_point_id, received_by, received_at,
        brand, model, serial_number, condition, accessories, weight_kg, donor_kind,
        donor_reference, acknowledged_by, point_name, contact_name, contact_email,
        contact_phone, event_id, subject, payload, headers, key, fingerprint, answer, news,
        language, position
    )
), intake AS (
    INSERT INTO intakes ({_INTAKE_COLUMNS})
    SELECT g.id, g.device_id, g.label, g.device_type, g.collection_point_id, g.received_by,
        g.received_at, g.brand, g.model, g.serial_number, g.condition,
        ARRAY(SELECT jsonb_array_elements_text(g.accessories::jsonb)), g.weight_kg,
        g.donor_kind, g.donor_reference, g.acknowledged_by
    FROM given g
    JOIN collection_points p ON p.id = g.collection_point_id AND p.active AND p.name = g.point_name
    JOIN labels l ON l.code = g.label AND l.voided_at IS NULL
    ORDER BY g.position
    ON CONFLICT (label) DO NOTHING
    RETURNING id
), contact AS (
    INSERT INTO donor_contacts (intake_id, name, email, phone, news, language)
    SELECT g.id, g.contact_name, g.contact_email, g.contact_phone, g.news, g.language
    FROM given g JOIN intake USING (id) WHERE g.contact_name IS NOT NULL
), event AS (
    INSERT INTO outbox (event_id, subject, payload, headers)
    SELECT g.event_id, g.subject, g.payload, g.headers::jsonb
    FROM given g JOIN intake USING (id) ORDER BY g.position
), answer AS (
    INSERT INTO idempotency_keys (key, fingerprint, status_code, response)
    SELECT g.key, g.fingerprint, 201, g.answer
    FROM given g JOIN intake USING (id) WHERE g.key IS NOT NULL
)
SELECT p.name AS point_name, i.id IS NOT NULL AS inserted, l.code IS NOT NULL AS issued,
    l.voided_at
FROM given g
LEFT JOIN collection_points p ON p.id = g.collection_point_id AND p.active
LEFT JOIN labels l ON l.code = g.label
LEFT JOIN intake i ON i.id = g.id
ORDER BY g.position
"""
_json = msgspec.json.Encoder()


class IntakeRecord(NamedTuple):
    """What ``IntakeStore.record_intake`` writes for one request, in its arguments' order."""

    intake: Intake
    contact: DonorContact | None
    point_name: str
    event: Event
    key: str | None
    fingerprint: str
    answer: bytes
    language: str = "fr"


class IntakeRecording(NamedTuple):
    inserted: bool
    """False: nothing was written (label attached, voided or never issued, or the point is not
    as given)."""
    point_name: str | None
    """The active point's current name; ``None`` when there is no such active point."""
    issued: bool = True
    """Whether the label belongs to a batch (of any point); if not, nothing was written."""
    voided_at: datetime | None = None
    """When the label was voided, if it was (then nothing was written)."""


class ActivePoint(msgspec.Struct, frozen=True):
    name: str
    accepted_types: list[str]


class AttachedIntake(msgspec.Struct, frozen=True, kw_only=True):
    """The intake a label is attached to, as a refusal names it."""

    id: uuid.UUID
    device_type: str
    received_at: datetime
    point_name: str


class ReceivedDevice(msgspec.Struct, frozen=True, kw_only=True):
    """A device received at a point, as the counter and a donation receipt list it."""

    label: str
    device_type: str
    received_at: datetime
    inventory_state: str | None = None
    brand: str = ""
    model: str = ""
    serial_number: str = ""


class LabelStates(NamedTuple):
    issued: set[str]
    """The labels of some batch, voided or not."""
    voided: set[str]


def _record_values(record: IntakeRecord) -> tuple[object, ...]:
    """The parameters of ``_RECORD_INTAKE`` for ``record``, in order."""
    contact, event = record.contact, record.event
    headers = {"Correlation-Id": event.correlation_id} if event.correlation_id else {}
    return (
        *_intake_values(record.intake),
        record.point_name,
        contact.name if contact else None,
        contact.email if contact else None,
        contact.phone if contact else None,
        event.event_id,
        event.subject,
        encode(event),
        _json.encode(headers).decode(),
        record.key,
        record.fingerprint,
        record.answer,
        bool(contact and contact.news),
        record.language,
    )


_RECORD_VALUES = 29
_ACCESSORIES = 11  # their place among the values: a list, sent to the statement for many as JSON


def _recording(row: asyncpg.Record) -> IntakeRecording:
    return IntakeRecording(row["inserted"], row["point_name"], row["issued"], row["voided_at"])


class IntakeStore(PointStore):
    """The intakes: the counter's one statement, a file's rows, what inventory says of them.

    ``hot_path_seconds`` bounds each statement of the counter's hot path (the pool's fail-fast
    time: a stuck database is said at once); ``None`` leaves the pool's statement timeout."""

    def __init__(self, connection: Executor, hot_path_seconds: float | None = None) -> None:
        super().__init__(connection)
        self.hot_path_seconds = hot_path_seconds

    async def record_intake(self, record: IntakeRecord) -> IntakeRecording:
        """Record the intake, the donor's contact (with the language of the counter that took
        it) and the event (and the key's 201 answer) of ``record`` in one autocommit
        statement.

        Raises ``asyncpg.UniqueViolationError`` on ``idempotency_keys_pkey`` when the key was
        already used (nothing written). A connection that failed on the way (one of
        ``TRANSIENT_ERRORS``) is closed: what it did is unknown, it goes back to no one."""
        try:
            row = await self.connection.fetchrow(
                _RECORD_INTAKE,
                *_record_values(record),
                timeout=self.hot_path_seconds,
            )
        except TRANSIENT_ERRORS:
            self.connection.terminate()
            raise
        assert row is not None
        return _recording(row)

    async def record_intakes(self, records: Sequence[IntakeRecord]) -> list[IntakeRecording]:
        """Record each of ``records`` as ``record_intake`` would, all in one autocommit
        statement; the answers in the same order. A key already used raises
        ``asyncpg.UniqueViolationError`` and writes nothing (nor does any failure)."""
        columns: list[list[object]] = [[] for _ in range(_RECORD_VALUES)]
        for record in records:
            for column, value in zip(columns, _record_values(record), strict=True):
                column.append(value)
        columns[_ACCESSORIES] = [_json.encode(each).decode() for each in columns[_ACCESSORIES]]
        try:
            rows = await self.connection.fetch(
                _RECORD_INTAKES, *columns, timeout=self.hot_path_seconds
            )
        except TRANSIENT_ERRORS:
            self.connection.terminate()
            raise
        return [_recording(row) for row in rows]

    async def active_point(self, point_id: uuid.UUID) -> ActivePoint | None:
        row = await self.connection.fetchrow(
            "SELECT name, accepted_types FROM collection_points WHERE id = $1 AND active",
            point_id,
            timeout=self.hot_path_seconds,
        )
        return row_as(ActivePoint, row)

    async def intake_with_label(self, label: str) -> AttachedIntake | None:
        row = await self.connection.fetchrow(
            "SELECT i.id, i.device_type, i.received_at, p.name AS point_name "
            "FROM intakes i JOIN collection_points p ON p.id = i.collection_point_id "
            "WHERE i.label = $1",
            label,
        )
        return row_as(AttachedIntake, row)

    async def get_intake(self, intake_id: uuid.UUID) -> Intake | None:
        row = await self.connection.fetchrow(
            f"SELECT {_INTAKE_VIEW} FROM intakes WHERE id = $1", intake_id
        )
        return _intake(row) if row else None

    async def received_since(
        self, point_id: uuid.UUID, since: datetime, limit: int
    ) -> list[ReceivedDevice]:
        """The devices received at the point since ``since``, newest first."""
        rows = await self.connection.fetch(
            "SELECT label, device_type, received_at, inventory_state FROM intakes "
            "WHERE collection_point_id = $1 AND received_at >= $2 "
            "ORDER BY received_at DESC LIMIT $3",
            point_id,
            since,
            limit,
        )
        return rows_as(ReceivedDevice, rows)

    async def given_by(
        self, point_id: uuid.UUID, donor: str, start: datetime, end: datetime
    ) -> list[ReceivedDevice]:
        """The devices ``donor`` (its reference, in any case) gave at the point between
        ``start`` and ``end``, in the order they were received."""
        rows = await self.connection.fetch(
            "SELECT label, device_type, brand, model, serial_number, received_at FROM intakes "
            "WHERE collection_point_id = $1 AND donor_reference <> '' "
            "AND lower(donor_reference) = lower($2) AND received_at >= $3 AND received_at < $4 "
            "ORDER BY received_at, label",
            point_id,
            donor,
            start,
            end,
        )
        return rows_as(ReceivedDevice, rows)

    async def get_place(self, place_id: uuid.UUID) -> Place | None:
        """The active place (what it accepts, among the rest)."""
        return await PlaceStore(self.connection).get_place(place_id)

    async def record_inventory_states(
        self, states: Sequence[tuple[uuid.UUID, str, datetime]]
    ) -> None:
        """Keep the newest state inventory announced of each device, given (device, state,
        at) in the order they were announced, in one statement; announcements may arrive out
        of order, and of two at the same time the later one in ``states`` wins."""
        await self.connection.execute(
            """
            UPDATE intakes SET inventory_state = announced.state,
                inventory_state_at = announced.at
            FROM (
                SELECT DISTINCT ON (device_id) device_id, state, at
                FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) WITH ORDINALITY
                    AS given(device_id, state, at, position)
                ORDER BY device_id, at DESC, position DESC
            ) AS announced
            WHERE intakes.device_id = announced.device_id
              AND (intakes.inventory_state_at IS NULL
                   OR intakes.inventory_state_at <= announced.at)
            """,
            [device for device, _, _ in states],
            [state for _, state, _ in states],
            [at for _, _, at in states],
        )

    async def labels_taken(self, labels: list[str]) -> set[str]:
        rows = await self.connection.fetch(
            "SELECT label FROM intakes WHERE label = ANY($1::text[])", labels
        )
        return {row["label"] for row in rows}

    async def insert_intakes(self, intakes: list[Intake]) -> None:
        """Insert every intake, in the caller's transaction (a label taken meanwhile fails
        all)."""
        await self.connection.executemany(
            f"INSERT INTO intakes ({_INTAKE_COLUMNS}) VALUES "
            "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            [_intake_values(intake) for intake in intakes],
        )

    async def label_states(self, labels: list[str]) -> LabelStates:
        """Which of ``labels`` Boucle issued in a batch, and which of those were voided."""
        rows = await self.connection.fetch(
            "SELECT code, voided_at IS NOT NULL AS voided FROM labels WHERE code = ANY($1::text[])",
            labels,
        )
        return LabelStates(
            {row["code"] for row in rows}, {row["code"] for row in rows if row["voided"]}
        )
