"""Who may act for which collection point: scoping enforced in the use cases, not the UI."""

from __future__ import annotations

import uuid
from typing import Protocol

from services.collection_point.domain import CollectionPoint, point_scope
from shared.auth import Principal
from shared.errors import NotFound


class Points(Protocol):
    """A store that reads the collection points."""

    async def get_point(self, point_id: uuid.UUID) -> CollectionPoint | None: ...


async def reachable_point(
    store: Points, principal: Principal, point_id: uuid.UUID
) -> CollectionPoint:
    """The active point ``principal`` works at; 404 alike for unknown and out-of-scope points,
    so that no one learns what exists outside their scope."""
    point = await store.get_point(point_id)
    if point is None or not principal.may_reach(point_scope(point.id)):
        raise NotFound(
            f"No collection point {point_id} that you work at; choose one of your points.",
            code="places.not_yours",
        )
    return point
