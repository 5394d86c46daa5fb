"""Shipments arriving at a workshop: learnt from the collection point's dispatch, received by
scanning each device (each scan is the ordinary check-in: a work order opens), closed with
what was received, missing, or there without being expected (checked in all the same)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import asyncpg
import msgspec

from services.refurbishment import store
from services.refurbishment.bench import handlers
from services.refurbishment.bench.domain import CheckIn, WorkOrder
from shared.auth import Principal
from shared.contracts.collection import ShipmentDispatched
from shared.contracts.refurbishment import ShipmentReceived
from shared.db import transaction
from shared.errors import Conflict, NotFound
from shared.events import utc_now
from shared.labels import format_code, parse_code
from shared.listing import page_of, read_cursor
from shared.logging import contextvars
from shared.outbox import add_events

LIST_LIMIT = 50
ReceiptStatus = Literal["expected", "received"]
Arrival = Literal["received", "awaited", "missing", "unexpected"]


class ReceiptClosed(Conflict):
    """A scan into a shipment whose receipt is closed."""

    def __init__(self) -> None:
        super().__init__(
            "The receipt of this shipment is closed: scan the device on the board.",
            code="arrival.closed",
        )


class IncomingDevice(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    label_display: str
    expected: bool
    outcome: Arrival
    """``awaited`` while the receipt is open, ``missing`` once it is closed."""
    scanned_at: datetime | None = None


class IncomingShipment(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    workshop_id: uuid.UUID
    collection_point_name: str
    dispatched_at: datetime
    status: ReceiptStatus
    received_at: datetime | None = None
    devices: list[IncomingDevice] = msgspec.field(default_factory=list)

    def labels(self, outcome: Arrival) -> list[str]:
        """Compact labels of the devices with ``outcome``."""
        return [device.label for device in self.devices if device.outcome == outcome]


class IncomingSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A shipment in a workshop's list, with how many devices it holds and were scanned."""

    id: uuid.UUID
    collection_point_name: str
    dispatched_at: datetime
    status: ReceiptStatus
    received_at: datetime | None
    expected: int
    scanned: int


class IncomingPage(msgspec.Struct, frozen=True, kw_only=True):
    shipments: list[IncomingSummary]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


