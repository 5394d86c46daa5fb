"""Reminders told before something lapses: a confirmed reservation within 24 hours of its end
(to its household's social worker), a training within 30 days of its end (to the person and
to every administrator). A periodic job looks for them; each is told once, marked in the
transaction that writes its notifications, whichever replica comes first."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import asyncpg
import msgspec

from services.group_purchase.notifications.store import tell_about_lapsing
from shared.notifications.outbox import Notice, write
from shared.rows import rows_as
from shared.trainings import EXPIRY_NOTICE, local_day
from shared.uow import UnitOfWork
from shared.web.formats import long_day
from shared.web.i18n import translator

# A social worker hears of a reservation about to lapse this long before it does.
LAPSING_NOTICE = timedelta(hours=24)
ADMIN = "admin"


class EndingTraining(msgspec.Struct, frozen=True, kw_only=True):
    """A training whose end is now announced, with whose it is and where they are told."""

    account_id: uuid.UUID
    login: str
    course: str
    reference: str
    valid_until: date
    email: str
    language: str


class Administrator(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    email: str
    language: str


class ReminderStore:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def warn_of_lapsing(self, now: datetime) -> int:
        return await tell_about_lapsing(self.connection, now, LAPSING_NOTICE)

    async def mark_trainings_ending(
        self, first: date, last: date, now: datetime
    ) -> list[EndingTraining]:
        """The trainings of enabled accounts whose last valid day falls between ``first`` and
        ``last``, not announced yet nor renewed (no training of the same course lasts longer),
        marked announced at ``now``. Another replica at it skips those this one holds locked,
        and finds those it committed marked."""
        rows = await self.connection.fetch(
            "UPDATE trainings t SET expiry_announced_at = $3 FROM accounts a "
            "WHERE a.id = t.account_id AND t.id IN (SELECT e.id FROM trainings e "
            "JOIN accounts o ON o.id = e.account_id AND o.enabled "
            "WHERE e.expiry_announced_at IS NULL AND e.valid_until BETWEEN $1 AND $2 "
            "AND NOT EXISTS (SELECT 1 FROM trainings r WHERE r.account_id = e.account_id "
            "AND r.course = e.course AND r.valid_until > e.valid_until) "
            "FOR UPDATE OF e SKIP LOCKED) "
            "RETURNING t.account_id, a.login, t.course, t.reference, t.valid_until, a.email, "
            "a.language",
            first,
            last,
            now,
        )
        return sorted(rows_as(EndingTraining, rows), key=lambda t: (t.valid_until, t.reference))

    async def administrators(self) -> list[Administrator]:
        rows = await self.connection.fetch(
            "SELECT id, email, language FROM accounts WHERE enabled AND $1 = ANY (roles) "
            "ORDER BY lower(login)",
            ADMIN,
        )
        return rows_as(Administrator, rows)

    async def tell(self, notices: list[Notice], now: datetime) -> None:
        await write(self.connection, notices, now)


Reminders = UnitOfWork[ReminderStore]


async def warn_of_lapsing_reservations(uow: Reminders, now: datetime | None = None) -> int:
    """Tell the social workers of the reservations that lapse within 24 hours of ``now`` (the
    unit of work's clock unless given) and were not handed over yet; how many."""
    async with uow.begin() as work:
        return await work.store.warn_of_lapsing(now or work.now())


async def announce_ending_trainings(uow: Reminders, now: datetime | None = None) -> int:
    """Tell each person whose training ends within 30 days of ``now``'s day (in Paris), and
    every administrator, once per training; how many trainings were announced."""
    async with uow.begin() as work:
        at = now or work.now()
        today = local_day(at)
        ending = await work.store.mark_trainings_ending(today, today + EXPIRY_NOTICE, at)
        if ending:
            administrators = await work.store.administrators()
            await work.store.tell(training_notices(ending, administrators), at)
    return len(ending)


def training_notices(
    ending: list[EndingTraining], administrators: list[Administrator]
) -> list[Notice]:
    """For each training: the person's notice (their account page, where it is listed), and
    one for each administrator but the person (the account's page, to record the new one)."""
    notices = []
    for training in ending:
        notices.append(
            Notice(
                recipient=str(training.account_id),
                kind="training_expiring",
                email=training.email,
                language=training.language,
                details=_training_details(training, training.language) | {"path": "/compte"},
            )
        )
        notices += [
            Notice(
                recipient=str(admin.id),
                kind="training_expiring_admin",
                email=admin.email,
                language=admin.language,
                details=_training_details(training, admin.language)
                | {"login": training.login, "path": f"/accounts/{training.account_id}"},
            )
            for admin in administrators
            if admin.id != training.account_id
        ]
    return notices


def _training_details(training: EndingTraining, language: str) -> dict[str, str]:
    return {
        "course": translator(language)(f"trainings.course.{training.course}"),
        "reference": training.reference,
        "deadline": long_day(training.valid_until, language=language),
    }
