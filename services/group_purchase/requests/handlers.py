"""Use cases of requests, one transaction each: a person decides, events go through the outbox."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.group_purchase.requests import store
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
from services.group_purchase.requests.proposals import run_matching
from shared import audit
from shared.auth import Principal
from shared.contracts.purchase import (
    DeviceHandedOver,
    DeviceReturned,
    ReservationReleased,
    ReservationRequested,
)
from shared.db import transaction
from shared.errors import Conflict, NotFound
from shared.events import Event, utc_now, uuid7
from shared.logging import current_correlation_id
from shared.outbox import add_events

PRODUCER = "group_purchase"


async def _announce(
    connection: asyncpg.Connection, kind: type[Event], device_id: uuid.UUID, **fields: Any
) -> None:
    """Announce a step about a device (through the outbox, with the caller's correlation)."""
    event = kind(
        producer=PRODUCER,
        correlation_id=current_correlation_id(),
        aggregate_id=device_id,
        **fields,
    )
    await add_events(connection, [event])


async def create_organisation(pool: asyncpg.Pool, command: OrganisationCreate) -> Organisation:
    organisation_id = uuid7()
    if not await store.insert_organisation(pool, organisation_id, command):
        raise Conflict(
            f"An organisation named {command.name!r} exists already.",
            code="requests.organisation_exists",
            name=command.name,
        )
    organisation = await store.get_organisation(pool, organisation_id)
    assert organisation is not None
    return organisation


def check_reaches(principal: Principal, organisation_id: uuid.UUID, unknown: str) -> None:
    """Outside one's organisation, a household or a request does not exist (404, not 403):
    refused with ``unknown``, the code of the thing not found."""
    if not principal.may_reach(organisation_scope(organisation_id)):
        raise NotFound(f"Nothing of that id among your organisation's ({unknown}).", code=unknown)


async def organisations_in_reach(
    connection: asyncpg.Connection | asyncpg.Pool,
    principal: Principal,
    organisation_id: uuid.UUID | None,
) -> list[uuid.UUID] | None:
    """The organisations a list shows: the one named, if the caller reaches it (404 otherwise,
    as for one that does not exist), else all of the caller's (``None``: every one)."""
    if organisation_id is None:
        return principal.scoped_ids("organisation")
    if await store.get_organisation(connection, organisation_id) is None or not (
        principal.may_reach(organisation_scope(organisation_id))
    ):
        raise NotFound(
            f"No organisation {organisation_id} among yours.", code="requests.organisation_unknown"
        )
    return [organisation_id]


async def create_household(
    connection: asyncpg.Connection, principal: Principal, command: HouseholdCreate
) -> Household:
    """Register a household (in the caller's transaction) under an opaque reference."""
    check_reaches(principal, command.organisation_id, "requests.organisation_unknown")
    check_consent(command)
    if await store.get_organisation(connection, command.organisation_id) is None:
        raise NotFound(
            f"No organisation {command.organisation_id}.", code="requests.organisation_unknown"
        )
    household_id = uuid7()
    for _ in range(5):  # a reference is random: on the rare clash, draw another
        try:
            async with connection.transaction():
                await store.insert_household(
                    connection,
                    household_id,
                    household_reference(),
                    command,
                    principal.sub,
                    utc_now(),
                )
            break
        except asyncpg.UniqueViolationError:
            continue
    household = await store.get_household(connection, household_id)
    assert household is not None
    await audit.record(
        connection, principal.sub, "household.registered", f"household:{household_id}"
    )
    return household


async def reachable_household(
    connection: asyncpg.Connection | asyncpg.Pool, principal: Principal, household_id: uuid.UUID
) -> Household:
    household = await store.get_household(connection, household_id)
    if household is None:
        raise NotFound(
            f"No household {household_id} among your organisation's.",
            code="requests.household_unknown",
        )
    check_reaches(principal, household.organisation_id, "requests.household_unknown")
    return household


async def submit_request(
    connection: asyncpg.Connection, principal: Principal, command: RequestCreate
) -> uuid.UUID:
    """File the request and propose what fits at once (a person still has to confirm)."""
    request_id = uuid7()
    needs = [(uuid7(), need) for need in command.needs]
    now = utc_now()
    household = await reachable_household(connection, principal, command.household_id)
    if household.erased_at is not None:
        raise RequestRefused(
            "This household asked to be forgotten: register it anew.", code="requests.erased"
        )
    await store.insert_request(
        connection, request_id, household, command.source, principal.sub, now, needs
    )
    await run_matching(connection, now, [need_id for need_id, _ in needs])
    return request_id


async def _reachable_need(
    connection: asyncpg.Connection, principal: Principal, need_id: uuid.UUID
) -> asyncpg.Record:
    need = await store.need_for_update(connection, need_id)
    if need is None:
        raise NotFound(
            f"No need {need_id} among your organisation's requests.", code="requests.need_unknown"
        )
    check_reaches(principal, need["organisation_id"], "requests.need_unknown")
    return need


async def _open_proposal(
    connection: asyncpg.Connection, need_id: uuid.UUID, proposal_id: uuid.UUID
) -> asyncpg.Record:
    """The need's proposal, locked while still open: an id this need never had is a 404, a
    proposal decided or withdrawn since is no longer valid (409)."""
    proposal = await connection.fetchrow(
        "SELECT * FROM proposals WHERE id = $1 AND need_id = $2 FOR UPDATE", proposal_id, need_id
    )
    if proposal is None:
        raise NotFound(
            f"No proposal {proposal_id} for this need.", code="requests.proposal_unknown"
        )
    if proposal["status"] != "open":
        raise NoLongerValid(
            "This proposal is no longer open: reload the request.",
            code="requests.proposal_closed",
        )
    return proposal


async def confirm_proposal(
    pool: asyncpg.Pool, principal: Principal, need_id: uuid.UUID, proposal_id: uuid.UUID
) -> uuid.UUID:
    """A person accepts the proposed device: inventory is asked to hold it (the attempt's id)."""
    now = utc_now()
    async with transaction(pool) as connection:
        need = await _reachable_need(connection, principal, need_id)
        check_may_confirm(NeedStatus(need["status"]))
        proposal = await _open_proposal(connection, need_id, proposal_id)
        organisation = await store.get_organisation(connection, need["organisation_id"])
        assert organisation is not None
        check_quota(
            organisation, await store.reservations_this_month(connection, organisation.id, now)
        )
        attempt_id = uuid7()
        await connection.execute(
            "UPDATE proposals SET status = 'confirmed', decided_by = $2, decided_at = $3 "
            "WHERE id = $1",
            proposal_id,
            principal.sub,
            now,
        )
        try:
            async with connection.transaction():
                await connection.execute(
                    "INSERT INTO reservation_attempts (id, need_id, organisation_id, device_id, "
                    "label, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    attempt_id,
                    need_id,
                    organisation.id,
                    proposal["device_id"],
                    proposal["label"],
                    principal.sub,
                    now,
                )
        except asyncpg.UniqueViolationError as error:
            raise NoLongerValid(
                "This device was promised to another household a moment ago: reload the "
                "request for another proposal.",
                code="requests.taken",
            ) from error
        await store.set_need_status(connection, need_id, NeedStatus.RESERVING)
        await _announce(
            connection,
            ReservationRequested,
            proposal["device_id"],
            request_id=attempt_id,
            household_reference=need["household_reference"],
        )
    return attempt_id


async def decline_proposal(
    pool: asyncpg.Pool,
    principal: Principal,
    need_id: uuid.UUID,
    proposal_id: uuid.UUID,
    reason: str,
) -> None:
    """A person refuses the proposed device (it is never proposed to this need again)."""
    now = utc_now()
    async with transaction(pool) as connection:
        need = await _reachable_need(connection, principal, need_id)
        check_may_confirm(NeedStatus(need["status"]))
        await _open_proposal(connection, need_id, proposal_id)
        await connection.execute(
            "UPDATE proposals SET status = 'declined', decided_by = $2, decided_at = $3, "
            "decline_reason = $4 WHERE id = $1",
            proposal_id,
            principal.sub,
            now,
            reason,
        )
        await store.set_need_status(connection, need_id, NeedStatus.SUBMITTED)
        await run_matching(connection, now, [need_id])


async def cancel_need(pool: asyncpg.Pool, principal: Principal, need_id: uuid.UUID) -> None:
    """The household no longer needs it: a held device is released, an offer withdrawn."""
    async with transaction(pool) as connection:
        need = await _reachable_need(connection, principal, need_id)
        check_may_cancel(NeedStatus(need["status"]))
        await _cancel(connection, need_id)


async def _cancel(connection: asyncpg.Connection, need_id: uuid.UUID) -> None:
    await connection.execute(
        "UPDATE proposals SET status = 'withdrawn' WHERE need_id = $1 AND status = 'open'",
        need_id,
    )
    attempt = await connection.fetchrow(
        "UPDATE reservation_attempts SET status = 'released', answered_at = now() "
        "WHERE need_id = $1 AND status IN ('requested', 'confirmed') RETURNING id, device_id",
        need_id,
    )
    if attempt is not None:
        await _announce(
            connection, ReservationReleased, attempt["device_id"], request_id=attempt["id"]
        )
    await store.set_need_status(connection, need_id, NeedStatus.CANCELLED)


async def hand_over(
    pool: asyncpg.Pool, principal: Principal, need_id: uuid.UUID, place: str
) -> uuid.UUID:
    """The family has the device: the attempt's id identifies the receipt."""
    now = utc_now()
    async with transaction(pool) as connection:
        need = await _reachable_need(connection, principal, need_id)
        check_may_hand_over(NeedStatus(need["status"]))
        attempt = await connection.fetchrow(
            "UPDATE reservation_attempts SET status = 'handed_over', handed_over_at = $2, "
            "handed_over_at_place = $3, handed_over_by = $4 "
            "WHERE need_id = $1 AND status = 'confirmed' RETURNING id, device_id",
            need_id,
            now,
            place,
            principal.sub,
        )
        if attempt is None:
            raise NoLongerValid(
                "The reservation of this device has ended: reload the request.",
                code="requests.ended",
            )
        await store.set_need_status(connection, need_id, NeedStatus.HANDED_OVER)
        await _announce(
            connection,
            DeviceHandedOver,
            attempt["device_id"],
            occurred_at=now,
            request_id=attempt["id"],
        )
    return uuid.UUID(str(attempt["id"]))


async def return_device(
    pool: asyncpg.Pool, principal: Principal, need_id: uuid.UUID, reason: str
) -> None:
    """The household brought the device back: it goes through a workshop again."""
    async with transaction(pool) as connection:
        need = await _reachable_need(connection, principal, need_id)
        check_may_return(NeedStatus(need["status"]))
        attempt = await connection.fetchrow(
            "UPDATE reservation_attempts SET status = 'returned' "
            "WHERE need_id = $1 AND status = 'handed_over' RETURNING device_id",
            need_id,
        )
        assert attempt is not None
        await store.set_need_status(connection, need_id, NeedStatus.RETURNED)
        await _announce(connection, DeviceReturned, attempt["device_id"], reason=reason)


async def erase_household(
    pool: asyncpg.Pool, principal: Principal, household_id: uuid.UUID
) -> None:
    """Forget the household's personal data; its needs not yet served are cancelled with it."""
    async with transaction(pool) as connection:
        await reachable_household(connection, principal, household_id)
        open_needs = await connection.fetch(
            "SELECT n.id FROM needs n JOIN requests r ON r.id = n.request_id "
            "WHERE r.household_id = $1 "
            "AND n.status NOT IN ('handed_over', 'cancelled', 'returned') FOR UPDATE OF n",
            household_id,
        )
        for need in open_needs:
            await _cancel(connection, need["id"])
        await store.erase_household(connection, household_id, utc_now())
        await audit.record(
            connection, principal.sub, "household.erased", f"household:{household_id}"
        )
