"""JSON API of the shipments arriving at a workshop: the same receipt as the arrivals pages
(each device scanned is checked in, then the receipt is closed), for programs."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from services.refurbishment import units
from services.refurbishment.bench import handlers
from services.refurbishment.bench.api import BENCH
from services.refurbishment.shipments import handlers as shipments
from services.refurbishment.shipments.domain import (
    IncomingPage,
    IncomingShipment,
    ReceiptStatus,
    ShipmentScan,
    ShipmentScanned,
)
from shared.auth import Principal
from shared.listing import PAGE_LIMIT, After, Limit
from shared.web.app import Runtime
from shared.web.security import allow


class IncomingShipmentController(Controller):
    path = "/api/v1/workshops/{workshop_id:uuid}/shipments"
    tags = ["shipments"]

    @get("/", opt=allow(*BENCH))
    async def list_incoming_shipments(
        self,
        workshop_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        status: FromQuery[ReceiptStatus | None] = None,
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> IncomingPage:
        """The shipments collection points sent to the workshop, the newest first:
        ``status=expected`` for those to receive, ``received`` for those closed."""
        reads = units.reads(runtime)
        await handlers.reachable_workshop(reads, principal, workshop_id)
        return await shipments.incoming_page(reads, workshop_id, status, after, limit)

    @get("/{shipment_id:uuid}", opt=allow(*BENCH))
    async def get_incoming_shipment(
        self,
        workshop_id: FromPath[uuid.UUID],
        shipment_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> IncomingShipment:
        """The receipt: each device expected or not, and its arrival (``received``,
        ``awaited`` while open, ``missing`` once closed, ``unexpected``)."""
        return await shipments.incoming_shipment(
            units.reads(runtime), principal, workshop_id, shipment_id
        )

    @post("/{shipment_id:uuid}/scans", opt=allow(*BENCH), status_code=201)
    async def scan_incoming_device(
        self,
        workshop_id: FromPath[uuid.UUID],
        shipment_id: FromPath[uuid.UUID],
        data: JSONBody[ShipmentScan],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> ShipmentScanned:
        """A device scanned out of the box: checked in (its work order opens, as on the
        board) and noted received, or unexpected if the shipment did not hold it. Scanned
        twice, it is noted once; a closed receipt refuses scans (409)."""
        return await shipments.scan_device(
            units.shipments(runtime), principal, workshop_id, shipment_id, data.label
        )

    @post("/{shipment_id:uuid}/receipt", opt=allow(*BENCH), status_code=200)
    async def close_receipt(
        self,
        workshop_id: FromPath[uuid.UUID],
        shipment_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> IncomingShipment:
        """Close the receipt: the collection point learns what arrived, is missing or came
        unexpected (``refurbishment.shipment.received``). Closed again, it answers the
        receipt as it is and tells nobody twice."""
        return await shipments.close_receipt(
            units.shipments(runtime), principal, workshop_id, shipment_id
        )


ROUTES = [IncomingShipmentController]
