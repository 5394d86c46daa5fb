"""JSON API of requests: organisations, households, requests, proposals, hand-over, shortage."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from services.group_purchase import roles, units
from services.group_purchase.requests import handlers, receipts, views
from services.group_purchase.requests.domain import (
    MAX_MONTHLY_QUOTA,
    Household,
    HouseholdCreate,
    Organisation,
    OrganisationCreate,
    RequestCreate,
)
from services.group_purchase.requests.priority import PriorityPolicy, load_policy
from services.group_purchase.requests.proposals import MatchingRun
from services.group_purchase.requests.shortage import Shortage, shortage_by_type
from services.group_purchase.requests.store import RequestStore
from services.group_purchase.units import Within
from shared import audit
from shared.auth import COORDINATION, Principal
from shared.errors import NotFound
from shared.events import utc_now
from shared.idempotency import answer_once
from shared.labels import parse_code
from shared.listing import PAGE_LIMIT, After, Limit, page_of, read_cursor
from shared.web.app import Runtime
from shared.web.i18n import language_of
from shared.web.replays import IdempotencyKey, replayable, request_fingerprint
from shared.web.security import allow, public

REQUESTERS = roles.REQUESTERS
# Examples shown in the API description: a family a social worker registers, and its request.
HOUSEHOLD_EXAMPLE = {
    "organisation_id": "3d6f9a2e-8c41-5b7e-a0d2-6e9b1c4f7a35",
    "commune": "Roubaix",
    "situation": {"school_age_children": 2, "no_computer": True, "single_parent": True},
    "internet_access": "phone_only",
    "contact_name": "Famille Exemple",
    "contact_phone": "06 12 34 56 78",
    "consent": True,
}
REQUEST_EXAMPLE = {
    "household_id": "0c3e5b7a-9d21-4f68-8e4a-2b6d1f9c7e53",
    "needs": [
        {
            "device_type": "laptop",
            "purpose": "school",
            "min_memory_gb": 8,
            "keyboard_layout": "AZERTY",
            "pickup_place": "Médiathèque de Roubaix",
        }
    ],
    "source": "online",
}
AnyRequest = Request[Any, Any, Any]
_encoder = msgspec.json.Encoder()


class QuotaUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    monthly_quota: Annotated[int, msgspec.Meta(ge=0, le=MAX_MONTHLY_QUOTA)] | None


class ProposalDecision(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    proposal_id: uuid.UUID
    reason: Annotated[str, msgspec.Meta(max_length=300)] = ""


class HandOver(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    place: Annotated[str, msgspec.Meta(max_length=200)] = ""


class DeviceBack(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=300)] = ""


class Reserving(msgspec.Struct, frozen=True, kw_only=True):
    reservation_id: uuid.UUID


class HandedOver(msgspec.Struct, frozen=True, kw_only=True):
    reservation_id: uuid.UUID
    receipt: str


class HouseholdExport(msgspec.Struct, frozen=True, kw_only=True):
    household: Household
    requests: list[views.RequestView]


class OrganisationPage(msgspec.Struct, frozen=True, kw_only=True):
    organisations: list[Organisation]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


class HouseholdPage(msgspec.Struct, frozen=True, kw_only=True):
    households: list[Household]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


async def _once(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    key: str,
    work: Callable[[Within[RequestStore]], Awaitable[bytes]],
) -> Response[bytes]:
    """Do ``work`` in one transaction, once per ``Idempotency-Key`` (``key`` ends in ``None``
    without one); a replay gets the first answer."""
    fingerprint = await request_fingerprint(request, principal)
    async with units.requests(runtime).begin() as held:
        answer = await answer_once(
            held.connection,
            None if key.endswith(":None") else key,
            fingerprint,
            201,
            lambda: work(Within(held)),
        )
    return replayable(answer)


class OrganisationController(Controller):
    path = "/api/v1/organisations"
    tags = ["requests"]

    @post("/", opt=allow(*COORDINATION), status_code=201)
    async def create_organisation(
        self, data: JSONBody[OrganisationCreate], runtime: NamedDependency[Runtime]
    ) -> Organisation:
        return await handlers.create_organisation(units.requests(runtime), data)

    @get("/", opt=allow(*REQUESTERS))
    async def list_organisations(
        self,
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> OrganisationPage:
        """One's organisation (every one for coordinators and admins), by name."""
        rows = await RequestStore(runtime.pool).list_organisations(
            principal.scoped_ids("organisation"), read_cursor(after, str), limit + 1
        )
        organisations, next_after = page_of(
            rows, limit, lambda organisation: (organisation.name, organisation.id)
        )
        return OrganisationPage(organisations=organisations, next_after=next_after)

    @put("/{organisation_id:uuid}/quota", opt=allow(*COORDINATION))
    async def set_quota(
        self,
        organisation_id: FromPath[uuid.UUID],
        data: JSONBody[QuotaUpdate],
        runtime: NamedDependency[Runtime],
    ) -> Organisation:
        """Devices an organisation may reserve per calendar month (``null``: no limit)."""
        return await handlers.set_quota(
            units.requests(runtime), organisation_id, data.monthly_quota
        )


