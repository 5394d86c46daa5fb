"""Use cases of places: a coordinator opens or changes a place, or sets an itinerant place's
stops; each change is published to the other services in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import msgspec

from services.collection_point.domain import PRODUCER
from services.collection_point.places.domain import Place, PlaceFields, PlaceNotFound
from services.collection_point.places.itinerary import (
    NotItinerant,
    Schedule,
    Stop,
    checked_schedule,
    not_over,
    paris_day,
)
from services.collection_point.places.store import PlaceStore
from shared.contracts.collection import PlacePublished
from shared.errors import Conflict
from shared.events import uuid7
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
            raise PlaceNotFound(place_id)
        place = await _save(work, place_id, fields.checked(), expected_version)
    if place is None:
        raise _changed_since()
    return place


async def set_stops(
    uow: UnitOfWork[PlaceStore],
    place_id: uuid.UUID,
    schedule: Schedule,
    expected_version: int | None = None,
) -> tuple[Place, list[Stop]]:
    """Give an itinerant place its stops to come: they replace those not over yet (the
    stops over stay, as history). Returns the place at its new version and its stops not
    over."""
    async with uow.begin() as work:
        place = await work.store.get_place(place_id)
        if place is None:
            raise PlaceNotFound(place_id)
        if not place.itinerant:
            raise NotItinerant(place.name)
        touched = await work.store.touch_place(place_id, expected_version)  # holds the row
        if touched is None:
            raise _changed_since()
        now = work.now()
        known = (await work.store.stops_from([place_id], paris_day(now)))[place_id]
        coming = not_over(known, now)
        ended = [stop for stop in known if stop not in coming]
        given = checked_schedule(schedule.stops, ended, now)
        stops = [Stop(id=uuid7(), **msgspec.structs.asdict(stop)) for stop in given]
        await work.store.replace_stops(place_id, [stop.id for stop in coming], stops)
        await work.announce(published(touched))
    return touched, stops


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


def _changed_since() -> Conflict:
    return Conflict(
        "Someone changed this collection point since you read it; reload it and "
        "apply your change again.",
        code="places.changed",
    )


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
