"""The periodic jobs of notifications: the mail sender (its links lead to this service's
pages) and the reminders told before a reservation or a training lapses."""

from __future__ import annotations

from services.group_purchase import units
from services.group_purchase.notifications import reminders
from shared.jobs import every
from shared.logging import get_logger
from shared.notifications.sender import send_periodically
from shared.web.app import Runtime

REMINDING_EVERY_SECONDS = 60.0
log = get_logger("boucle.group_purchase.reminders")


async def send_mail(runtime: Runtime) -> None:
    settings = runtime.settings
    await send_periodically(runtime, settings.accounts_url or settings.public_url)


async def remind_periodically(runtime: Runtime) -> None:
    """Every minute, the reminders now due (each once, whichever replica finds it first)."""
    uow = units.reminders(runtime)

    async def remind_once() -> None:
        warned = await reminders.warn_of_lapsing_reservations(uow)
        if warned:
            log.info("reservations_lapsing_told", reservations=warned)
        announced = await reminders.announce_ending_trainings(uow)
        if announced:
            log.info("trainings_ending_told", trainings=announced)

    await every(REMINDING_EVERY_SECONDS, remind_once, log, "reminders_retrying")
