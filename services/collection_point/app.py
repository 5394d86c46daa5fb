"""Composition root of the collection point service."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from services.collection_point import consumers, home
from services.collection_point.donors import jobs as donor_jobs
from services.collection_point.donors import pages as donor_pages
from services.collection_point.donors import retention as donor_retention
from services.collection_point.intake import api, counter_offline
from services.collection_point.intake import collected_pages as point_view
from services.collection_point.intake import counter_pages as counter
from services.collection_point.labels import api as labels_api
from services.collection_point.places import api as places_api
from services.collection_point.places import pages
from services.collection_point.shipments import api as shipments_api
from services.collection_point.shipments import pages as shipment_pages
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
        *counter_offline.ROUTES,
        *point_view.ROUTES,
        *shipments_api.ROUTES,
        *shipment_pages.ROUTES,
        *donor_pages.ROUTES,
    ],
    migrations=Path(__file__).parent / "migrations",
    templates=Path(__file__).parent / "templates",
    entry_pages=(("places.title", "/lieux"), ("counter.title", "/guichet")),
    consumers=consumers.CONSUMERS,
    awaiting=home.awaiting,
    background=(donor_jobs.send_mail, donor_retention.forget_lapsed_periodically),
)


def build(settings: Settings | None = None) -> Litestar:
    return create_app(settings or load_settings(service="collection_point"), DEFINITION)
