"""Composition root of the group_purchase service."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from services.group_purchase import home
from services.group_purchase.accounts import api as account_api
from services.group_purchase.accounts import machines, training_pages
from services.group_purchase.accounts import pages as account_pages
from services.group_purchase.campaigns import api as campaign_api
from services.group_purchase.campaigns import jobs as campaign_jobs
from services.group_purchase.campaigns import pages as campaign_pages
from services.group_purchase.notifications import coordinators
from services.group_purchase.notifications import jobs as notification_jobs
from services.group_purchase.requests import api as request_api
from services.group_purchase.requests import (
    household_pages,
    inventory_feed,
    jobs,
    pages,
    places_feed,
    queue_pages,
    request_pages,
    retention,
)
from shared.config import Settings, load_settings
from shared.notifications import pages as notification_pages
from shared.web.app import ServiceDefinition, create_app
from shared.web.audit_pages import audit_page

DEFINITION = ServiceDefinition(
    name="group_purchase",
    title="Demandes et achats groupés",
    route_handlers=[
        *account_pages.ROUTES,
        *training_pages.ROUTES,
        *account_api.ROUTES,
        *machines.ROUTES,
        *request_api.ROUTES,
        *pages.ROUTES,
        *household_pages.ROUTES,
        *request_pages.ROUTES,
        *queue_pages.ROUTES,
        *campaign_api.ROUTES,
        *campaign_pages.ROUTES,
        *notification_pages.ROUTES,
        audit_page("/accounts/journal", "/api/v1/households/audit"),
    ],
    migrations=Path(__file__).parent / "migrations",
    templates=Path(__file__).parent / "templates",
    entry_pages=(
        ("requests.home.title", "/demandes"),
        ("requests.queue.title", "/demandes/file"),
        ("requests.criteria.title", "/demandes/criteres"),
        ("campaigns.list.title", "/achats/campagnes"),
        ("notifications.inbox.title", "/notifications"),
    ),
    consumers=[*inventory_feed.CONSUMERS, *places_feed.CONSUMERS],
    state=account_pages.accounts_state,
    awaiting=home.awaiting,
    background=(
        jobs.propose_periodically,
        campaign_jobs.close_due_campaigns,
        retention.erase_lapsed_periodically,
        notification_jobs.send_mail,
        coordinators.watch_shortage_periodically,
        notification_jobs.remind_periodically,
    ),
)


def build(settings: Settings | None = None) -> Litestar:
    return create_app(settings or load_settings(service="group_purchase"), DEFINITION)
