"""Public pages of the collection point: where to give a device (no JavaScript needed)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from services.collection_point.places.store import PlaceStore
from services.collection_point.places.views import place_view, place_views
from shared.contracts.collection import DeviceType
from shared.events import utc_now
from shared.web.app import Runtime
from shared.web.pages import page
from shared.web.security import public

DEVICE_TYPES = DeviceType.__args__  # type: ignore[attr-defined]


@get("/lieux", opt=public(), include_in_schema=False)
async def places_page(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    q: Annotated[str, QueryParameter(max_length=100)] = "",
    accepts: Annotated[str, QueryParameter(max_length=20)] = "",
    open_now: Annotated[str, QueryParameter(max_length=5)] = "",
) -> Template:
    """Every place, or those of a town or postcode, accepting a type, open right now; a bus
    is found by the towns it stops in."""
    query = q.strip()
    by_postcode = query.isdigit()
    kind = accepts if accepts in DEVICE_TYPES else ""
    views = await place_views(
        PlaceStore(runtime.pool),
        utc_now(),
        commune="" if by_postcode else query,
        postcode=query if by_postcode else "",
        accepts=kind,
        open_now=bool(open_now),
    )
    return page(
        request,
        "places.html",
        views=views,
        q=query,
        accepts=kind,
        open_now=bool(open_now),
        device_types=DEVICE_TYPES,
    )


@get("/lieux/{place_id:uuid}", opt=public(), include_in_schema=False)
async def place_page(
    request: Request[Any, Any, Any],
    place_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
) -> Template:
    found = await place_view(PlaceStore(runtime.pool), place_id, utc_now())
    return page(request, "place.html", v=found)


ROUTES = [places_page, place_page]
