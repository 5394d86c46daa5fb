"""SQL of the shipments arriving at a workshop, beside the workshop's other rows (a scan checks
the device in, so the receipt's use case needs both)."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from services.refurbishment.shipments.domain import IncomingSummary, ReceiptStatus
from services.refurbishment.store import BenchStore
from shared.contracts.collection import ShipmentDispatched
from shared.rows import rows_as

_SUMMARIES = """
SELECT s.id, s.collection_point_name, s.dispatched_at, s.status, s.received_at,
       count(*) FILTER (WHERE d.expected) AS expected,
       count(*) FILTER (WHERE d.scanned_at IS NOT NULL) AS scanned
FROM incoming_shipments s LEFT JOIN incoming_shipment_devices d ON d.shipment_id = s.id
"""


class ShipmentStore(BenchStore):
    async def expect_shipment(self, event: ShipmentDispatched) -> None:
        """A shipment left a collection point for a workshop: expect it and its devices."""
        await self.connection.execute(
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
        await self.remember_devices(
            [(device.device_id, device.label, device.device_type) for device in event.devices]
        )
        await self.connection.executemany(
            "INSERT INTO incoming_shipment_devices (shipment_id, label, device_id, expected) "
            "VALUES ($1, $2, $3, true) ON CONFLICT DO NOTHING",
            [(event.aggregate_id, device.label, device.device_id) for device in event.devices],
        )

    async def shipment(
        self, shipment_id: uuid.UUID, workshop_id: uuid.UUID, lock: bool = False
    ) -> asyncpg.Record | None:
        lock_clause = " FOR UPDATE" if lock else ""
        return await self.connection.fetchrow(
            "SELECT id, workshop_id, collection_point_name, dispatched_at, status, received_at "
            f"FROM incoming_shipments WHERE id = $1 AND workshop_id = $2{lock_clause}",
            shipment_id,
            workshop_id,
        )

    async def shipment_devices(self, shipment_id: uuid.UUID) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await self.connection.fetch(
            "SELECT label, expected, scanned_at FROM incoming_shipment_devices "
            "WHERE shipment_id = $1 ORDER BY expected DESC, label",
            shipment_id,
        )
        return rows

    async def note_scan(
        self,
        shipment_id: uuid.UUID,
        label: str,
        device_id: uuid.UUID,
        by: str,
        at: datetime,
    ) -> bool:
        """The device noted received (once); whether the shipment was expected to hold it."""
        expected = await self.connection.fetchval(
            "INSERT INTO incoming_shipment_devices (shipment_id, label, device_id, expected, "
            "scanned_by, scanned_at) VALUES ($1, $2, $3, false, $4, $5) "
            "ON CONFLICT (shipment_id, label) DO UPDATE SET "
            "scanned_by = coalesce(incoming_shipment_devices.scanned_by, $4), "
            "scanned_at = coalesce(incoming_shipment_devices.scanned_at, $5) "
            "RETURNING expected",
            shipment_id,
            label,
            device_id,
            by,
            at,
        )
        return bool(expected)

    async def close_receipt(self, shipment_id: uuid.UUID, by: str, at: datetime) -> None:
        await self.connection.execute(
            "UPDATE incoming_shipments SET status = 'received', received_by = $2, "
            "received_at = $3 WHERE id = $1",
            shipment_id,
            by,
            at,
        )

    async def incoming_at(self, workshop_id: uuid.UUID, limit: int) -> list[asyncpg.Record]:
        """The workshop's shipments, awaited ones first, then the newest, with their counts."""
        rows: list[asyncpg.Record] = await self.connection.fetch(
            _SUMMARIES + "WHERE s.workshop_id = $1 GROUP BY s.id "
            "ORDER BY s.status = 'received', s.dispatched_at DESC LIMIT $2",
            workshop_id,
            limit,
        )
        return rows

    async def awaited_count(self, workshop_ids: list[uuid.UUID] | None) -> int:
        """How many shipments these workshops (all when None) still have to receive."""
        count: int = await self.connection.fetchval(
            "SELECT count(*) FROM incoming_shipments WHERE status = 'expected' "
            "AND ($1::uuid[] IS NULL OR workshop_id = ANY($1))",
            workshop_ids,
        )
        return count

    async def incoming_page(
        self,
        workshop_id: uuid.UUID,
        status: ReceiptStatus | None,
        after: tuple[datetime | None, uuid.UUID | None],
        limit: int,
    ) -> list[IncomingSummary]:
        """The workshop's shipments with ``status`` (any if ``None``), the newest first,
        those before ``after`` (a dispatch time and id)."""
        rows = await self.connection.fetch(
            _SUMMARIES + "WHERE s.workshop_id = $1 AND ($2::text IS NULL OR s.status = $2) "
            "AND ($3::timestamptz IS NULL OR (s.dispatched_at, s.id) < ($3, $4::uuid)) "
            "GROUP BY s.id ORDER BY s.dispatched_at DESC, s.id DESC LIMIT $5",
            workshop_id,
            status,
            *after,
            limit,
        )
        return rows_as(IncomingSummary, rows)
