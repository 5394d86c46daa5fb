"""Retention: a donor's contact is erased a set time after the donation
(``BOUCLE_DONOR_CONTACT_DAYS``). What stays is the donation itself: the device, its label,
the place and the acknowledgements."""

from __future__ import annotations

from datetime import timedelta

from services.collection_point import units
from services.collection_point.donors.store import DonorNewsStore
from shared.jobs import every
from shared.logging import get_logger
from shared.uow import UnitOfWork
from shared.web.app import Runtime

EVERY_SECONDS = 3600.0
BATCH = 500
ACTOR = "boucle-retention"
log = get_logger("boucle.collection_point.retention")


async def forget_lapsed_contacts(uow: UnitOfWork[DonorNewsStore], days: int) -> int:
    """Every donor's contact given more than ``days`` ago erased, a batch a transaction, each
    erasure audited; how many."""
    erased = 0
    while True:
        async with uow.begin() as work:
            intakes = await work.store.forget_contacts(work.now() - timedelta(days=days), BATCH)
            for intake_id in intakes:
                await work.audit(ACTOR, "donor_contact.erased", f"intake:{intake_id}")
        erased += len(intakes)
        if len(intakes) < BATCH:
            return erased


async def forget_lapsed_periodically(runtime: Runtime) -> None:
    async def forget_once() -> None:
        days = runtime.settings.collection_point.donor_contact_days
        erased = await forget_lapsed_contacts(units.donors(runtime), days)
        if erased:
            log.info("donor_contacts_erased_by_retention", contacts=erased)

    await every(EVERY_SECONDS, forget_once, log, "retention_retrying")
