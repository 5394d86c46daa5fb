"""Composition root of the refurbishment service."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from services.refurbishment import api, bench_pages, consumers, pages
from shared.config import Settings, load_settings
from shared.web.app import ServiceDefinition, create_app

DEFINITION = ServiceDefinition(
    name="refurbishment",
    title="Reconditionnement",
    route_handlers=[*api.ROUTES, *pages.ROUTES, *bench_pages.ROUTES],
    migrations=Path(__file__).parent / "migrations",
    templates=Path(__file__).parent / "templates",
    entry_pages=(("bench.workshops.title", "/atelier"), ("verify.title", "/verifier")),
    consumers=consumers.CONSUMERS,
)


def build(settings: Settings | None = None) -> Litestar:
    return create_app(settings or load_settings(service="refurbishment"), DEFINITION)
