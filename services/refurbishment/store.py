"""SQL of the refurbishment schema."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeAlias

import asyncpg

from services.refurbishment.bench.domain import WorkOrder
from services.refurbishment.parts.domain import Part, PartCreate

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

Connection: TypeAlias = asyncpg.Connection | asyncpg.Pool


async def upsert_workshop(
    connection: Connection,
    workshop_id: uuid.UUID,
    name: str,
    commune: str,
    latitude: float | None = None,
    longitude: float | None = None,
) -> None:
    await connection.execute(
        "INSERT INTO workshops (id, name, commune, latitude, longitude) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE "
        "SET name = $2, commune = $3, latitude = $4, longitude = $5",
        workshop_id,
        name,
        commune,
        latitude,
        longitude,
    )


async def workshop_name(connection: Connection, workshop_id: uuid.UUID) -> str | None:
    name: str | None = await connection.fetchval(
        "SELECT name FROM workshops WHERE id = $1", workshop_id
    )
    return name


async def remember_devices(
    connection: Connection, devices: Sequence[tuple[uuid.UUID, str, str]]
) -> None:
    """Remember each (device, label, device type) not known yet, in one statement."""
    await connection.execute(
        "INSERT INTO known_devices (device_id, label, device_type) "
        "SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
        [device for device, _, _ in devices],
        [label for _, label, _ in devices],
        [device_type for _, _, device_type in devices],
    )


async def device_by_label(connection: Connection, label: str) -> asyncpg.Record | None:
    return await connection.fetchrow(
        "SELECT device_id, device_type FROM known_devices WHERE label = $1", label
    )


async def next_event_version(connection: asyncpg.Connection, device_id: uuid.UUID) -> int:
    """Number this workshop's facts about a device 1, 2, 3… so inventory applies them in order."""
    version: int = await connection.fetchval(
        "UPDATE known_devices SET last_event_version = last_event_version + 1 "
        "WHERE device_id = $1 RETURNING last_event_version",
        device_id,
    )
    return version


async def open_work_order(
    connection: asyncpg.Connection,
    order_id: uuid.UUID,
    device_id: uuid.UUID,
    workshop_id: uuid.UUID,
    by: str,
) -> bool:
    """False when the device already has an open work order."""
    opened = await connection.fetchval(
        "INSERT INTO work_orders (id, device_id, workshop_id, opened_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT DO NOTHING RETURNING true",
        order_id,
        device_id,
        workshop_id,
        by,
    )
    return bool(opened)


async def open_order_of(connection: Connection, device_id: uuid.UUID) -> WorkOrder | None:
    row = await connection.fetchrow(
        _ORDER + "WHERE o.device_id = $1 AND o.closed_at IS NULL", device_id
    )
    return WorkOrder(**dict(row)) if row else None


async def get_work_order(
    connection: Connection, order_id: uuid.UUID, lock: bool = False
) -> WorkOrder | None:
    if lock:
        await connection.execute("SELECT 1 FROM work_orders WHERE id = $1 FOR UPDATE", order_id)
    row = await connection.fetchrow(_ORDER + "WHERE o.id = $1", order_id)
    return WorkOrder(**dict(row)) if row else None


async def assign_work_order(
    connection: asyncpg.Connection, order_id: uuid.UUID, person: str
) -> None:
    await connection.execute(
        "UPDATE work_orders SET assigned_to = $2, assigned_at = now() WHERE id = $1",
        order_id,
        person,
    )


async def add_step_minutes(
    connection: asyncpg.Connection, order_id: uuid.UUID, minutes: int | None
) -> None:
    """Time spent on a diagnosis or a grading, added to the work order's."""
    if minutes:
        await connection.execute(
            "UPDATE work_orders SET step_minutes = step_minutes + $2 WHERE id = $1",
            order_id,
            minutes,
        )


async def close_work_order(
    connection: asyncpg.Connection, order_id: uuid.UUID, outcome: str, note: str = ""
) -> None:
    await connection.execute(
        "UPDATE work_orders SET outcome = $2, outcome_note = $3, closed_at = now() WHERE id = $1",
        order_id,
        outcome,
        note,
    )


async def closed_work_orders(connection: Connection, limit: int = 10_000) -> list[asyncpg.Record]:
    """Finished stays, newest first, with what the open repair data needs."""
    return await connection.fetch(
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
    connection: asyncpg.Connection,
    erasure_id: uuid.UUID,
    order_id: uuid.UUID,
    body: dict[str, Any],
    performed_by: str,
    no_storage: bool = False,
) -> None:
    await connection.execute(
        "INSERT INTO erasures (id, work_order_id, body, performed_by, no_storage) "
        "VALUES ($1, $2, $3, $4, $5)",
        erasure_id,
        order_id,
        body,
        performed_by,
        no_storage,
    )


