"""Use cases of requests, one unit of work each: a person decides, events go through the outbox."""

from __future__ import annotations

import uuid
from typing import Any

from services.group_purchase.requests.domain import (
    Household,
    HouseholdCreate,
    NeedStatus,
    NoLongerValid,
    Organisation,
    OrganisationCreate,
    RequestCreate,
    RequestRefused,
    check_consent,
    check_may_cancel,
    check_may_confirm,
    check_may_hand_over,
    check_may_return,
    check_quota,
    household_reference,
    organisation_scope,
)
from services.group_purchase.requests.proposals import MatchingRun
from services.group_purchase.requests.store import HeldNeed, HeldProposal, RequestStore
from shared.auth import Principal
from shared.contracts.purchase import (
    DeviceHandedOver,
    DeviceReturned,
    ReservationReleased,
    ReservationRequested,
)
from shared.errors import Conflict, NotFound
from shared.events import Event, uuid7
from shared.logging import current_correlation_id
from shared.uow import UnitOfWork, Work

Requests = UnitOfWork[RequestStore]
PRODUCER = "group_purchase"


def _step(kind: type[Event], device_id: uuid.UUID, **fields: Any) -> Event:
    """A step about a device, with the caller's correlation."""
    return kind(
        producer=PRODUCER,
        correlation_id=current_correlation_id(),
        aggregate_id=device_id,
        **fields,
    )


async def create_organisation(uow: Requests, command: OrganisationCreate) -> Organisation:
    organisation_id = uuid7()
    async with uow.begin() as work:
        if not await work.store.insert_organisation(organisation_id, command):
            raise Conflict(
                f"An organisation named {command.name!r} exists already.",
                code="requests.organisation_exists",
                name=command.name,
            )
        organisation = await work.store.get_organisation(organisation_id)
    assert organisation is not None
    return organisation


async def set_quota(uow: Requests, organisation_id: uuid.UUID, quota: int | None) -> Organisation:
    """Devices an organisation may reserve per calendar month (``None``: no limit)."""
    async with uow.begin() as work:
        if not await work.store.set_quota(organisation_id, quota):
            raise NotFound(
                f"No organisation {organisation_id}.", code="requests.organisation_unknown"
            )
        organisation = await work.store.get_organisation(organisation_id)
    assert organisation is not None
    return organisation


async def propose_to_all(uow: Requests) -> MatchingRun:
    """Propose now, to every open need, the best free ready device."""
    async with uow.begin() as work:
        return await work.store.propose(work.now())


def check_reaches(principal: Principal, organisation_id: uuid.UUID, unknown: str) -> None:
    """Outside one's organisation, a household or a request does not exist (404, not 403):
    refused with ``unknown``, the code of the thing not found."""
    if not principal.may_reach(organisation_scope(organisation_id)):
        raise NotFound(f"Nothing of that id among your organisation's ({unknown}).", code=unknown)


async def organisations_in_reach(
    store: RequestStore, principal: Principal, organisation_id: uuid.UUID | None
) -> list[uuid.UUID] | None:
    """The organisations a list shows: the one named, if the caller reaches it (404 otherwise,
    as for one that does not exist), else all of the caller's (``None``: every one)."""
    if organisation_id is None:
        return principal.scoped_ids("organisation")
    if await store.get_organisation(organisation_id) is None or not (
        principal.may_reach(organisation_scope(organisation_id))
    ):
        raise NotFound(
            f"No organisation {organisation_id} among yours.", code="requests.organisation_unknown"
        )
    return [organisation_id]


async def create_household(
    uow: Requests, principal: Principal, command: HouseholdCreate
) -> Household:
    """Register a household under an opaque reference."""
    check_reaches(principal, command.organisation_id, "requests.organisation_unknown")
    check_consent(command)
    async with uow.begin() as work:
        if await work.store.get_organisation(command.organisation_id) is None:
            raise NotFound(
                f"No organisation {command.organisation_id}.",
                code="requests.organisation_unknown",
            )
        household_id = uuid7()
        for _ in range(5):  # a reference is random: on the rare clash, draw another
            if await work.store.insert_household(
                household_id, household_reference(), command, principal.sub, work.now()
            ):
                break
        household = await work.store.get_household(household_id)
        assert household is not None
        await work.audit(principal.sub, "household.registered", f"household:{household_id}")
    return household


async def reachable_household(
    store: RequestStore, principal: Principal, household_id: uuid.UUID
) -> Household:
    household = await store.get_household(household_id)
    if household is None:
        raise NotFound(
            f"No household {household_id} among your organisation's.",
            code="requests.household_unknown",
        )
    check_reaches(principal, household.organisation_id, "requests.household_unknown")
    return household


async def submit_request(uow: Requests, principal: Principal, command: RequestCreate) -> uuid.UUID:
    """File the request and propose what fits at once (a person still has to confirm)."""
    request_id = uuid7()
    needs = [(uuid7(), need) for need in command.needs]
    async with uow.begin() as work:
        now = work.now()
        household = await reachable_household(work.store, principal, command.household_id)
        if household.erased_at is not None:
            raise RequestRefused(
                "This household asked to be forgotten: register it anew.", code="requests.erased"
            )
        await work.store.insert_request(
            request_id, household, command.source, principal.sub, now, needs
        )
        await work.store.propose(now, [need_id for need_id, _ in needs])
    return request_id


