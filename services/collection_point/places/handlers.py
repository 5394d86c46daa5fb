"""Use cases of places: a coordinator opens or changes a place, published to the other
services in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from services.collection_point.domain import PRODUCER
from services.collection_point.places.domain import Place, PlaceFields
from services.collection_point.places.store import PlaceStore
from shared.contracts.collection import PlacePublished
from shared.errors import Conflict, NotFound
from shared.uow import UnitOfWork, Work


async def open_place(
    uow: UnitOfWork[PlaceStore], place_id: uuid.UUID, fields: PlaceFields
) -> Place:
    """Open a new collection point."""
    async with uow.begin() as work:
        place = await _save(work, place_id, fields.checked())
    assert place is not None
    return place


async def change_place(
    uow: UnitOfWork[PlaceStore],
    place_id: uuid.UUID,
    fields: PlaceFields,
    expected_version: int | None = None,
) -> Place:
    """Change a place; with ``expected_version`` (the version read), nothing is overwritten
    when someone saved in between."""
    async with uow.begin() as work:
        if await work.store.get_place(place_id) is None:
            raise NotFound(f"No active collection point {place_id}.", code="places.not_found")
        place = await _save(work, place_id, fields.checked(), expected_version)
    if place is None:
        raise Conflict(
            "Someone changed this collection point since you read it; reload it and "
            "apply your change again.",
            code="places.changed",
        )
    return place


async def save_places(uow: UnitOfWork[PlaceStore], places: Mapping[uuid.UUID, PlaceFields]) -> None:
    """Create or refresh every place given (a territory's, such as the demo's)."""
    async with uow.begin() as work:
        for place_id, fields in places.items():
            await _save(work, place_id, fields)


async def _save(
    work: Work[PlaceStore],
    place_id: uuid.UUID,
    fields: PlaceFields,
    expected_version: int | None = None,
) -> Place | None:
    place = await work.store.save_place(place_id, fields, expected_version)
    if place is not None:
        await work.announce(published(place))
    return place


def published(place: Place) -> PlacePublished:
    """The public facts of a place, for the other services (matching needs its position)."""
    return PlacePublished(
        producer=PRODUCER,
        aggregate_id=place.id,
        aggregate_version=place.version,
        place_name=place.name,
        commune=place.commune,
        latitude=place.latitude,
        longitude=place.longitude,
        active=place.active,
    )
