"""JSON API of shipments from a collection point to a workshop."""

from __future__ import annotations

import uuid
from datetime import datetime

from litestar import Controller, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from services.collection_point import units
from services.collection_point.roles import COUNTER
from services.collection_point.shipments import handlers as shipments
from services.collection_point.shipments.domain import (
    PackedDevice,
    Shipment,
    ShipmentOpen,
    ShipmentPage,
    ShipmentScan,
    ShipmentStatus,
)
from services.collection_point.shipments.store import ShipmentStore
from shared.auth import Principal
from shared.listing import PAGE_LIMIT, After, Limit, page_of, read_cursor
from shared.web.app import Runtime
from shared.web.security import allow


class ShipmentController(Controller):
    path = "/api/v1/collection-points/{place_id:uuid}/shipments"
    tags = ["shipments"]

    @get("/", opt=allow(*COUNTER))
    async def list_shipments(
        self,
        place_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        status: FromQuery[ShipmentStatus | None] = None,
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> ShipmentPage:
        """The point's shipments with ``status`` (``open``, ``dispatched``, ``received``),
        the newest first."""
        async with runtime.pool.acquire() as connection:
            _, rows = await shipments.shipments_at(
                ShipmentStore(connection),
                principal,
                place_id,
                status,
                read_cursor(after, datetime.fromisoformat),
                limit + 1,
            )
        listed, next_after = page_of(
            rows, limit, lambda shipment: (shipment.opened_at, shipment.id)
        )
        return ShipmentPage(shipments=listed, next_after=next_after)

    @post("/", opt=allow(*COUNTER), status_code=201)
    async def open_shipment(
        self,
        place_id: FromPath[uuid.UUID],
        data: JSONBody[ShipmentOpen],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Shipment:
        """Open a shipment for a workshop that refurbishment registered. An ``id`` chosen by
        the client makes a repeated request open one shipment."""
        return await shipments.open_shipment(units.shipments(runtime), principal, place_id, data)

    @get("/{shipment_id:uuid}", opt=allow(*COUNTER))
    async def get_shipment(
        self,
        place_id: FromPath[uuid.UUID],
        shipment_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Shipment:
        async with runtime.pool.acquire() as connection:
            store = ShipmentStore(connection)
            _, shipment = await shipments.shipment_for(store, principal, place_id, shipment_id)
        return shipment

    @post("/{shipment_id:uuid}/devices", opt=allow(*COUNTER), status_code=201)
    async def pack_device(
        self,
        place_id: FromPath[uuid.UUID],
        shipment_id: FromPath[uuid.UUID],
        data: JSONBody[ShipmentScan],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> PackedDevice:
        """Scan a device into an open shipment: a device received at this point and still
        there, in no other shipment. A label scanned twice packs it once."""
        return await shipments.pack_device(
            units.shipments(runtime), principal, place_id, shipment_id, data.label
        )

    @delete("/{shipment_id:uuid}/devices/{label:str}", opt=allow(*COUNTER))
    async def unpack_device(
        self,
        place_id: FromPath[uuid.UUID],
        shipment_id: FromPath[uuid.UUID],
        label: FromPath[str],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """Take a device out of an open shipment."""
        await shipments.unpack_device(
            units.shipments(runtime), principal, place_id, shipment_id, label
        )

    @post("/{shipment_id:uuid}/dispatch", opt=allow(*COUNTER), status_code=200)
    async def dispatch_shipment(
        self,
        place_id: FromPath[uuid.UUID],
        shipment_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Response[Shipment]:
        """Dispatch the shipment (``collection.shipment.dispatched``); an empty one is
        refused. Dispatching it again answers the shipment as it is."""
        return Response(
            await shipments.dispatch_shipment(
                units.shipments(runtime), principal, place_id, shipment_id
            )
        )


ROUTES = [ShipmentController]
