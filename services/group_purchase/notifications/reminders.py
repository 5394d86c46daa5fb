"""Reminders told before something lapses: a confirmed reservation within 24 hours of its end
(to its household's social worker). A periodic job looks for them; each is told once, marked
in the transaction that writes its notification, whichever replica comes first."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg

from services.group_purchase.notifications.store import tell_about_lapsing
from shared.uow import UnitOfWork

# A social worker hears of a reservation about to lapse this long before it does.
LAPSING_NOTICE = timedelta(hours=24)


class ReminderStore:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def warn_of_lapsing(self, now: datetime) -> int:
        return await tell_about_lapsing(self.connection, now, LAPSING_NOTICE)


Reminders = UnitOfWork[ReminderStore]


async def warn_of_lapsing_reservations(uow: Reminders, now: datetime | None = None) -> int:
    """Tell the social workers of the reservations that lapse within 24 hours of ``now`` (the
    unit of work's clock unless given) and were not handed over yet; how many."""
    async with uow.begin() as work:
        return await work.store.warn_of_lapsing(now or work.now())
