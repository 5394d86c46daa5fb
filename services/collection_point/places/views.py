"""Places as the public reads them — the list and one place's page, in JSON and in HTML: whether
each is open at the moment asked and, for an itinerant one, where it is and its next stops."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import msgspec

from services.collection_point.places.domain import Place, PlaceNotFound
from services.collection_point.places.hours import OpeningStatus, opening_status
from services.collection_point.places.itinerary import (
    NEXT_STOPS,
    Stop,
    not_over,
    paris_day,
    where_at,
)
from services.collection_point.places.store import PlaceStore


class PlaceView(msgspec.Struct, frozen=True, kw_only=True):
    """A place as the public sees it, with whether it is open at the moment asked. An
    itinerant place is open when it is at one of its stops: ``at_stop`` says which."""

    place: Place
    status: OpeningStatus
    at_stop: Stop | None = None
    next_stops: list[Stop] = msgspec.field(default_factory=list)


def view(place: Place, at: datetime, stops: Sequence[Stop] = ()) -> PlaceView:
    if not place.itinerant:
        return PlaceView(place=place, status=opening_status(place.opening_hours, at))
    status, stop = where_at(stops, at)
    return PlaceView(
        place=place,
        status=status,
        at_stop=stop if status.open_now else None,
        next_stops=not_over(stops, at)[:NEXT_STOPS],
    )


async def next_stops(
    store: PlaceStore, places: Sequence[Place], at: datetime
) -> dict[uuid.UUID, list[Stop]]:
    """The next stops of the itinerant places among ``places``: not over at ``at``, the
    first ``NEXT_STOPS`` (no statement when none is itinerant)."""
    itinerant = [place.id for place in places if place.itinerant]
    if not itinerant:
        return {}
    known = await store.stops_from(itinerant, paris_day(at))
    return {place_id: not_over(stops, at)[:NEXT_STOPS] for place_id, stops in known.items()}


async def place_views(
    store: PlaceStore,
    at: datetime,
    commune: str = "",
    postcode: str = "",
    accepts: str = "",
    open_now: bool = False,
) -> list[PlaceView]:
    """Active places by commune (a bus is found by the communes it stops in), postcode,
    accepted type and, with ``open_now``, open at ``at``."""
    places = await store.list_places(commune, postcode, accepts, stops_from=paris_day(at))
    stops = await next_stops(store, places, at)
    views = [view(place, at, stops.get(place.id, ())) for place in places]
    return [v for v in views if v.status.open_now] if open_now else views


async def place_view(store: PlaceStore, place_id: uuid.UUID, at: datetime) -> PlaceView:
    """One active place, else ``PlaceNotFound``."""
    place = await store.get_place(place_id)
    if place is None:
        raise PlaceNotFound(place_id)
    stops = await next_stops(store, [place], at)
    return view(place, at, stops.get(place.id, ()))


async def stops_to_come(store: PlaceStore, place_id: uuid.UUID, at: datetime) -> list[Stop]:
    """Every stop of an itinerant place not over at ``at`` (none for a fixed place)."""
    place = await store.get_place(place_id)
    if place is None:
        raise PlaceNotFound(place_id)
    if not place.itinerant:
        return []
    known = await store.stops_from([place_id], paris_day(at))
    return not_over(known[place_id], at)
