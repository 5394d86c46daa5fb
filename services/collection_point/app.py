"""Composition root of the collection point service."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from services.collection_point import (
    api,
    consumers,
    counter,
    labels_api,
    pages,
    places_api,
    point_view,
    shipment_pages,
    shipments_api,
)
from shared.config import Settings, load_settings
from shared.web.app import ServiceDefinition, create_app

DEFINITION = ServiceDefinition(
    name="collection_point",
    title="Points de collecte",
    route_handlers=[
        *places_api.ROUTES,
        *api.ROUTES,
        *labels_api.ROUTES,
        *pages.ROUTES,
        *counter.ROUTES,
        *point_view.ROUTES,
        *shipments_api.ROUTES,
        *shipment_pages.ROUTES,
    ],
    migrations=Path(__file__).parent / "migrations",
    templates=Path(__file__).parent / "templates",
    entry_pages=(("places.title", "/lieux"), ("counter.title", "/guichet")),
    consumers=consumers.CONSUMERS,
)


def build(settings: Settings | None = None) -> Litestar:
    return create_app(settings or load_settings(service="collection_point"), DEFINITION)
