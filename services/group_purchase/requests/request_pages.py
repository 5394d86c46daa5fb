"""A request's page: the household's priority and how it was reached, and for each need where
it stands and the next step — confirm or refuse a proposal (with its reasons), follow the
reservation, hand the device over and print the receipt, take it back, or cancel."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
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
from shared.auth import Principal
from shared.errors import NotFound
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import typed_back
from shared.web.i18n import language_of

DONE = frozenset({"submitted", "confirmed", "declined", "handed_over", "returned", "cancelled"})
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


@post(f"{NEED_PATH}/confirmation", opt=PEOPLE, include_in_schema=False)
async def confirm_proposal(
    request: AnyRequest,
    request_id: FromPath[uuid.UUID],
    need_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """The household accepts the proposed device: inventory is asked to hold it."""

    async def step(form: dict[str, str]) -> None:
        await handlers.confirm_proposal(
            units.requests(runtime), principal, need_id, _proposal_id(form)
        )

    return await _decide(request, runtime, principal, request_id, need_id, "confirmed", step)


@post(f"{NEED_PATH}/refus", opt=PEOPLE, include_in_schema=False)
async def decline_proposal(
    request: AnyRequest,
    request_id: FromPath[uuid.UUID],
    need_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """The proposed device does not suit the household: the next one is proposed."""

    async def step(form: dict[str, str]) -> None:
        reason = form.get("reason", "").strip()[:REASON_LIMIT]
        await handlers.decline_proposal(
            units.requests(runtime), principal, need_id, _proposal_id(form), reason
        )

    return await _decide(request, runtime, principal, request_id, need_id, "declined", step)


@post(f"{NEED_PATH}/remise", opt=PEOPLE, include_in_schema=False)
async def hand_over(
    request: AnyRequest,
    request_id: FromPath[uuid.UUID],
    need_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """The family has the device; the receipt is then ready to print."""

    async def step(form: dict[str, str]) -> None:
        place = form.get("place", "").strip()[:PLACE_LIMIT]
        await handlers.hand_over(units.requests(runtime), principal, need_id, place)

    return await _decide(request, runtime, principal, request_id, need_id, "handed_over", step)


@post(f"{NEED_PATH}/retour", opt=PEOPLE, include_in_schema=False)
async def return_device(
    request: AnyRequest,
    request_id: FromPath[uuid.UUID],
    need_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """The household brought the device back: it goes through a workshop again."""

    async def step(form: dict[str, str]) -> None:
        reason = form.get("reason", "").strip()[:REASON_LIMIT]
        await handlers.return_device(units.requests(runtime), principal, need_id, reason)

    return await _decide(request, runtime, principal, request_id, need_id, "returned", step)


@post(f"{NEED_PATH}/annulation", opt=PEOPLE, include_in_schema=False)
async def cancel_need(
    request: AnyRequest,
    request_id: FromPath[uuid.UUID],
    need_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """The household no longer needs it: a held device is released, an offer withdrawn."""

    async def step(form: dict[str, str]) -> None:
        await handlers.cancel_need(units.requests(runtime), principal, need_id)

    return await _decide(request, runtime, principal, request_id, need_id, "cancelled", step)


@get("/demandes/besoins/{need_id:uuid}/recu.pdf", opt=PEOPLE, include_in_schema=False)
async def receipt(
    request: AnyRequest,
    need_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Response[bytes]:
    """The hand-over receipt to print and give the family (again, if lost)."""
    return await receipts.receipt_response(request, runtime, principal, need_id)


ROUTES = [
    show_request,
    confirm_proposal,
    decline_proposal,
    hand_over,
    return_device,
    cancel_need,
    receipt,
]