class HouseholdController(Controller):
    path = "/api/v1/households"
    tags = ["requests"]

    @post(
        "/",
        opt={**allow(*REQUESTERS), "example": HOUSEHOLD_EXAMPLE, "returns": Household},
        status_code=201,
    )
    async def create_household(
        self,
        request: AnyRequest,
        data: JSONBody[HouseholdCreate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[bytes]:
        """Register a household with its consent. ``Idempotency-Key`` is honoured."""

        async def work(uow: Within[RequestStore]) -> bytes:
            return _encoder.encode(await handlers.create_household(uow, principal, data))

        return await _once(request, runtime, principal, f"households:{idempotency_key}", work)

    @get("/", opt=allow(*REQUESTERS))
    async def list_households(
        self,
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        organisation_id: FromQuery[uuid.UUID | None] = None,
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> HouseholdPage:
        """The households of one's organisation (of ``organisation_id`` for coordinators and
        admins, or of all), the newest first."""
        store = RequestStore(runtime.pool)
        reachable = await handlers.organisations_in_reach(store, principal, organisation_id)
        rows = await store.list_households(
            reachable, read_cursor(after, datetime.fromisoformat), limit + 1
        )
        households, next_after = page_of(
            rows, limit, lambda household: (household.created_at, household.id)
        )
        return HouseholdPage(households=households, next_after=next_after)

    @get("/audit", opt=allow("admin"))
    async def household_audit(self, runtime: NamedDependency[Runtime]) -> list[audit.AuditEntry]:
        """Who registered, read, exported or erased a household's data, when and from where
        (newest first; the JSON is the export)."""
        return await audit.latest(runtime.pool)

    @get("/{household_id:uuid}", opt=allow(*REQUESTERS))
    async def get_household(
        self,
        household_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Household:
        household = await handlers.reachable_household(
            RequestStore(runtime.pool), principal, household_id
        )
        await audit.record(
            runtime.pool, principal.sub, "household.read", f"household:{household_id}"
        )
        return household

    @get("/{household_id:uuid}/export", opt=allow(*REQUESTERS))
    async def export_household(
        self,
        request: AnyRequest,
        household_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> HouseholdExport:
        """Everything Boucle keeps about a household (its right of access)."""
        household = await handlers.reachable_household(
            RequestStore(runtime.pool), principal, household_id
        )
        await audit.record(
            runtime.pool, principal.sub, "household.exported", f"household:{household_id}"
        )
        now = utc_now()
        requests = [
            view
            for request_id in await views.requests_of_household(runtime.pool, household_id)
            if (
                view := await views.request_view(
                    runtime.pool, request_id, now, language_of(request)
                )
            )
        ]
        return HouseholdExport(household=household, requests=requests)

    @delete("/{household_id:uuid}/personal-data", opt=allow(*REQUESTERS), status_code=200)
    async def erase_household(
        self,
        household_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Household:
        """The household asked to be forgotten: contact and situation are erased; the opaque
        reference stays so that devices handed over keep their history."""
        await handlers.erase_household(units.requests(runtime), principal, household_id)
        return await handlers.reachable_household(
            RequestStore(runtime.pool), principal, household_id
        )


class RequestController(Controller):
    path = "/api/v1/requests"
    tags = ["requests"]

    @post(
        "/",
        opt={**allow(*REQUESTERS), "example": REQUEST_EXAMPLE, "returns": views.RequestView},
        status_code=201,
    )
    async def submit_request(
        self,
        request: AnyRequest,
        data: JSONBody[RequestCreate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[bytes]:
        """File a request: each need gets a proposal with its reasons, or waits (and says why).
        ``Idempotency-Key`` is honoured (a paper form typed in twice is filed once)."""
        language = language_of(request)

        async def work(uow: Within[RequestStore]) -> bytes:
            request_id = await handlers.submit_request(uow, principal, data)
            async with uow.begin() as held:
                view = await views.request_view(held.connection, request_id, utc_now(), language)
            return _encoder.encode(view)

        return await _once(request, runtime, principal, f"requests:{idempotency_key}", work)

    @get("/", opt=allow(*REQUESTERS))
    async def list_requests(
        self,
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        household_id: FromQuery[uuid.UUID | None] = None,
        organisation_id: FromQuery[uuid.UUID | None] = None,
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> views.RequestPage:
        """Requests of one's organisation (or of ``organisation_id``), of one household if
        ``household_id`` is given, the newest first, with their needs' ids and statuses."""
        reachable = await handlers.organisations_in_reach(
            RequestStore(runtime.pool), principal, organisation_id
        )
        if household_id is not None:
            await handlers.reachable_household(RequestStore(runtime.pool), principal, household_id)
        rows = await views.list_requests(
            runtime.pool,
            reachable,
            household_id,
            read_cursor(after, datetime.fromisoformat),
            limit + 1,
        )
        requests, next_after = page_of(
            rows, limit, lambda request: (request.submitted_at, request.id)
        )
        return views.RequestPage(requests=requests, next_after=next_after)

    @get("/{request_id:uuid}", opt=allow(*REQUESTERS))
    async def get_request(
        self,
        request: AnyRequest,
        request_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> views.RequestView:
        return await reachable_request(request, runtime, principal, request_id)

    @get("/queue", opt=allow(*REQUESTERS))
    async def get_queue(
        self, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> list[views.QueueEntry]:
        """Needs not yet served, the most urgent first (one's organisation's, or all)."""
        return await views.queue(runtime.pool, utc_now(), principal.scoped_ids("organisation"))


async def reachable_request(
    request: AnyRequest, runtime: Runtime, principal: Principal, request_id: uuid.UUID
) -> views.RequestView:
    view = await views.request_view(runtime.pool, request_id, utc_now(), language_of(request))
    if view is None:
        raise NotFound(
            f"No request {request_id} among your organisation's.", code="requests.request_unknown"
        )
    handlers.check_reaches(principal, view.organisation_id, "requests.request_unknown")
    return view


class ProposalController(Controller):
    path = "/api/v1/proposals"
    tags = ["requests"]

    @get("/", opt=allow(*REQUESTERS))
    async def list_proposals(
        self,
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        status: FromQuery[views.ProposalStatus | None] = None,
        label: FromQuery[str | None] = None,
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> views.ProposalPage:
        """Devices proposed to the needs of one's organisation, the newest first: ``status=open``
        for those awaiting a person's decision (confirm or decline them on the need), and a
        device's ``label`` to find the need it was proposed to."""
        rows = await views.list_proposals(
            runtime.pool,
            principal.scoped_ids("organisation"),
            status,
            parse_code(label) if label else None,
            read_cursor(after, datetime.fromisoformat),
            limit + 1,
        )
        proposals, next_after = page_of(
            rows, limit, lambda proposal: (proposal.created_at, proposal.id)
        )
        return views.ProposalPage(proposals=proposals, next_after=next_after)


class NeedController(Controller):
    path = "/api/v1/needs/{need_id:uuid}"
    tags = ["requests"]

    @post("/confirmation", opt=allow(*REQUESTERS), status_code=202)
    async def confirm_proposal(
        self,
        need_id: FromPath[uuid.UUID],
        data: JSONBody[ProposalDecision],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Reserving:
        """A person confirms the proposed device; inventory then holds it (or says it cannot)."""
        attempt = await handlers.confirm_proposal(
            units.requests(runtime), principal, need_id, data.proposal_id
        )
        return Reserving(reservation_id=attempt)

    @post("/decline", opt=allow(*REQUESTERS), status_code=200)
    async def decline_proposal(
        self,
        need_id: FromPath[uuid.UUID],
        data: JSONBody[ProposalDecision],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """The proposed device does not suit the household: the next one is proposed."""
        await handlers.decline_proposal(
            units.requests(runtime), principal, need_id, data.proposal_id, data.reason
        )

    @post("/cancellation", opt=allow(*REQUESTERS), status_code=200)
    async def cancel_need(
        self,
        need_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        await handlers.cancel_need(units.requests(runtime), principal, need_id)

    @post("/hand-over", opt=allow(*REQUESTERS), status_code=201)
    async def hand_over(
        self,
        need_id: FromPath[uuid.UUID],
        data: JSONBody[HandOver],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> HandedOver:
        """The family has the device; the receipt is to print and give them."""
        attempt = await handlers.hand_over(units.requests(runtime), principal, need_id, data.place)
        return HandedOver(reservation_id=attempt, receipt=receipts.receipt_path(need_id))

    @get("/receipt.pdf", opt=allow(*REQUESTERS), media_type="application/pdf")
    async def get_receipt(
        self,
        request: AnyRequest,
        need_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Response[bytes]:
        return await receipts.receipt_response(request, runtime, principal, need_id)

    @post("/return", opt=allow(*REQUESTERS), status_code=200)
    async def return_device(
        self,
        need_id: FromPath[uuid.UUID],
        data: JSONBody[DeviceBack],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        await handlers.return_device(units.requests(runtime), principal, need_id, data.reason)


class CoordinationController(Controller):
    path = "/api/v1"
    tags = ["requests"]

    @post("/matching/runs", opt=allow(*COORDINATION), status_code=201)
    async def run_matching(self, runtime: NamedDependency[Runtime]) -> MatchingRun:
        """Propose now, to every open need, the best free ready device (it runs every minute)."""
        return await handlers.propose_to_all(units.requests(runtime))

    @get("/shortage", opt=allow(*REQUESTERS))
    async def get_shortage(self, runtime: NamedDependency[Runtime]) -> list[Shortage]:
        """Per device type: needs still open, ready stock, and what came in lately."""
        return await shortage_by_type(runtime.pool, utc_now())

    @get("/open-data/priority-criteria.json", opt=public())
    async def get_priority_criteria(self) -> PriorityPolicy:
        """The published criteria of priority and the points each gives."""
        return load_policy()


ROUTES = [
    OrganisationController,
    HouseholdController,
    RequestController,
    ProposalController,
    NeedController,
    CoordinationController,
]
