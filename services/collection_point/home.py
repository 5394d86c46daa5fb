"""What awaits a person of a collection point on the service's home: the boxes opened for a
workshop and not yet dispatched."""

from __future__ import annotations

from services.collection_point.roles import COUNTER
from services.collection_point.shipments.store import ShipmentStore
from shared.auth import Principal
from shared.web.app import Runtime
from shared.web.home import Awaiting


async def awaiting(runtime: Runtime, principal: Principal) -> list[Awaiting] | None:
    if not principal.has_any(COUNTER):
        return None
    points = principal.scoped_ids("collection_point")
    boxes = await ShipmentStore(runtime.pool).open_count(points)
    where = f"/guichet/{points[0]}/envois" if points and len(points) == 1 else "/guichet"
    return [Awaiting("home.awaiting.boxes", boxes, where)]