async def _reachable_need(
    store: RequestStore, principal: Principal, need_id: uuid.UUID
) -> HeldNeed:
    need = await store.need_for_update(need_id)
    if need is None:
        raise NotFound(
            f"No need {need_id} among your organisation's requests.", code="requests.need_unknown"
        )
    check_reaches(principal, need.organisation_id, "requests.need_unknown")
    return need


async def _open_proposal(
    store: RequestStore, need_id: uuid.UUID, proposal_id: uuid.UUID
) -> HeldProposal:
    """The need's proposal, locked while still open: an id this need never had is a 404, a
    proposal decided or withdrawn since is no longer valid (409)."""
    proposal = await store.proposal_for_update(need_id, proposal_id)
    if proposal is None:
        raise NotFound(
            f"No proposal {proposal_id} for this need.", code="requests.proposal_unknown"
        )
    if proposal.status != "open":
        raise NoLongerValid(
            "This proposal is no longer open: reload the request.",
            code="requests.proposal_closed",
        )
    return proposal


async def confirm_proposal(
    uow: Requests, principal: Principal, need_id: uuid.UUID, proposal_id: uuid.UUID
) -> uuid.UUID:
    """A person accepts the proposed device: inventory is asked to hold it (the attempt's id)."""
    async with uow.begin() as work:
        now = work.now()
        need = await _reachable_need(work.store, principal, need_id)
        check_may_confirm(need.status)
        proposal = await _open_proposal(work.store, need_id, proposal_id)
        organisation = await work.store.get_organisation(need.organisation_id)
        assert organisation is not None
        check_quota(organisation, await work.store.reservations_this_month(organisation.id, now))
        attempt_id = uuid7()
        await work.store.decide_proposal(proposal_id, "confirmed", principal.sub, now)
        if not await work.store.insert_attempt(attempt_id, need, proposal, principal.sub, now):
            raise NoLongerValid(
                "This device was promised to another household a moment ago: reload the "
                "request for another proposal.",
                code="requests.taken",
            )
        await work.store.set_need_status(need_id, NeedStatus.RESERVING)
        await work.announce(
            _step(
                ReservationRequested,
                proposal.device_id,
                request_id=attempt_id,
                household_reference=need.household_reference,
            )
        )
    return attempt_id


async def decline_proposal(
    uow: Requests,
    principal: Principal,
    need_id: uuid.UUID,
    proposal_id: uuid.UUID,
    reason: str,
) -> None:
    """A person refuses the proposed device (it is never proposed to this need again)."""
    async with uow.begin() as work:
        now = work.now()
        need = await _reachable_need(work.store, principal, need_id)
        check_may_confirm(need.status)
        await _open_proposal(work.store, need_id, proposal_id)
        await work.store.decide_proposal(proposal_id, "declined", principal.sub, now, reason)
        await work.store.set_need_status(need_id, NeedStatus.SUBMITTED)
        await work.store.propose(now, [need_id])


async def cancel_need(uow: Requests, principal: Principal, need_id: uuid.UUID) -> None:
    """The household no longer needs it: a held device is released, an offer withdrawn."""
    async with uow.begin() as work:
        need = await _reachable_need(work.store, principal, need_id)
        check_may_cancel(need.status)
        await _cancel(work, need_id)


async def _cancel(work: Work[RequestStore], need_id: uuid.UUID) -> None:
    await work.store.withdraw_proposals(need_id)
    attempt = await work.store.release_attempt(need_id)
    if attempt is not None:
        await work.announce(_step(ReservationReleased, attempt.device_id, request_id=attempt.id))
    await work.store.set_need_status(need_id, NeedStatus.CANCELLED)


async def hand_over(
    uow: Requests, principal: Principal, need_id: uuid.UUID, place: str
) -> uuid.UUID:
    """The family has the device: the attempt's id identifies the receipt."""
    async with uow.begin() as work:
        now = work.now()
        need = await _reachable_need(work.store, principal, need_id)
        check_may_hand_over(need.status)
        attempt = await work.store.hand_over_attempt(need_id, now, place, principal.sub)
        if attempt is None:
            raise NoLongerValid(
                "The reservation of this device has ended: reload the request.",
                code="requests.ended",
            )
        await work.store.set_need_status(need_id, NeedStatus.HANDED_OVER)
        await work.announce(
            _step(DeviceHandedOver, attempt.device_id, occurred_at=now, request_id=attempt.id)
        )
    return attempt.id


async def return_device(
    uow: Requests, principal: Principal, need_id: uuid.UUID, reason: str
) -> None:
    """The household brought the device back: it goes through a workshop again."""
    async with uow.begin() as work:
        need = await _reachable_need(work.store, principal, need_id)
        check_may_return(need.status)
        attempt = await work.store.return_attempt(need_id)
        assert attempt is not None
        await work.store.set_need_status(need_id, NeedStatus.RETURNED)
        await work.announce(_step(DeviceReturned, attempt.device_id, reason=reason))


async def erase_household(uow: Requests, principal: Principal, household_id: uuid.UUID) -> None:
    """Forget the household's personal data; its needs not yet served are cancelled with it."""
    async with uow.begin() as work:
        await reachable_household(work.store, principal, household_id)
        for need_id in await work.store.open_needs_of_household(household_id):
            await _cancel(work, need_id)
        await work.store.erase_household(household_id, work.now())
        await work.audit(principal.sub, "household.erased", f"household:{household_id}")
