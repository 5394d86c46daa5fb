"""Composition root of the refurbishment service."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from services.refurbishment import consumers, home
from services.refurbishment.bench import api
from services.refurbishment.bench import board_pages as bench_pages
from services.refurbishment.erasure import verifier_pages as pages
from services.refurbishment.shipments import api as shipments_api
from services.refurbishment.shipments import pages as shipment_pages
from shared.config import Settings, load_settings
from shared.web.app import ServiceDefinition, create_app
from shared.web.audit_pages import audit_page

DEFINITION = ServiceDefinition(
    name="refurbishment",
    title="Reconditionnement",
    route_handlers=[
        *api.ROUTES,
        *shipments_api.ROUTES,
        *pages.ROUTES,
        *bench_pages.ROUTES,
        *shipment_pages.ROUTES,
        audit_page("/atelier/journal", "/api/v1/erasures/audit"),
    ],
    migrations=Path(__file__).parent / "migrations",
    templates=Path(__file__).parent / "templates",
    entry_pages=(("bench.workshops.title", "/atelier"), ("verify.title", "/verifier")),
    consumers=consumers.CONSUMERS,
    awaiting=home.awaiting,
)


def build(settings: Settings | None = None) -> Litestar:
    return create_app(settings or load_settings(service="refurbishment"), DEFINITION)
