"""The mail sender of group_purchase: its links lead to this service's pages."""

from __future__ import annotations

from shared.notifications.sender import send_periodically
from shared.web.app import Runtime


async def send_mail(runtime: Runtime) -> None:
    settings = runtime.settings
    await send_periodically(runtime, settings.accounts_url or settings.public_url)
