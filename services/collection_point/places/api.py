"""JSON API of places: the public list and page data, and what coordinators manage."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Response, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from services.collection_point import roles, units
from services.collection_point.places import handlers
from services.collection_point.places.domain import PlaceFields
from services.collection_point.places.itinerary import Schedule, Stop
from services.collection_point.places.open_data import places_csv, places_geojson
from services.collection_point.places.store import PlaceStore
from services.collection_point.places.views import (
    PlaceView,
    next_stops,
    place_view,
    place_views,
    stops_to_come,
    view,
)
from shared.contracts.collection import DeviceType
from shared.events import utc_now, uuid7
from shared.web.app import Runtime
from shared.web.security import allow, public

MANAGERS = roles.MANAGERS
IfMatch = Annotated[str | None, HeaderParameter(name="If-Match", required=False, max_length=20)]


def _etag(version: int) -> str:
    return f'"{version}"'


def _version_in(if_match: str | None) -> int | None:
    tag = (if_match or "").removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() else None


class CollectionPointController(Controller):
    path = "/api/v1/collection-points"
    tags = ["collection points"]

    @get("/", opt=public())
    async def list_collection_points(
        self,
        runtime: NamedDependency[Runtime],
        commune: Annotated[str, QueryParameter(max_length=100)] = "",
        postcode: Annotated[str, QueryParameter(max_length=5)] = "",
        accepts: FromQuery[DeviceType | None] = None,
        open_now: FromQuery[bool] = False,
    ) -> list[PlaceView]:
        """Where to give: active places by commune, filtered by commune or postcode start,
        accepted device type, and open right now (French public holidays included). An
        itinerant place is found by the communes it stops in, and is open when it is at one
        of its stops (``at_stop``)."""
        return await place_views(
            PlaceStore(runtime.pool), utc_now(), commune, postcode, accepts or "", open_now
        )

    @get("/{place_id:uuid}", opt=public())
    async def get_collection_point(
        self, place_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
    ) -> Response[PlaceView]:
        found = await place_view(PlaceStore(runtime.pool), place_id, utc_now())
        return Response(found, headers={"ETag": _etag(found.place.version)})

    @get("/{place_id:uuid}/stops", opt=public())
    async def list_stops(
        self, place_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
    ) -> list[Stop]:
        """An itinerant place's stops that are not over yet, in time order (Paris time)."""
        return await stops_to_come(PlaceStore(runtime.pool), place_id, utc_now())

    @put("/{place_id:uuid}/stops", opt=allow(*MANAGERS))
    async def set_stops(
        self,
        place_id: FromPath[uuid.UUID],
        data: JSONBody[Schedule],
        runtime: NamedDependency[Runtime],
        if_match: IfMatch = None,
    ) -> Response[PlaceView]:
        """Set an itinerant place's stops to come: they replace those not over yet. Refused
        when hours are not in order, two stops overlap or a stop is already over. Send
        ``If-Match`` with the ETag you read to overwrite nobody's change."""
        place, stops = await handlers.set_stops(
            units.places(runtime), place_id, data, _version_in(if_match)
        )
        return Response(view(place, utc_now(), stops), headers={"ETag": _etag(place.version)})

    @post("/", opt=allow(*MANAGERS), status_code=201)
    async def create_collection_point(
        self, data: JSONBody[PlaceFields], runtime: NamedDependency[Runtime]
    ) -> Response[PlaceView]:
        """Open a new collection point."""
        place = await handlers.open_place(units.places(runtime), uuid7(), data)
        return Response(
            view(place, utc_now()), status_code=201, headers={"ETag": _etag(place.version)}
        )

    @patch("/{place_id:uuid}", opt=allow(*MANAGERS))
    async def update_collection_point(
        self,
        place_id: FromPath[uuid.UUID],
        data: JSONBody[PlaceFields],
        runtime: NamedDependency[Runtime],
        if_match: IfMatch = None,
    ) -> Response[PlaceView]:
        """Change a place. Send ``If-Match`` with the ETag you read: if someone saved in
        between, nothing is overwritten and you get 409."""
        expected = _version_in(if_match)
        place = await handlers.change_place(units.places(runtime), place_id, data, expected)
        now = utc_now()
        stops = await next_stops(PlaceStore(runtime.pool), [place], now)
        return Response(
            view(place, now, stops.get(place.id, ())), headers={"ETag": _etag(place.version)}
        )


class OpenDataController(Controller):
    path = "/api/v1/open-data"
    tags = ["open data"]

    @get("/collection-points.csv", opt=public(), media_type="text/csv")
    async def collection_points_csv(self, runtime: NamedDependency[Runtime]) -> Response[str]:
        """Collection points in the "lieux de médiation numérique" standard, v1.0.2."""
        store = PlaceStore(runtime.pool)
        places = await store.list_places()
        stops = await next_stops(store, places, utc_now())
        source = runtime.settings.public_url or "Boucle"
        return Response(
            places_csv(places, source, stops),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="lieux-collecte-boucle.csv"'},
        )

    @get("/collection-points.geojson", opt=public(), media_type="application/geo+json")
    async def collection_points_geojson(self, runtime: NamedDependency[Runtime]) -> dict[str, Any]:
        """Collection points with coordinates, and the next stops of the itinerant ones, as
        a GeoJSON FeatureCollection."""
        store = PlaceStore(runtime.pool)
        places = await store.list_places()
        return places_geojson(places, await next_stops(store, places, utc_now()))


ROUTES = [CollectionPointController, OpenDataController]