class ShipmentScan(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ShipmentScanned(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    expected: bool
    work_order_id: uuid.UUID | None


# what collection points say


async def expect_shipment(connection: asyncpg.Connection, event: ShipmentDispatched) -> None:
    """A shipment left a collection point for a workshop: expect it and its devices."""
    await connection.execute(
        "INSERT INTO incoming_shipments (id, workshop_id, collection_point_id, "
        "collection_point_name, dispatched_at) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (id) DO NOTHING",
        event.aggregate_id,
        event.workshop_id,
        event.collection_point_id,
        event.collection_point_name,
        event.dispatched_at,
    )
    # the devices may be scanned before their intakes' events are applied here
    await store.remember_devices(
        connection,
        [(device.device_id, device.label, device.device_type) for device in event.devices],
    )
    await connection.executemany(
        "INSERT INTO incoming_shipment_devices (shipment_id, label, device_id, expected) "
        "VALUES ($1, $2, $3, true) ON CONFLICT DO NOTHING",
        [(event.aggregate_id, device.label, device.device_id) for device in event.devices],
    )


# use cases


async def scan_device(
    pool: asyncpg.Pool,
    principal: Principal,
    workshop_id: uuid.UUID,
    shipment_id: uuid.UUID,
    label: str,
) -> ShipmentScanned:
    """Check the scanned device in (a work order opens, as on the board) and note it received
    in the shipment; a device not in the shipment is checked in and noted unexpected. Scanned
    again, or already checked in here, it is noted once."""
    code = parse_code(label)
    shipment = await incoming_shipment(pool, principal, workshop_id, shipment_id)
    if shipment.status != "expected":
        raise ReceiptClosed()
    order: WorkOrder | None
    try:
        order = await handlers.check_in(
            pool, principal, CheckIn(workshop_id=workshop_id, label=code)
        )
    except Conflict:
        order = await _open_order_here(pool, code, workshop_id)
        if order is None:
            raise
    async with transaction(pool) as connection:
        status = await connection.fetchval(
            "SELECT status FROM incoming_shipments WHERE id = $1 FOR UPDATE", shipment_id
        )
        if status != "expected":
            raise ReceiptClosed()
        expected = await connection.fetchval(
            "INSERT INTO incoming_shipment_devices (shipment_id, label, device_id, expected, "
            "scanned_by, scanned_at) VALUES ($1, $2, $3, false, $4, $5) "
            "ON CONFLICT (shipment_id, label) DO UPDATE SET "
            "scanned_by = coalesce(incoming_shipment_devices.scanned_by, $4), "
            "scanned_at = coalesce(incoming_shipment_devices.scanned_at, $5) "
            "RETURNING expected",
            shipment_id,
            code,
            order.device_id,
            principal.sub,
            utc_now(),
        )
    return ShipmentScanned(label=code, expected=bool(expected), work_order_id=order.id)


async def close_receipt(
    pool: asyncpg.Pool, principal: Principal, workshop_id: uuid.UUID, shipment_id: uuid.UUID
) -> IncomingShipment:
    """Close the receipt and tell the collection point what arrived, what is missing and
    what came unexpected. Closed twice, it is told once."""
    async with transaction(pool) as connection:
        shipment = await _incoming(connection, principal, workshop_id, shipment_id, lock=True)
        if shipment.status != "expected":
            return shipment
        await connection.execute(
            "UPDATE incoming_shipments SET status = 'received', received_by = $2, "
            "received_at = $3 WHERE id = $1",
            shipment_id,
            principal.sub,
            utc_now(),
        )
        shipment = await _incoming(connection, principal, workshop_id, shipment_id)
        received = ShipmentReceived(
            producer=handlers.PRODUCER,
            aggregate_id=shipment_id,
            correlation_id=contextvars.get_contextvars().get("correlation_id", ""),
            workshop_id=workshop_id,
            received_labels=shipment.labels("received"),
            missing_labels=shipment.labels("missing"),
            unexpected_labels=shipment.labels("unexpected"),
        )
        await add_events(connection, [received])
    return shipment


async def _open_order_here(
    pool: asyncpg.Pool, code: str, workshop_id: uuid.UUID
) -> WorkOrder | None:
    device = await store.device_by_label(pool, code)
    if device is None:
        return None
    order = await store.open_order_of(pool, device["device_id"])
    return order if order is not None and order.workshop_id == workshop_id else None


# reading


_SUMMARIES = """
SELECT s.id, s.collection_point_name, s.dispatched_at, s.status, s.received_at,
       count(*) FILTER (WHERE d.expected) AS expected,
       count(*) FILTER (WHERE d.scanned_at IS NOT NULL) AS scanned
FROM incoming_shipments s LEFT JOIN incoming_shipment_devices d ON d.shipment_id = s.id
"""


async def incoming_at(pool: asyncpg.Pool, workshop_id: uuid.UUID) -> list[asyncpg.Record]:
    """The workshop's shipments, awaited ones first, then the newest, with their counts."""
    rows: list[asyncpg.Record] = await pool.fetch(
        _SUMMARIES + "WHERE s.workshop_id = $1 GROUP BY s.id "
        "ORDER BY s.status = 'received', s.dispatched_at DESC LIMIT $2",
        workshop_id,
        LIST_LIMIT,
    )
    return rows


async def incoming_page(
    pool: asyncpg.Pool,
    workshop_id: uuid.UUID,
    status: ReceiptStatus | None,
    after: str | None,
    limit: int,
) -> IncomingPage:
    """The workshop's shipments with ``status`` (any if ``None``), the newest first."""
    moment, shipment_id = read_cursor(after, datetime.fromisoformat)
    rows = await pool.fetch(
        _SUMMARIES + "WHERE s.workshop_id = $1 AND ($2::text IS NULL OR s.status = $2) "
        "AND ($3::timestamptz IS NULL OR (s.dispatched_at, s.id) < ($3, $4::uuid)) "
        "GROUP BY s.id ORDER BY s.dispatched_at DESC, s.id DESC LIMIT $5",
        workshop_id,
        status,
        moment,
        shipment_id,
        limit + 1,
    )
    shipments, next_after = page_of(
        [IncomingSummary(**dict(row)) for row in rows],
        limit,
        lambda shipment: (shipment.dispatched_at, shipment.id),
    )
    return IncomingPage(shipments=shipments, next_after=next_after)


async def incoming_shipment(
    pool: asyncpg.Pool, principal: Principal, workshop_id: uuid.UUID, shipment_id: uuid.UUID
) -> IncomingShipment:
    async with pool.acquire() as connection:
        return await _incoming(connection, principal, workshop_id, shipment_id)


async def _incoming(
    connection: asyncpg.Connection,
    principal: Principal,
    workshop_id: uuid.UUID,
    shipment_id: uuid.UUID,
    lock: bool = False,
) -> IncomingShipment:
    lock_clause = " FOR UPDATE" if lock else ""
    row = await connection.fetchrow(
        "SELECT id, workshop_id, collection_point_name, dispatched_at, status, received_at "
        f"FROM incoming_shipments WHERE id = $1 AND workshop_id = $2{lock_clause}",
        shipment_id,
        workshop_id,
    )
    if row is None or not principal.may_reach(handlers.workshop_scope(workshop_id)):
        raise NotFound(
            f"No shipment {shipment_id} for a workshop you work at.", code="arrival.not_found"
        )
    devices = await connection.fetch(
        "SELECT label, expected, scanned_at FROM incoming_shipment_devices "
        "WHERE shipment_id = $1 ORDER BY expected DESC, label",
        shipment_id,
    )
    closed = row["status"] != "expected"
    return IncomingShipment(
        **dict(row),
        devices=[
            IncomingDevice(
                label_display=format_code(device["label"]),
                outcome=_arrival(device["expected"], device["scanned_at"], closed),
                **dict(device),
            )
            for device in devices
        ],
    )


def _arrival(expected: bool, scanned_at: datetime | None, closed: bool) -> Arrival:
    if not expected:
        return "unexpected"
    if scanned_at is not None:
        return "received"
    return "missing" if closed else "awaited"
