"""Composition root of the group_purchase service."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from services.group_purchase.accounts import machines
from services.group_purchase.accounts import pages as account_pages
from shared.config import Settings, load_settings
from shared.web.app import ServiceDefinition, create_app

DEFINITION = ServiceDefinition(
    name="group_purchase",
    title="Demandes et achats groupés",
    route_handlers=[*account_pages.ROUTES, *machines.ROUTES],
    migrations=Path(__file__).parent / "migrations",
    templates=Path(__file__).parent / "templates",
    state=account_pages.accounts_state,
)


def build(settings: Settings | None = None) -> Litestar:
    return create_app(settings or load_settings(service="group_purchase"), DEFINITION)
