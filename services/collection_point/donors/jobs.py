"""The mail sender of the collection point: donors' news, whose passport links lead to
inventory's public pages and whose one-click unsubscribe leads here."""

from __future__ import annotations

from services.collection_point.donors.pages import UNSUBSCRIBE_PATH
from shared.config import Settings
from shared.notifications.sender import send_periodically
from shared.notifications.texts import MailLinks
from shared.web.app import Runtime

# A donor has no account, so no inbox; the passport is inventory's page (its notices say so).
DONOR_LINKS = MailLinks(unsubscribe_path=UNSUBSCRIBE_PATH, inbox_path="")


def own_url(settings: Settings) -> str:
    return settings.collection_point_url or settings.public_url


async def send_mail(runtime: Runtime) -> None:
    settings = runtime.settings
    await send_periodically(runtime, own_url(settings), DONOR_LINKS)
