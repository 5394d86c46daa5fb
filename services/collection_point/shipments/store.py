"""SQL of shipments: the boxes, the devices packed into them, the workshops they go to."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import msgspec

from services.collection_point.shipments.domain import (
    Shipment,
    ShipmentStatus,
    ShipmentSummary,
    Workshop,
)
from services.collection_point.store import PointStore
from shared.contracts.collection import ShippedDevice
from shared.labels import format_code
from shared.rows import row_as, rows_as

LIST_LIMIT = 50
_SHIPMENT = (
    "SELECT id, collection_point_id, workshop_id, workshop_name, status, opened_by, opened_at, "
    "dispatched_at, received_at FROM shipments"
)


class CollectedDevice(msgspec.Struct, frozen=True, kw_only=True):
    """A device as the point received it, and where inventory last said it is."""

    device_id: uuid.UUID
    device_type: str
    collection_point_id: uuid.UUID
    inventory_state: str | None = None


class GoneDevice(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    inventory_state: str


class ShipmentStore(PointStore):
    """Shipments of the point, their devices, and the workshops refurbishment announced."""

    async def open_count(self, point_ids: list[uuid.UUID] | None) -> int:
        """How many boxes of these points (all when None) are open, still to dispatch."""
        count: int = await self.connection.fetchval(
            "SELECT count(*) FROM shipments WHERE status = 'open' "
            "AND ($1::uuid[] IS NULL OR collection_point_id = ANY($1))",
            point_ids,
        )
        return count

    async def workshop_name(self, workshop_id: uuid.UUID) -> str | None:
        name: str | None = await self.connection.fetchval(
            "SELECT name FROM workshops WHERE id = $1", workshop_id
        )
        return name

    async def add_shipment(
        self,
        shipment_id: uuid.UUID,
        point_id: uuid.UUID,
        workshop_id: uuid.UUID,
        workshop_name: str,
        opened_by: str,
    ) -> None:
        """Open the shipment, unless one of that id is already open (a form sent twice)."""
        await self.connection.execute(
            "INSERT INTO shipments (id, collection_point_id, workshop_id, workshop_name, "
            "opened_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
            shipment_id,
            point_id,
            workshop_id,
            workshop_name,
            opened_by,
        )

    async def shipment(
        self, point_id: uuid.UUID, shipment_id: uuid.UUID, lock: bool = False
    ) -> Shipment | None:
        """The point's shipment with its devices (``lock``: until the transaction ends)."""
        row = await self.connection.fetchrow(
            f"{_SHIPMENT} WHERE id = $1 AND collection_point_id = $2"
            f"{' FOR UPDATE' if lock else ''}",
            shipment_id,
            point_id,
        )
        if row is None:
            return None
        devices = await self.connection.fetch(
            "SELECT d.label, d.device_id, d.status, coalesce(i.device_type, '') AS device_type "
            "FROM shipment_devices d LEFT JOIN intakes i ON i.device_id = d.device_id "
            "WHERE d.shipment_id = $1 ORDER BY d.added_at, d.label",
            shipment_id,
        )
        return msgspec.convert(
            {
                **row,
                "devices": [
                    {**device, "label_display": format_code(device["label"])} for device in devices
                ],
            },
            Shipment,
        )

    async def collected_device(self, label: str) -> CollectedDevice | None:
        row = await self.connection.fetchrow(
            "SELECT device_id, device_type, collection_point_id, inventory_state FROM intakes "
            "WHERE label = $1",
            label,
        )
        return row_as(CollectedDevice, row)

    async def shipment_packing(self, device_id: uuid.UUID) -> uuid.UUID | None:
        """The shipment the device is packed in, if any."""
        shipment_id: uuid.UUID | None = await self.connection.fetchval(
            "SELECT shipment_id FROM shipment_devices WHERE device_id = $1 AND status = 'packed'",
            device_id,
        )
        return shipment_id

    async def pack(self, shipment_id: uuid.UUID, label: str, device_id: uuid.UUID) -> bool:
        """Pack the device; False when it was packed in another shipment at this moment."""
        try:
            await self.connection.execute(
                "INSERT INTO shipment_devices (shipment_id, label, device_id) VALUES ($1, $2, $3)",
                shipment_id,
                label,
                device_id,
            )
        except asyncpg.UniqueViolationError:
            return False
        return True

    async def unpack(self, shipment_id: uuid.UUID, label: str) -> None:
        await self.connection.execute(
            "DELETE FROM shipment_devices WHERE shipment_id = $1 AND label = $2",
            shipment_id,
            label,
        )

    async def devices_gone(self, shipment_id: uuid.UUID) -> list[GoneDevice]:
        """The shipment's devices that inventory says left the point, by label."""
        rows = await self.connection.fetch(
            "SELECT i.label, i.inventory_state FROM shipment_devices d "
            "JOIN intakes i ON i.device_id = d.device_id WHERE d.shipment_id = $1 "
            "AND i.inventory_state IS NOT NULL AND i.inventory_state <> 'received' "
            "ORDER BY i.label",
            shipment_id,
        )
        return rows_as(GoneDevice, rows)

    async def mark_dispatched(self, shipment_id: uuid.UUID, at: datetime) -> list[ShippedDevice]:
        """The shipment dispatched ``at``; its devices, by label."""
        await self.connection.execute(
            "UPDATE shipments SET status = 'dispatched', dispatched_at = $2 WHERE id = $1",
            shipment_id,
            at,
        )
        rows = await self.connection.fetch(
            "SELECT d.device_id, d.label, i.device_type FROM shipment_devices d "
            "JOIN intakes i ON i.device_id = d.device_id WHERE d.shipment_id = $1 "
            "ORDER BY d.label",
            shipment_id,
        )
        return rows_as(ShippedDevice, rows)

    async def learn_workshop(
        self, workshop_id: uuid.UUID, name: str, commune: str, announced_at: datetime
    ) -> None:
        """Keep the newest announcement of each workshop (they may come out of order)."""
        await self.connection.execute(
            "INSERT INTO workshops (id, name, commune, announced_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (id) DO UPDATE SET name = $2, commune = $3, announced_at = $4 "
            "WHERE workshops.announced_at <= $4",
            workshop_id,
            name,
            commune,
            announced_at,
        )

    async def close(self, shipment_id: uuid.UUID, workshop_id: uuid.UUID, at: datetime) -> bool:
        """The dispatched shipment received by its workshop ``at``; False if it was not."""
        closed = await self.connection.fetchval(
            "UPDATE shipments SET status = 'received', received_at = $2 "
            "WHERE id = $1 AND workshop_id = $3 AND status = 'dispatched' RETURNING true",
            shipment_id,
            at,
            workshop_id,
        )
        return bool(closed)

    async def mark_devices(self, shipment_id: uuid.UUID, labels: list[str], status: str) -> None:
        await self.connection.execute(
            "UPDATE shipment_devices SET status = $3 WHERE shipment_id = $1 "
            "AND label = ANY($2::text[])",
            shipment_id,
            labels,
            status,
        )

    async def add_unexpected(self, shipment_id: uuid.UUID, labels: list[str]) -> None:
        await self.connection.execute(
            "INSERT INTO shipment_devices (shipment_id, label, device_id, status) "
            "SELECT $1, label, "
            "(SELECT device_id FROM intakes WHERE intakes.label = unexpected.label), "
            "'unexpected' FROM unnest($2::text[]) AS unexpected (label) ON CONFLICT DO NOTHING",
            shipment_id,
            labels,
        )

    async def missing_the_rest(self, shipment_id: uuid.UUID) -> None:
        """A packed device the workshop did not mention did not arrive either."""
        await self.connection.execute(
            "UPDATE shipment_devices SET status = 'missing' WHERE shipment_id = $1 "
            "AND status = 'packed'",
            shipment_id,
        )

    async def known_workshops(self) -> list[Workshop]:
        rows = await self.connection.fetch(
            "SELECT id, name, commune FROM workshops ORDER BY name, id"
        )
        return rows_as(Workshop, rows)

    async def shipments_of(
        self,
        point_id: uuid.UUID,
        status: ShipmentStatus | None = None,
        after: tuple[datetime | None, uuid.UUID | None] = (None, None),
        limit: int = LIST_LIMIT,
    ) -> list[ShipmentSummary]:
        """The point's shipments with ``status`` (any if None), newest first, with how many
        devices each holds and lacks: ``after`` an opening time and id, ``limit`` at most."""
        rows = await self.connection.fetch(
            "SELECT s.id, s.workshop_id, s.workshop_name, s.status, s.opened_at, "
            "s.dispatched_at, s.received_at, "
            "count(d.label) FILTER (WHERE d.status <> 'unexpected') AS devices, "
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
        return rows_as(ShipmentSummary, rows)
