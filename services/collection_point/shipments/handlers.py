"""Shipments from a collection point to a workshop: a box opened for a workshop, devices
scanned into it, dispatched (one event, same transaction), closed by the workshop's receipt
with what was missing or unexpected. One transaction per use case; SQL kept alongside."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import asyncpg
import msgspec

from services.collection_point.access import reachable_point
from shared.auth import Principal
from shared.contracts.collection import ShipmentDispatched, ShippedDevice
from shared.contracts.refurbishment import ShipmentReceived, WorkshopRegistered
from shared.db import transaction
from shared.errors import DomainError, NotFound
from shared.events import utc_now, uuid7
from shared.labels import format_code, parse_code
from shared.logging import contextvars, get_logger
from shared.outbox import add_events

PRODUCER = "collection_point"
AT_THE_POINT = (None, "received")  # inventory's word for a device still here (None: not yet said)
LIST_LIMIT = 50
log = get_logger("boucle.collection_point")

ShipmentStatus = Literal["open", "dispatched", "received"]
DeviceStatus = Literal["packed", "received", "missing", "unexpected"]


class ShipmentRefused(DomainError):
    """A shipment request refused (its code says which, ``shipment.*``)."""


class ShipmentConflict(ShipmentRefused):
    """Refused because of what the device or the shipment has become meanwhile."""

    status_code = 409


class ShipmentOpen(msgspec.Struct, frozen=True, kw_only=True):
    workshop_id: uuid.UUID
    id: uuid.UUID | None = None
    """Chosen by the client so that a form sent twice opens one shipment."""


class ShipmentScan(msgspec.Struct, frozen=True, kw_only=True):
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Workshop(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    commune: str = ""


class PackedDevice(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    label_display: str
    device_id: uuid.UUID | None
    status: DeviceStatus
    device_type: str = ""


class Shipment(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    collection_point_id: uuid.UUID
    workshop_id: uuid.UUID
    workshop_name: str
    status: ShipmentStatus
    opened_by: str
    opened_at: datetime
    dispatched_at: datetime | None = None
    received_at: datetime | None = None
    devices: list[PackedDevice] = msgspec.field(default_factory=list)

    def labelled(self, status: DeviceStatus) -> list[PackedDevice]:
        return [device for device in self.devices if device.status == status]


class ShipmentSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    workshop_id: uuid.UUID
    workshop_name: str
    status: ShipmentStatus
    opened_at: datetime
    dispatched_at: datetime | None = None
    received_at: datetime | None = None
    devices: int = 0
    """Devices packed (unexpected ones aside)."""
    flagged: int = 0
    """Devices the workshop reported missing or unexpected."""


class ShipmentPage(msgspec.Struct, frozen=True, kw_only=True):
    shipments: list[ShipmentSummary]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


_SHIPMENT = (
    "SELECT id, collection_point_id, workshop_id, workshop_name, status, opened_by, opened_at, "
    "dispatched_at, received_at FROM shipments"
)


# use cases


async def open_shipment(
    pool: asyncpg.Pool, principal: Principal, point_id: uuid.UUID, command: ShipmentOpen
) -> Shipment:
    """Open a box or a pallet at the point for a workshop that refurbishment announced."""
    shipment_id = command.id or uuid7()
    async with transaction(pool) as connection:
        await reachable_point(connection, principal, point_id)
        workshop = await connection.fetchrow(
            "SELECT name FROM workshops WHERE id = $1", command.workshop_id
        )
        if workshop is None:
            raise ShipmentRefused(
                f"No workshop {command.workshop_id} is known here: choose one of the "
                "workshops listed (a new workshop appears once refurbishment registers it).",
                code="shipment.unknown_workshop",
            )
        await connection.execute(
            "INSERT INTO shipments (id, collection_point_id, workshop_id, workshop_name, "
            "opened_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
            shipment_id,
            point_id,
            command.workshop_id,
            workshop["name"],
            principal.sub,
        )
        return await _shipment(connection, point_id, shipment_id)


async def pack_device(
    pool: asyncpg.Pool,
    principal: Principal,
    point_id: uuid.UUID,
    shipment_id: uuid.UUID,
    label: str,
) -> PackedDevice:
    """Put a device received at this point, and still here, into an open shipment (a label
    scanned twice packs it once)."""
    code = parse_code(label)
    display = format_code(code)
    async with transaction(pool) as connection:
        shipment = await _open_shipment_locked(connection, principal, point_id, shipment_id)
        intake = await connection.fetchrow(
            "SELECT device_id, device_type, collection_point_id, inventory_state FROM intakes "
            "WHERE label = $1",
            code,
        )
        if intake is None:
            raise ShipmentRefused(
                f"No device received at a collection point carries the label {display}: "
                "check the label, or register the donation at the counter first.",
                code="shipment.not_collected",
                label=display,
            )
        if intake["collection_point_id"] != point_id:
            raise ShipmentRefused(
                f"The device {display} was received at another collection point: "
                "it leaves from there, in a shipment of that point.",
                code="shipment.other_point",
                label=display,
            )
        if intake["inventory_state"] not in AT_THE_POINT:
            raise ShipmentConflict(
                f"The device {display} is {intake['inventory_state']} in inventory: only a "
                "device still at the point can be shipped.",
                code="shipment.not_here",
                label=display,
                state=intake["inventory_state"],
            )
        elsewhere = await connection.fetchval(
            "SELECT shipment_id FROM shipment_devices WHERE device_id = $1 AND status = 'packed'",
            intake["device_id"],
        )
        if elsewhere is not None and elsewhere != shipment.id:
            raise _in_other_shipment(display)
        if elsewhere is None:
            try:
                await connection.execute(
                    "INSERT INTO shipment_devices (shipment_id, label, device_id) "
                    "VALUES ($1, $2, $3)",
                    shipment.id,
                    code,
                    intake["device_id"],
                )
            except asyncpg.UniqueViolationError as error:  # packed elsewhere at this moment
                raise _in_other_shipment(display) from error
    return PackedDevice(
        label=code,
        label_display=display,
        device_id=intake["device_id"],
        status="packed",
        device_type=intake["device_type"],
    )


async def unpack_device(
    pool: asyncpg.Pool,
    principal: Principal,
    point_id: uuid.UUID,
    shipment_id: uuid.UUID,
    label: str,
) -> None:
    """Take a device out of an open shipment (one not in it: nothing to do)."""
    code = parse_code(label)
    async with transaction(pool) as connection:
        shipment = await _open_shipment_locked(connection, principal, point_id, shipment_id)
        await connection.execute(
            "DELETE FROM shipment_devices WHERE shipment_id = $1 AND label = $2",
            shipment.id,
            code,
        )


async def dispatch_shipment(
    pool: asyncpg.Pool, principal: Principal, point_id: uuid.UUID, shipment_id: uuid.UUID
) -> Shipment:
    """Send the shipment: its event goes out in the same transaction. An empty shipment, or
    one holding a device that left the point meanwhile, is refused whole. Sent twice, the
    second answer is the first shipment."""
    async with transaction(pool) as connection:
        point = await reachable_point(connection, principal, point_id)
        shipment = await _shipment(connection, point_id, shipment_id, lock=True)
        if shipment.status != "open":
            return shipment
        if not shipment.devices:
            raise ShipmentRefused(
                "The shipment is empty: scan the devices into it before dispatching it.",
                code="shipment.empty",
            )
        gone = await connection.fetch(
            "SELECT i.label, i.inventory_state FROM shipment_devices d "
            "JOIN intakes i ON i.device_id = d.device_id WHERE d.shipment_id = $1 "
            "AND i.inventory_state IS NOT NULL AND i.inventory_state <> 'received' "
            "ORDER BY i.label",
            shipment.id,
        )
        if gone:
            labels = ", ".join(format_code(row["label"]) for row in gone)
            raise ShipmentConflict(
                f"These devices are no longer at the point: {labels}. Take them out of the "
                "shipment, then dispatch it.",
                code="shipment.left_the_point",
                labels=labels,
            )
        now = utc_now()
        await connection.execute(
            "UPDATE shipments SET status = 'dispatched', dispatched_at = $2 WHERE id = $1",
            shipment.id,
            now,
        )
        devices = await connection.fetch(
            "SELECT d.device_id, d.label, i.device_type FROM shipment_devices d "
            "JOIN intakes i ON i.device_id = d.device_id WHERE d.shipment_id = $1 "
            "ORDER BY d.label",
            shipment.id,
        )
        event = ShipmentDispatched(
            producer=PRODUCER,
            aggregate_id=shipment.id,
            correlation_id=contextvars.get_contextvars().get("correlation_id", ""),
            collection_point_id=point_id,
            collection_point_name=point.name,
            workshop_id=shipment.workshop_id,
            workshop_name=shipment.workshop_name,
            devices=[ShippedDevice(**dict(row)) for row in devices],
            dispatched_at=now,
        )
        await add_events(connection, [event])
        return await _shipment(connection, point_id, shipment_id)


def _in_other_shipment(display: str) -> ShipmentConflict:
    return ShipmentConflict(
        f"The device {display} is already packed in another shipment: take it out of that "
        "one first.",
        code="shipment.in_other_shipment",
        label=display,
    )


async def _open_shipment_locked(
    connection: asyncpg.Connection,
    principal: Principal,
    point_id: uuid.UUID,
    shipment_id: uuid.UUID,
) -> Shipment:
    await reachable_point(connection, principal, point_id)
    shipment = await _shipment(connection, point_id, shipment_id, lock=True)
    if shipment.status != "open":
        raise ShipmentConflict(
            "This shipment has been dispatched: its contents can no longer change.",
            code="shipment.not_open",
        )
    return shipment


# what refurbishment says


async def learn_workshop(connection: asyncpg.Connection, event: WorkshopRegistered) -> None:
    """Keep the newest announcement of each workshop (announcements may come out of order)."""
    await connection.execute(
        "INSERT INTO workshops (id, name, commune, announced_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (id) DO UPDATE SET name = $2, commune = $3, announced_at = $4 "
        "WHERE workshops.announced_at <= $4",
        event.aggregate_id,
        event.workshop_name,
        event.commune,
        event.occurred_at,
    )


async def close_on_receipt(connection: asyncpg.Connection, event: ShipmentReceived) -> None:
    """The workshop said what arrived: the shipment is closed, each packed device marked
    received or missing, and each unexpected one added as such."""
    closed = await connection.fetchval(
        "UPDATE shipments SET status = 'received', received_at = $2 "
        "WHERE id = $1 AND workshop_id = $3 AND status = 'dispatched' RETURNING true",
        event.aggregate_id,
        event.occurred_at,
        event.workshop_id,
    )
    if not closed:
        log.warning("shipment_receipt_ignored", shipment_id=str(event.aggregate_id))
        return
    for status, labels in (("received", event.received_labels), ("missing", event.missing_labels)):
        await connection.execute(
            "UPDATE shipment_devices SET status = $3 WHERE shipment_id = $1 "
            "AND label = ANY($2::text[])",
            event.aggregate_id,
            labels,
            status,
        )
    await connection.execute(
        "INSERT INTO shipment_devices (shipment_id, label, device_id, status) "
        "SELECT $1, label, (SELECT device_id FROM intakes WHERE intakes.label = unexpected.label), "
        "'unexpected' FROM unnest($2::text[]) AS unexpected (label) ON CONFLICT DO NOTHING",
        event.aggregate_id,
        event.unexpected_labels,
    )
    # a packed device the workshop did not mention did not arrive either
    await connection.execute(
        "UPDATE shipment_devices SET status = 'missing' WHERE shipment_id = $1 "
        "AND status = 'packed'",
        event.aggregate_id,
    )


# reading


async def known_workshops(connection: asyncpg.Connection | asyncpg.Pool) -> list[Workshop]:
    rows = await connection.fetch("SELECT id, name, commune FROM workshops ORDER BY name, id")
    return [Workshop(**dict(row)) for row in rows]


async def shipments_of(
    connection: asyncpg.Connection | asyncpg.Pool,
    point_id: uuid.UUID,
    status: ShipmentStatus | None = None,
    after: tuple[datetime | None, uuid.UUID | None] = (None, None),
    limit: int = LIST_LIMIT,
) -> list[ShipmentSummary]:
    """The point's shipments with ``status`` (any if None), newest first, with how many
    devices each holds and lacks: ``after`` an opening time and id, ``limit`` at most."""
    rows = await connection.fetch(
        "SELECT s.id, s.workshop_id, s.workshop_name, s.status, s.opened_at, s.dispatched_at, "
        "s.received_at, count(d.label) FILTER (WHERE d.status <> 'unexpected') AS devices, "
        "count(d.label) FILTER (WHERE d.status IN ('missing', 'unexpected')) AS flagged "
        "FROM shipments s LEFT JOIN shipment_devices d ON d.shipment_id = s.id "
        "WHERE s.collection_point_id = $1 AND ($2::text IS NULL OR s.status = $2) "
        "AND ($3::timestamptz IS NULL OR (s.opened_at, s.id) < ($3, $4::uuid)) "
        "GROUP BY s.id ORDER BY s.opened_at DESC, s.id DESC LIMIT $5",
        point_id,
        status,
        *after,
        limit,
    )
    return [ShipmentSummary(**dict(row)) for row in rows]


async def get_shipment(
    pool: asyncpg.Pool, principal: Principal, point_id: uuid.UUID, shipment_id: uuid.UUID
) -> Shipment:
    async with pool.acquire() as connection:
        await reachable_point(connection, principal, point_id)
        return await _shipment(connection, point_id, shipment_id)


async def _shipment(
    connection: asyncpg.Connection, point_id: uuid.UUID, shipment_id: uuid.UUID, lock: bool = False
) -> Shipment:
    row = await connection.fetchrow(
        f"{_SHIPMENT} WHERE id = $1 AND collection_point_id = $2{' FOR UPDATE' if lock else ''}",
        shipment_id,
        point_id,
    )
    if row is None:
        raise NotFound(
            f"No shipment {shipment_id} at this collection point.", code="shipment.not_found"
        )
    devices = await connection.fetch(
        "SELECT d.label, d.device_id, d.status, coalesce(i.device_type, '') AS device_type "
        "FROM shipment_devices d LEFT JOIN intakes i ON i.device_id = d.device_id "
        "WHERE d.shipment_id = $1 ORDER BY d.added_at, d.label",
        shipment_id,
    )
    return Shipment(
        **dict(row),
        devices=[
            PackedDevice(label_display=format_code(device["label"]), **dict(device))
            for device in devices
        ],
    )
