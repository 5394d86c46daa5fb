"""Composition root of the group_purchase service."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from services.group_purchase.accounts import machines
from services.group_purchase.accounts import pages as account_pages
from services.group_purchase.requests import api as request_api
from services.group_purchase.requests import inventory_feed, jobs
from shared.config import Settings, load_settings
from shared.web.app import ServiceDefinition, create_app

DEFINITION = ServiceDefinition(
    name="group_purchase",
    title="Demandes et achats groupés",
    route_handlers=[*account_pages.ROUTES, *machines.ROUTES, *request_api.ROUTES],
    migrations=Path(__file__).parent / "migrations",
    templates=Path(__file__).parent / "templates",
    consumers=inventory_feed.CONSUMERS,
    state=account_pages.accounts_state,
    background=(jobs.propose_periodically,),
)


def build(settings: Settings | None = None) -> Litestar:
    return create_app(settings or load_settings(service="group_purchase"), DEFINITION)
