"""Composition root of the inventory service."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from services.inventory import consumers
from services.inventory.archive import jobs as archive_jobs
from services.inventory.attention import watch as attention_watch
from services.inventory.dead_letters import api as dead_letters_api
from services.inventory.dead_letters import pages as dead_letter_pages
from services.inventory.impact import jobs as impact_jobs
from services.inventory.impact import pages as impact_pages
from services.inventory.passport import pages as passport_pages
from services.inventory.register import api as register_api
from services.inventory.register import pages as register_pages
from services.inventory.reservations import handlers as reservations
from services.inventory.reservations import jobs as reservation_jobs
from shared.config import Settings, load_settings
from shared.web.app import ServiceDefinition, create_app

DEFINITION = ServiceDefinition(
    name="inventory",
    title="Inventaire",
    route_handlers=[
        *register_api.ROUTES,
        *dead_letters_api.ROUTES,
        *passport_pages.ROUTES,
        *impact_pages.ROUTES,
        *register_pages.ROUTES,
        *dead_letter_pages.ROUTES,
    ],
    migrations=Path(__file__).parent / "migrations",
    templates=Path(__file__).parent / "templates",
    state=reservations.hold_for,
    entry_pages=(
        ("figures.title", "/impact"),
        ("register.title", "/registre"),
        ("register.flow.title", "/registre/flux"),
        ("register.refusals.title", "/registre/refus"),
        ("register.dead.title", "/registre/lettres-mortes"),
    ),
    consumers=consumers.CONSUMERS,
    background=(
        reservation_jobs.expire_reservations_periodically,
        archive_jobs.archive_histories_periodically,
        impact_jobs.compact_impact_counters_periodically,
        attention_watch.watch_attention_periodically,
    ),
)


def build(settings: Settings | None = None) -> Litestar:
    return create_app(settings or load_settings(service="inventory"), DEFINITION)
