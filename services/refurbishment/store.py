"""SQL of the refurbishment schema: workshops, known devices, work orders and their steps,
the parts bins."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeAlias

import asyncpg

from services.refurbishment.bench.domain import WorkOrder
from services.refurbishment.erasure.domain import OfficerTraining
from services.refurbishment.parts.domain import Part, PartCreate
from shared.rows import row_as, rows_as

_ORDER = """
SELECT o.id, o.device_id, d.label, d.device_type, o.workshop_id, w.name AS workshop_name,
       EXISTS (SELECT 1 FROM erasures e WHERE e.work_order_id = o.id
               AND e.issued_at IS NOT NULL) AS erased,
       g.work_order_id IS NOT NULL AS graded, coalesce(g.functional_pass, false) AS functional_pass,
       o.closed_at IS NOT NULL AS closed, split_part(coalesce(o.outcome, 'open'), ':', 1) AS state,
       o.opened_at,
       o.assigned_to,
       o.step_minutes + coalesce((SELECT sum(r.minutes) FROM repairs r
                                  WHERE r.work_order_id = o.id), 0)::integer AS minutes_spent
FROM work_orders o
JOIN known_devices d ON d.device_id = o.device_id
JOIN workshops w ON w.id = o.workshop_id
LEFT JOIN gradings g ON g.work_order_id = o.id
"""

_PART_COLUMNS = (
    "id, workshop_id, name, kind, condition, quantity, from_work_order_id, added_by, added_at"
)

Connection: TypeAlias = asyncpg.Connection | asyncpg.Pool


class BenchStore:
    """The workshop's rows, on one connection: the unit of work builds it on its transaction
    for the use cases; the pages' reads build it on the pool."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    async def upsert_workshop(
        self,
        workshop_id: uuid.UUID,
        name: str,
        commune: str,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> None:
        await self.connection.execute(
            "INSERT INTO workshops (id, name, commune, latitude, longitude) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE "
            "SET name = $2, commune = $3, latitude = $4, longitude = $5",
            workshop_id,
            name,
            commune,
            latitude,
            longitude,
        )

    async def workshop_name(self, workshop_id: uuid.UUID) -> str | None:
        name: str | None = await self.connection.fetchval(
            "SELECT name FROM workshops WHERE id = $1", workshop_id
        )
        return name

    async def remember_devices(self, devices: Sequence[tuple[uuid.UUID, str, str]]) -> None:
        """Remember each (device, label, device type) not known yet, in one statement."""
        await self.connection.execute(
            "INSERT INTO known_devices (device_id, label, device_type) "
            "SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
            [device for device, _, _ in devices],
            [label for _, label, _ in devices],
            [device_type for _, _, device_type in devices],
        )

    async def device_by_label(self, label: str) -> asyncpg.Record | None:
        return await self.connection.fetchrow(
            "SELECT device_id, device_type FROM known_devices WHERE label = $1", label
        )

    async def next_event_version(self, device_id: uuid.UUID) -> int:
        """Number this workshop's facts about a device 1, 2, 3… so inventory applies them in
        order."""
        version: int = await self.connection.fetchval(
            "UPDATE known_devices SET last_event_version = last_event_version + 1 "
            "WHERE device_id = $1 RETURNING last_event_version",
            device_id,
        )
        return version

    async def open_work_order(
        self,
        order_id: uuid.UUID,
        device_id: uuid.UUID,
        workshop_id: uuid.UUID,
        by: str,
    ) -> bool:
        """False when the device already has an open work order."""
        opened = await self.connection.fetchval(
            "INSERT INTO work_orders (id, device_id, workshop_id, opened_by) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true",
            order_id,
            device_id,
            workshop_id,
            by,
        )
        return bool(opened)

    async def open_order_of(self, device_id: uuid.UUID) -> WorkOrder | None:
        row = await self.connection.fetchrow(
            _ORDER + "WHERE o.device_id = $1 AND o.closed_at IS NULL", device_id
        )
        return row_as(WorkOrder, row)

    async def get_work_order(self, order_id: uuid.UUID, lock: bool = False) -> WorkOrder | None:
        if lock:
            await self.connection.execute(
                "SELECT 1 FROM work_orders WHERE id = $1 FOR UPDATE", order_id
            )
        row = await self.connection.fetchrow(_ORDER + "WHERE o.id = $1", order_id)
        return row_as(WorkOrder, row)

    async def assign_work_order(self, order_id: uuid.UUID, person: str) -> None:
        await self.connection.execute(
            "UPDATE work_orders SET assigned_to = $2, assigned_at = now() WHERE id = $1",
            order_id,
            person,
        )

    async def add_step_minutes(self, order_id: uuid.UUID, minutes: int | None) -> None:
        """Time spent on a diagnosis or a grading, added to the work order's."""
        if minutes:
            await self.connection.execute(
                "UPDATE work_orders SET step_minutes = step_minutes + $2 WHERE id = $1",
                order_id,
                minutes,
            )

    async def close_work_order(self, order_id: uuid.UUID, outcome: str, note: str = "") -> None:
        await self.connection.execute(
            "UPDATE work_orders SET outcome = $2, outcome_note = $3, closed_at = now() "
            "WHERE id = $1",
            order_id,
            outcome,
            note,
        )

    async def closed_work_orders(self, limit: int = 10_000) -> list[asyncpg.Record]:
        """Finished stays, newest first, with what the open repair data needs."""
        return await self.connection.fetch(
            """SELECT o.id, d.device_type, o.workshop_id, o.outcome, o.outcome_note, o.closed_at,
                      g.grade, coalesce(g.specs ->> 'brand', '') AS brand,
                      ARRAY(SELECT DISTINCT action ->> 'kind'
                            FROM repairs r, jsonb_array_elements(r.body -> 'actions') AS action
                            WHERE r.work_order_id = o.id ORDER BY 1) AS repair_kinds
               FROM work_orders o
               JOIN known_devices d ON d.device_id = o.device_id
               LEFT JOIN gradings g ON g.work_order_id = o.id
               WHERE o.closed_at IS NOT NULL ORDER BY o.closed_at DESC LIMIT $1""",
            limit,
        )

    async def insert_erasure(
        self,
        erasure_id: uuid.UUID,
        order_id: uuid.UUID,
        body: dict[str, Any],
        performed_by: str,
        no_storage: bool = False,
        training: str | None = None,
    ) -> None:
        await self.connection.execute(
            "INSERT INTO erasures (id, work_order_id, body, performed_by, no_storage, "
            "performer_training) VALUES ($1, $2, $3, $4, $5, $6)",
            erasure_id,
            order_id,
            body,
            performed_by,
            no_storage,
            training,
        )

    async def pending_erasure(self, erasure_id: uuid.UUID) -> asyncpg.Record | None:
        return await self.connection.fetchrow(
            "SELECT id, work_order_id, body, performed_by, performer_training, issued_at "
            "FROM erasures "
            "WHERE id = $1 FOR UPDATE",
            erasure_id,
        )

    async def issue_certificate(
        self,
        erasure_id: uuid.UUID,
        validated_by: str,
        pdf: bytes | None,
        sha256: str | None,
        issued_at: datetime,
        training: str | None = None,
    ) -> None:
        await self.connection.execute(
            "UPDATE erasures SET validated_by = $2, certificate_pdf = $3, certificate_sha256 = $4, "
            "issued_at = $5, validator_training = $6 WHERE id = $1",
            erasure_id,
            validated_by,
            pdf,
            sha256,
            issued_at,
            training,
        )

    async def erasure_trainings_of(self, account_id: str) -> list[OfficerTraining]:
        """The erasure trainings group_purchase announced for this account."""
        rows = await self.connection.fetch(
            "SELECT id, account_id, course, reference, valid_from, valid_until "
            "FROM officer_trainings WHERE account_id = $1 AND course = 'data_erasure'",
            account_id,
        )
        return rows_as(OfficerTraining, rows)

    async def remember_training(self, training: OfficerTraining) -> None:
        """A training announced again (a redelivery) is kept once."""
        await self.connection.execute(
            "INSERT INTO officer_trainings (id, account_id, course, reference, valid_from, "
            "valid_until) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            training.id,
            training.account_id,
            training.course,
            training.reference,
            training.valid_from,
            training.valid_until,
        )

    async def certificate_by_hash(self, sha256: str) -> asyncpg.Record | None:
        return await self.connection.fetchrow(
            """SELECT e.id, e.issued_at, d.label, w.name AS workshop_name
               FROM erasures e
               JOIN work_orders o ON o.id = e.work_order_id
               JOIN known_devices d ON d.device_id = o.device_id
               JOIN workshops w ON w.id = o.workshop_id
               WHERE e.certificate_sha256 = $1""",
            sha256,
        )

    async def certificate_pdf(self, erasure_id: uuid.UUID) -> asyncpg.Record | None:
        return await self.connection.fetchrow(
            "SELECT e.certificate_pdf, o.workshop_id FROM erasures e "
            "JOIN work_orders o ON o.id = e.work_order_id "
            "WHERE e.id = $1 AND e.issued_at IS NOT NULL",
            erasure_id,
        )

    async def save_grading(
        self,
        order_id: uuid.UUID,
        grade: str,
        functional_pass: bool,
        battery_health: int | None,
        specs: dict[str, Any],
        by: str,
    ) -> None:
        await self.connection.execute(
            """INSERT INTO gradings
                   (work_order_id, grade, functional_pass, battery_health, specs, graded_by)
               VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (work_order_id) DO UPDATE SET grade = $2, functional_pass = $3,
                   battery_health = $4, specs = $5, graded_by = $6, graded_at = now()""",
            order_id,
            grade,
            functional_pass,
            battery_health,
            specs,
            by,
        )

    # Reads of the bench pages: a workshop's board and one work order's steps.

    async def workshops_reachable(
        self,
        ids: list[uuid.UUID] | None,
        after: tuple[str | None, uuid.UUID | None] = (None, None),
        limit: int | None = None,
    ) -> list[Any]:
        """The workshops with these ids (all of them when ``ids`` is None), by name; those
        ``after`` a name and id, ``limit`` at most, for a page."""
        return await self.connection.fetch(
            "SELECT id, name, commune, latitude, longitude FROM workshops "
            "WHERE ($1::uuid[] IS NULL OR id = ANY($1)) "
            "AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid)) ORDER BY name, id LIMIT $4",
            ids,
            *after,
            limit,
        )

    async def open_orders_at(self, workshop_id: uuid.UUID) -> list[Any]:
        """The open work orders of a workshop, oldest first, with whether an erasure awaits
        its second officer."""
        return await self.open_orders_in([workshop_id])

    async def open_orders_in(self, workshop_ids: list[uuid.UUID] | None) -> list[Any]:
        """The open work orders of these workshops (all when None), oldest first, with
        whether an erasure awaits its second officer."""
        return await self.connection.fetch(
            """SELECT board.*,
                      EXISTS (SELECT 1 FROM erasures e WHERE e.work_order_id = board.id
                              AND e.issued_at IS NULL) AS awaiting_validation
               FROM ("""
            + _ORDER
            + """WHERE ($1::uuid[] IS NULL OR o.workshop_id = ANY($1))
                    AND o.closed_at IS NULL) AS board
               ORDER BY board.opened_at, board.id""",
            workshop_ids,
        )

    async def work_orders(
        self,
        workshops: list[uuid.UUID] | None,
        state: str | None,
        label: str | None,
        after: tuple[datetime | None, uuid.UUID | None],
        limit: int,
    ) -> list[WorkOrder]:
        """Work orders of these workshops (all when None) in ``state``, for ``label``, the
        oldest opened first: ``after`` an opening time and id, ``limit`` at most."""
        rows = await self.connection.fetch(
            _ORDER
            + """WHERE ($1::uuid[] IS NULL OR o.workshop_id = ANY($1))
                 AND ($2::text IS NULL OR split_part(coalesce(o.outcome, 'open'), ':', 1) = $2)
                 AND ($3::text IS NULL OR d.label = $3)
                 AND ($4::timestamptz IS NULL OR (o.opened_at, o.id) > ($4, $5::uuid))
               ORDER BY o.opened_at, o.id LIMIT $6""",
            workshops,
            state,
            label,
            *after,
            limit,
        )
        return rows_as(WorkOrder, rows)

    async def recently_closed_at(self, workshop_id: uuid.UUID, limit: int = 20) -> list[Any]:
        return await self.connection.fetch(
            """SELECT o.id, d.label, d.device_type, o.outcome, o.closed_at
               FROM work_orders o JOIN known_devices d ON d.device_id = o.device_id
               WHERE o.workshop_id = $1 AND o.closed_at IS NOT NULL
               ORDER BY o.closed_at DESC LIMIT $2""",
            workshop_id,
            limit,
        )

    async def order_stay(self, order_id: uuid.UUID) -> asyncpg.Record | None:
        """When and by whom a work order was opened, and how it ended."""
        return await self.connection.fetchrow(
            "SELECT opened_at, opened_by, outcome, closed_at FROM work_orders WHERE id = $1",
            order_id,
        )

    async def erasures_of(self, order_id: uuid.UUID) -> list[Any]:
        return await self.connection.fetch(
            """SELECT id, body, no_storage, performed_by, prepared_at, validated_by,
                      certificate_sha256, certificate_pdf IS NOT NULL AS has_pdf, issued_at
               FROM erasures WHERE work_order_id = $1 ORDER BY prepared_at""",
            order_id,
        )

    async def grading_of(self, order_id: uuid.UUID) -> asyncpg.Record | None:
        return await self.connection.fetchrow(
            """SELECT grade, functional_pass, battery_health, specs, graded_by, graded_at
               FROM gradings WHERE work_order_id = $1""",
            order_id,
        )

    # Diagnosis and repairs: facts of the stay that change no lifecycle state.

    async def last_event_version(self, device_id: uuid.UUID) -> int:
        """The number of the last lifecycle fact stated about the device (0 before any)."""
        version: int = await self.connection.fetchval(
            "SELECT last_event_version FROM known_devices WHERE device_id = $1", device_id
        )
        return version

    async def save_diagnosis(self, order_id: uuid.UUID, body: dict[str, Any], by: str) -> None:
        await self.connection.execute(
            """INSERT INTO diagnoses (work_order_id, body, diagnosed_by) VALUES ($1, $2, $3)
               ON CONFLICT (work_order_id) DO UPDATE
               SET body = $2, diagnosed_by = $3, diagnosed_at = now()""",
            order_id,
            body,
            by,
        )

    async def diagnosis_of(self, order_id: uuid.UUID) -> asyncpg.Record | None:
        return await self.connection.fetchrow(
            "SELECT body, diagnosed_by, diagnosed_at FROM diagnoses WHERE work_order_id = $1",
            order_id,
        )

    async def insert_repair(
        self,
        repair_id: uuid.UUID,
        order_id: uuid.UUID,
        body: dict[str, Any],
        minutes: int,
        by: str,
    ) -> None:
        await self.connection.execute(
            "INSERT INTO repairs (id, work_order_id, body, minutes, repaired_by) "
            "VALUES ($1, $2, $3, $4, $5)",
            repair_id,
            order_id,
            body,
            minutes,
            by,
        )

    async def repairs_of(self, order_id: uuid.UUID) -> list[Any]:
        return await self.connection.fetch(
            """SELECT id, body, minutes, repaired_by, repaired_at FROM repairs
               WHERE work_order_id = $1 ORDER BY repaired_at""",
            order_id,
        )

    # The parts bin of a workshop.

    async def add_part(
        self,
        part_id: uuid.UUID,
        workshop_id: uuid.UUID,
        part: PartCreate,
        by: str,
        from_work_order_id: uuid.UUID | None = None,
    ) -> Part:
        row = await self.connection.fetchrow(
            "INSERT INTO parts (id, workshop_id, name, kind, condition, quantity, "
            "from_work_order_id, added_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "RETURNING " + _PART_COLUMNS,
            part_id,
            workshop_id,
            part.name,
            part.kind,
            part.condition,
            part.quantity,
            from_work_order_id,
            by,
        )
        added = row_as(Part, row)
        assert added is not None
        return added

    async def parts_in_stock(self, workshop_id: uuid.UUID) -> list[Part]:
        """The parts a workshop holds, by name, oldest first."""
        rows = await self.connection.fetch(
            f"SELECT {_PART_COLUMNS} FROM parts "
            "WHERE workshop_id = $1 AND quantity > 0 ORDER BY lower(name), added_at",
            workshop_id,
        )
        return rows_as(Part, rows)

    async def take_part(self, workshop_id: uuid.UUID, name: str) -> bool:
        """One part of this name (any case) out of the bin, oldest first; False when none is
        left."""
        taken = await self.connection.fetchval(
            """UPDATE parts SET quantity = quantity - 1
               WHERE id = (SELECT id FROM parts
                           WHERE workshop_id = $1 AND lower(name) = lower($2) AND quantity > 0
                           ORDER BY condition = 'working' DESC, added_at LIMIT 1 FOR UPDATE)
               RETURNING true""",
            workshop_id,
            name.strip(),
        )
        return bool(taken)