async def pending_erasure(
    connection: asyncpg.Connection, erasure_id: uuid.UUID
) -> asyncpg.Record | None:
    return await connection.fetchrow(
        "SELECT id, work_order_id, body, performed_by, issued_at FROM erasures "
        "WHERE id = $1 FOR UPDATE",
        erasure_id,
    )


async def issue_certificate(
    connection: asyncpg.Connection,
    erasure_id: uuid.UUID,
    validated_by: str,
    pdf: bytes | None,
    sha256: str | None,
    issued_at: datetime,
) -> None:
    await connection.execute(
        "UPDATE erasures SET validated_by = $2, certificate_pdf = $3, certificate_sha256 = $4, "
        "issued_at = $5 WHERE id = $1",
        erasure_id,
        validated_by,
        pdf,
        sha256,
        issued_at,
    )


async def certificate_by_hash(connection: Connection, sha256: str) -> asyncpg.Record | None:
    return await connection.fetchrow(
        """SELECT e.id, e.issued_at, d.label, w.name AS workshop_name
           FROM erasures e
           JOIN work_orders o ON o.id = e.work_order_id
           JOIN known_devices d ON d.device_id = o.device_id
           JOIN workshops w ON w.id = o.workshop_id
           WHERE e.certificate_sha256 = $1""",
        sha256,
    )


async def certificate_pdf(connection: Connection, erasure_id: uuid.UUID) -> asyncpg.Record | None:
    return await connection.fetchrow(
        "SELECT e.certificate_pdf, o.workshop_id FROM erasures e "
        "JOIN work_orders o ON o.id = e.work_order_id WHERE e.id = $1 AND e.issued_at IS NOT NULL",
        erasure_id,
    )


async def save_grading(
    connection: asyncpg.Connection,
    order_id: uuid.UUID,
    grade: str,
    functional_pass: bool,
    battery_health: int | None,
    specs: dict[str, Any],
    by: str,
) -> None:
    await connection.execute(
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
    connection: Connection,
    ids: list[uuid.UUID] | None,
    after: tuple[str | None, uuid.UUID | None] = (None, None),
    limit: int | None = None,
) -> list[Any]:
    """The workshops with these ids (all of them when ``ids`` is None), by name; those
    ``after`` a name and id, ``limit`` at most, for a page."""
    return await connection.fetch(
        "SELECT id, name, commune, latitude, longitude FROM workshops "
        "WHERE ($1::uuid[] IS NULL OR id = ANY($1)) "
        "AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid)) ORDER BY name, id LIMIT $4",
        ids,
        *after,
        limit,
    )


async def open_orders_at(connection: Connection, workshop_id: uuid.UUID) -> list[Any]:
    """The open work orders of a workshop, oldest first, with whether an erasure awaits
    its second officer."""
    return await connection.fetch(
        """SELECT board.*,
                  EXISTS (SELECT 1 FROM erasures e WHERE e.work_order_id = board.id
                          AND e.issued_at IS NULL) AS awaiting_validation
           FROM ("""
        + _ORDER
        + """WHERE o.workshop_id = $1 AND o.closed_at IS NULL) AS board
           ORDER BY board.opened_at, board.id""",
        workshop_id,
    )


