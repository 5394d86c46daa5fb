"""A donor's contact erased: a set time after the donation (``BOUCLE_DONOR_CONTACT_DAYS``), or
when the donor asks, by the counter or a coordinator. What stays is the donation itself: the
device, its label, the place and the acknowledgements."""

from __future__ import annotations

import uuid
from datetime import timedelta

from services.collection_point import units
from services.collection_point.domain import point_scope
from services.collection_point.donors.store import DonorNewsStore
from shared.auth import Principal
from shared.errors import NotFound
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


async def has_contact(
    uow: UnitOfWork[DonorNewsStore],
    principal: Principal,
    intake_id: uuid.UUID,
    place_id: uuid.UUID | None = None,
) -> bool:
    """Whether a contact is kept for ``intake_id``, a donation of one of the person's points
    (of ``place_id``, when given)."""
    async with uow.begin() as work:
        await _reached(work.store, principal, intake_id, place_id)
        return await work.store.has_contact(intake_id)


async def forget_on_request(
    uow: UnitOfWork[DonorNewsStore],
    principal: Principal,
    intake_id: uuid.UUID,
    place_id: uuid.UUID | None = None,
) -> bool:
    """The contact of ``intake_id`` erased, as its donor asked (False: there was none left:
    asking twice is asking once); a donation of one of the person's points (of ``place_id``,
    when given)."""
    async with uow.begin() as work:
        await _reached(work.store, principal, intake_id, place_id)
        forgotten = await work.store.forget_contacts(work.now(), 1, intake_id)
        for intake in forgotten:
            await work.audit(principal.sub, "donor_contact.erased", f"intake:{intake}")
    return bool(forgotten)


async def _reached(
    store: DonorNewsStore,
    principal: Principal,
    intake_id: uuid.UUID,
    place_id: uuid.UUID | None,
) -> None:
    point = await store.point_of(intake_id)
    if (
        point is None
        or place_id not in (None, point)
        or not principal.may_reach(point_scope(point))
    ):
        raise NotFound(
            f"No intake {intake_id} at your collection points.", code="counter.intake_not_found"
        )


async def forget_lapsed_periodically(runtime: Runtime) -> None:
    async def forget_once() -> None:
        days = runtime.settings.collection_point.donor_contact_days
        erased = await forget_lapsed_contacts(units.donors(runtime), days)
        if erased:
            log.info("donor_contacts_erased_by_retention", contacts=erased)

    await every(EVERY_SECONDS, forget_once, log, "retention_retrying")
