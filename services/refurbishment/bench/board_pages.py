"""The bench pages of a workshop: the workshops a person works at, a workshop's board of
open work orders by next step, and check-in by scanning or typing a label. Every form works
without JavaScript. The work order pages themselves are in ``bench_order_pages``."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.refurbishment import units
from services.refurbishment.bench import handlers
from services.refurbishment.bench import order_pages as bench_order_pages
from services.refurbishment.bench.domain import CheckIn, WorkOrder
from services.refurbishment.bench.order_pages import BENCH, NO_STORE, form_fields, order_url
from services.refurbishment.bench.refusals import FIELDS
from services.refurbishment.bench.views import board_columns
from services.refurbishment.parts import pages as parts_pages
from shared.auth import Principal
from shared.errors import DomainError
from shared.events import utc_now
from shared.labels import format_code
from shared.trainings import ends_soon, local_day
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.pages import page

AnyRequest = Request[Any, Any, Any]


def _board_url(workshop_id: uuid.UUID) -> str:
    return f"/atelier/{workshop_id}"


@get("/atelier", opt=BENCH, include_in_schema=False)
async def list_workshops(
    request: AnyRequest, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
) -> Template:
    """The workshops a person works at, each opening its bench board."""
    reads = units.reads(runtime)
    workshops = await reads.workshops_reachable(principal.scoped_ids("workshop"))
    today = local_day(utc_now())
    trainings = (
        await reads.erasure_trainings_of(principal.sub)
        if "erasure_officer" in principal.roles
        else []
    )
    # the officer's erasure trainings to renew (mails for them come with the notifications)
    ending = [training for training in trainings if ends_soon(training.valid_until, today)]
    return page(
        request, "bench_workshops.html", workshops=workshops, ending=ending, headers=NO_STORE
    )


async def _board(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    workshop_id: uuid.UUID,
    status_code: int = 200,
    **context: Any,
) -> Template:
    reads = units.reads(runtime)
    name = await handlers.reachable_workshop(reads, principal, workshop_id)
    opened = await reads.open_orders_at(workshop_id)
    closed = await reads.recently_closed_at(workshop_id)
    arrived = await _order_named(runtime, request.query_params.get("arrivee", ""), workshop_id)
    released = await _order_named(runtime, request.query_params.get("sorti", ""), workshop_id)
    return page(
        request,
        "bench_board.html",
        status_code=status_code,
        headers=NO_STORE,
        workshop_id=workshop_id,
        workshop_name=name,
        columns=board_columns(opened),
        closed=[{**row, "label": format_code(row["label"])} for row in closed],
        arrived=arrived,
        arrived_label=format_code(arrived.label) if arrived else "",
        released_label=format_code(released.label) if released and released.closed else "",
        **{"active": "checkin", "typed": {}, "errors": {}, **context},
    )


async def _order_named(runtime: Runtime, order_id: str, workshop_id: uuid.UUID) -> WorkOrder | None:
    """The work order a confirmation speaks of (``?arrivee=…``), if it is of this workshop."""
    try:
        order = await units.reads(runtime).get_work_order(uuid.UUID(order_id)) if order_id else None
    except ValueError:
        return None
    return order if order is not None and order.workshop_id == workshop_id else None


@get("/atelier/{workshop_id:uuid}", opt=BENCH, include_in_schema=False)
async def show_board(
    request: AnyRequest,
    workshop_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """A workshop's open work orders by next step, and the check-in form."""
    return await _board(request, runtime, principal, workshop_id)


@post("/atelier/{workshop_id:uuid}/arrivees", opt=BENCH, include_in_schema=False)
async def check_in_device(
    request: AnyRequest,
    workshop_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """A label scanned or typed: the device's work order opens (or, already here, opens)."""
    texts, _ = await form_fields(request)
    label = texts.get("label", "").strip()

    async def step() -> WorkOrder:
        command = CheckIn(workshop_id=workshop_id, label=label)
        return await handlers.check_in(units.bench(runtime), principal, command)

    async def already_here(_: DomainError) -> str | None:
        here = await handlers.open_order_here(units.reads(runtime), label, workshop_id)
        return done_url(order_url(here.id), "already_here") if here else None

    async def again(errors: Errors, status: int) -> Template:
        return await _board(
            request,
            runtime,
            principal,
            workshop_id,
            status_code=status,
            typed={"label": label},
            errors=errors,
        )

    async def typed() -> dict[str, str]:
        return {"label": label}

    return await act(
        request,
        step,
        done=lambda order: f"{_board_url(workshop_id)}?arrivee={order.id}",
        again=again,
        fields=FIELDS,
        values=typed,
        elsewhere={"bench.checked_in_elsewhere": already_here},
    )


ROUTES = [
    list_workshops,
    show_board,
    check_in_device,
    *bench_order_pages.ROUTES,
    *parts_pages.ROUTES,
]