async def work_orders(
    connection: Connection,
    workshops: list[uuid.UUID] | None,
    state: str | None,
    label: str | None,
    after: tuple[datetime | None, uuid.UUID | None],
    limit: int,
) -> list[WorkOrder]:
    """Work orders of these workshops (all when None) in ``state``, for ``label``, the
    oldest opened first: ``after`` an opening time and id, ``limit`` at most."""
    rows = await connection.fetch(
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
    return [WorkOrder(**dict(row)) for row in rows]


async def recently_closed_at(
    connection: Connection, workshop_id: uuid.UUID, limit: int = 20
) -> list[Any]:
    return await connection.fetch(
        """SELECT o.id, d.label, d.device_type, o.outcome, o.closed_at
           FROM work_orders o JOIN known_devices d ON d.device_id = o.device_id
           WHERE o.workshop_id = $1 AND o.closed_at IS NOT NULL
           ORDER BY o.closed_at DESC LIMIT $2""",
        workshop_id,
        limit,
    )


async def order_stay(connection: Connection, order_id: uuid.UUID) -> asyncpg.Record | None:
    """When and by whom a work order was opened, and how it ended."""
    return await connection.fetchrow(
        "SELECT opened_at, opened_by, outcome, closed_at FROM work_orders WHERE id = $1", order_id
    )


async def erasures_of(connection: Connection, order_id: uuid.UUID) -> list[Any]:
    return await connection.fetch(
        """SELECT id, body, no_storage, performed_by, prepared_at, validated_by,
                  certificate_sha256, certificate_pdf IS NOT NULL AS has_pdf, issued_at
           FROM erasures WHERE work_order_id = $1 ORDER BY prepared_at""",
        order_id,
    )


async def grading_of(connection: Connection, order_id: uuid.UUID) -> asyncpg.Record | None:
    return await connection.fetchrow(
        """SELECT grade, functional_pass, battery_health, specs, graded_by, graded_at
           FROM gradings WHERE work_order_id = $1""",
        order_id,
    )


# Diagnosis and repairs: facts of the stay that change no lifecycle state.


async def last_event_version(connection: asyncpg.Connection, device_id: uuid.UUID) -> int:
    """The number of the last lifecycle fact stated about the device (0 before any)."""
    version: int = await connection.fetchval(
        "SELECT last_event_version FROM known_devices WHERE device_id = $1", device_id
    )
    return version


async def save_diagnosis(
    connection: asyncpg.Connection, order_id: uuid.UUID, body: dict[str, Any], by: str
) -> None:
    await connection.execute(
        """INSERT INTO diagnoses (work_order_id, body, diagnosed_by) VALUES ($1, $2, $3)
           ON CONFLICT (work_order_id) DO UPDATE
           SET body = $2, diagnosed_by = $3, diagnosed_at = now()""",
        order_id,
        body,
        by,
    )


async def diagnosis_of(connection: Connection, order_id: uuid.UUID) -> asyncpg.Record | None:
    return await connection.fetchrow(
        "SELECT body, diagnosed_by, diagnosed_at FROM diagnoses WHERE work_order_id = $1",
        order_id,
    )


async def insert_repair(
    connection: asyncpg.Connection,
    repair_id: uuid.UUID,
    order_id: uuid.UUID,
    body: dict[str, Any],
    minutes: int,
    by: str,
) -> None:
    await connection.execute(
        "INSERT INTO repairs (id, work_order_id, body, minutes, repaired_by) "
        "VALUES ($1, $2, $3, $4, $5)",
        repair_id,
        order_id,
        body,
        minutes,
        by,
    )


async def repairs_of(connection: Connection, order_id: uuid.UUID) -> list[Any]:
    return await connection.fetch(
        """SELECT id, body, minutes, repaired_by, repaired_at FROM repairs
           WHERE work_order_id = $1 ORDER BY repaired_at""",
        order_id,
    )


# The parts bin of a workshop.

_PART = "SELECT id, workshop_id, name, kind, condition, quantity, from_work_order_id, added_by, "
_PART += "added_at FROM parts "


async def add_part(
    connection: Connection,
    part_id: uuid.UUID,
    workshop_id: uuid.UUID,
    part: PartCreate,
    by: str,
    from_work_order_id: uuid.UUID | None = None,
) -> Part:
    row = await connection.fetchrow(
        "INSERT INTO parts (id, workshop_id, name, kind, condition, quantity, "
        "from_work_order_id, added_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "RETURNING id, workshop_id, name, kind, condition, quantity, from_work_order_id, "
        "added_by, added_at",
        part_id,
        workshop_id,
        part.name,
        part.kind,
        part.condition,
        part.quantity,
        from_work_order_id,
        by,
    )
    return Part(**dict(row))


async def parts_in_stock(connection: Connection, workshop_id: uuid.UUID) -> list[Part]:
    """The parts a workshop holds, by name, oldest first."""
    rows = await connection.fetch(
        _PART + "WHERE workshop_id = $1 AND quantity > 0 ORDER BY lower(name), added_at",
        workshop_id,
    )
    return [Part(**dict(row)) for row in rows]


async def take_part(connection: asyncpg.Connection, workshop_id: uuid.UUID, name: str) -> bool:
    """One part of this name (any case) out of the bin, oldest first; False when none is left."""
    taken = await connection.fetchval(
        """UPDATE parts SET quantity = quantity - 1
           WHERE id = (SELECT id FROM parts
                       WHERE workshop_id = $1 AND lower(name) = lower($2) AND quantity > 0
                       ORDER BY condition = 'working' DESC, added_at LIMIT 1 FOR UPDATE)
           RETURNING true""",
        workshop_id,
        name.strip(),
    )
    return bool(taken)
