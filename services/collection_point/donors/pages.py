"""The page a donor's mail links to, to stop the news of their donations (one click from the
mail client, RFC 8058, or the page's button)."""

from __future__ import annotations

import uuid

import asyncpg

from services.collection_point.donors.store import DonorNewsStore
from shared.events import utc_now
from shared.notifications.pages import unsubscribe_routes

UNSUBSCRIBE_PATH = "/dons/desabonnement"


async def stop_news(pool: asyncpg.Pool, token: uuid.UUID) -> str:
    return await DonorNewsStore(pool).stop(token, utc_now())


ROUTES = unsubscribe_routes(UNSUBSCRIBE_PATH, "donor_unsubscribe.html", stop_news)
