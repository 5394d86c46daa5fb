"""A request's page: the household's priority and how it was reached, and for each need where
it stands and the next step — confirm or refuse a proposal (with its reasons), follow the
reservation, hand the device over and print the receipt, take it back, or cancel."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.group_purchase import units
from services.group_purchase.requests import handlers, receipts
from services.group_purchase.requests.api import reachable_request
from services.group_purchase.requests.domain import ENDED_STATUSES
from services.group_purchase.requests.pages import (
    PEOPLE,
    AnyRequest,
    form_fields,
    request_page,
)
from services.group_purchase.requests.reasons import device_type_name
from services.group_purchase.requests.refusals import FIELDS
from services.group_purchase.requests.store import RequestStore
from shared.auth import Principal
from shared.errors import NotFound
from shared.uow import UnitOfWork
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import typed_back
from shared.web.i18n import language_of

Form = dict[str, str]
NOTES = frozenset({"reservation_rejected", "reservation_expired", "proposal_withdrawn"})
REASON_LIMIT = 300
PLACE_LIMIT = 200


def request_url(request_id: uuid.UUID) -> str:
    return f"/demandes/{request_id}"


def receipt_url(need_id: uuid.UUID) -> str:
    return f"/demandes/besoins/{need_id}/recu.pdf"


async def _request_page(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    request_id: uuid.UUID,
    status_code: int = 200,
    **context: Any,
) -> Template:
    view = await reachable_request(request, runtime, principal, request_id)
    done = request.query_params.get("fait", "")
    return request_page(
        request,
        "requests_request.html",
        status_code=status_code,
        view=view,
        done=done if done in DONE else "",
        ended=frozenset(status.value for status in ENDED_STATUSES),
        notes=NOTES,
        type_name=lambda device_type: device_type_name(device_type, language_of(request)),
        receipt_url=receipt_url,
        **{"active": "", "need": "", "typed": {}, "errors": {}, **context},
    )


@get("/demandes/{request_id:uuid}", opt=PEOPLE, include_in_schema=False)
async def show_request(
    request: AnyRequest,
    request_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """Where each need stands, and the one next step a person can take for it."""
    return await _request_page(request, runtime, principal, request_id)


async def _decide(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    request_id: uuid.UUID,
    need_id: uuid.UUID,
    action: str,
    step: Callable[[dict[str, str]], Awaitable[object]],
) -> Template | Redirect:
    """Run one step of a need; back to the request with a confirmation, or with the refusal
    next to that need."""
    form = await form_fields(request)

    async def again(errors: Errors, status: int) -> Template:
        return await _request_page(
            request,
            runtime,
            principal,
            request_id,
            status,
            active=action,
            need=str(need_id),
            typed=typed_back(form),
            errors=errors,
        )

    async def values() -> dict[str, str]:
        view = await reachable_request(request, runtime, principal, request_id)
        return {"organisation": view.organisation_name}

    return await act(
        request,
        partial(step, form),
        done=done_url(request_url(request_id), action, f"besoin-{need_id}"),
        again=again,
        fields=FIELDS,
        values=values,
    )


def _proposal_id(form: dict[str, str]) -> uuid.UUID:
    try:
        return uuid.UUID(form.get("proposal_id", ""))
    except ValueError:
        raise NotFound(
            "No proposal of that id for this need.", code="requests.proposal_unknown"
        ) from None


NEED_PATH = "/demandes/{request_id:uuid}/besoins/{need_id:uuid}"
Requests = UnitOfWork[RequestStore]


@dataclass(frozen=True)
class NeedStep:
    """A form of a need on the request page: where it is sent, what it does (given the
    requests' unit of work, the person, the need and the form), and its confirmation."""

    path: str
    run: Callable[[Requests, Principal, uuid.UUID, dict[str, str]], Awaitable[object]]
    done: str


async def _confirm(uow: Requests, principal: Principal, need: uuid.UUID, form: Form) -> None:
    """The household accepts the proposed device: inventory is asked to hold it."""
    await handlers.confirm_proposal(uow, principal, need, _proposal_id(form))


async def _decline(uow: Requests, principal: Principal, need: uuid.UUID, form: Form) -> None:
    """The proposed device does not suit the household: the next one is proposed."""
    reason = form.get("reason", "").strip()[:REASON_LIMIT]
    await handlers.decline_proposal(uow, principal, need, _proposal_id(form), reason)


async def _hand_over(uow: Requests, principal: Principal, need: uuid.UUID, form: Form) -> None:
    """The family has the device; the receipt is then ready to print."""
    place = form.get("place", "").strip()[:PLACE_LIMIT]
    await handlers.hand_over(uow, principal, need, place)


async def _return(uow: Requests, principal: Principal, need: uuid.UUID, form: Form) -> None:
    """The household brought the device back: it goes through a workshop again."""
    reason = form.get("reason", "").strip()[:REASON_LIMIT]
    await handlers.return_device(uow, principal, need, reason)


async def _cancel(uow: Requests, principal: Principal, need: uuid.UUID, form: Form) -> None:
    """The household no longer needs it: a held device is released, an offer withdrawn."""
    await handlers.cancel_need(uow, principal, need)


NEED_STEPS = (
    NeedStep("confirmation", _confirm, "confirmed"),
    NeedStep("refus", _decline, "declined"),
    NeedStep("remise", _hand_over, "handed_over"),
    NeedStep("retour", _return, "returned"),
    NeedStep("annulation", _cancel, "cancelled"),
)


DONE = frozenset({"submitted", *(step.done for step in NEED_STEPS)})


def need_route(step: NeedStep) -> HTTPRouteHandler:
    """The page route of ``step``: back to the request with the confirmation, or with the
    refusal next to that need."""

    async def decide(
        request: AnyRequest,
        request_id: FromPath[uuid.UUID],
        need_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Template | Redirect:
        async def run(form: Form) -> object:
            return await step.run(units.requests(runtime), principal, need_id, form)

        return await _decide(request, runtime, principal, request_id, need_id, step.done, run)

    decide.__doc__ = step.run.__doc__
    return post(
        f"{NEED_PATH}/{step.path}",
        opt=PEOPLE,
        include_in_schema=False,
        name=f"requests.need.{step.done}",
    )(decide)


@get("/demandes/besoins/{need_id:uuid}/recu.pdf", opt=PEOPLE, include_in_schema=False)
async def receipt(
    request: AnyRequest,
    need_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Response[bytes]:
    """The hand-over receipt to print and give the family (again, if lost)."""
    return await receipts.receipt_response(request, runtime, principal, need_id)


ROUTES = [show_request, *(need_route(step) for step in NEED_STEPS), receipt]
