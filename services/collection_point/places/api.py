"""JSON API of places: the public list and page data, and what coordinators manage."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from services.collection_point import roles, units
from services.collection_point.places import handlers
from services.collection_point.places.domain import PlaceFields, PlaceView, view
from services.collection_point.places.open_data import places_csv, places_geojson
from services.collection_point.places.store import PlaceStore
from shared.contracts.collection import DeviceType
from shared.errors import NotFound
from shared.events import utc_now, uuid7
from shared.web.app import Runtime
from shared.web.security import allow, public

MANAGERS = roles.MANAGERS


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
        accepted device type, and open right now (French public holidays included)."""
        now = utc_now()
        places = await PlaceStore(runtime.pool).list_places(commune, postcode, accepts or "")
        views = [view(place, now) for place in places]
        return [v for v in views if v.status.open_now] if open_now else views

    @get("/{place_id:uuid}", opt=public())
    async def get_collection_point(
        self, place_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
    ) -> Response[PlaceView]:
        place = await PlaceStore(runtime.pool).get_place(place_id)
        if place is None:
            raise NotFound(f"No active collection point {place_id}.", code="places.not_found")
        return Response(view(place, utc_now()), headers={"ETag": _etag(place.version)})

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
        if_match: Annotated[
            str | None, HeaderParameter(name="If-Match", required=False, max_length=20)
        ] = None,
    ) -> Response[PlaceView]:
        """Change a place. Send ``If-Match`` with the ETag you read: if someone saved in
        between, nothing is overwritten and you get 409."""
        expected = _version_in(if_match)
        place = await handlers.change_place(units.places(runtime), place_id, data, expected)
        return Response(view(place, utc_now()), headers={"ETag": _etag(place.version)})


class OpenDataController(Controller):
    path = "/api/v1/open-data"
    tags = ["open data"]

    @get("/collection-points.csv", opt=public(), media_type="text/csv")
    async def collection_points_csv(self, runtime: NamedDependency[Runtime]) -> Response[str]:
        """Collection points in the "lieux de médiation numérique" standard, v1.0.2."""
        places = await PlaceStore(runtime.pool).list_places()
        source = runtime.settings.public_url or "Boucle"
        return Response(
            places_csv(places, source),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="lieux-collecte-boucle.csv"'},
        )

    @get("/collection-points.geojson", opt=public(), media_type="application/geo+json")
    async def collection_points_geojson(self, runtime: NamedDependency[Runtime]) -> dict[str, Any]:
        """Collection points with coordinates, as a GeoJSON FeatureCollection."""
        return places_geojson(await PlaceStore(runtime.pool).list_places())


ROUTES = [CollectionPointController, OpenDataController]
