"""The shipment pages of a collection point: the point's shipments and a form to open one for
a workshop, then a shipment's page where devices are scanned into the box (a USB scanner
types the label and Enter), taken out, and the shipment dispatched; once the workshop has
received it, what was missing or unexpected. Every form works without JavaScript; a change
redirects, a refusal shows the page again with the reason next to the field."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.collection_point import units
from services.collection_point.intake.counter_pages import COUNTER, COUNTER_PATH, NO_STORE
from services.collection_point.shipments import handlers as shipments
from services.collection_point.shipments.domain import (
    PackedDevice,
    Shipment,
    ShipmentOpen,
    ShipmentRefused,
    ShipmentScan,
)
from services.collection_point.shipments.store import ShipmentStore
from shared.auth import Principal
from shared.labels import LabelError, format_code, parse_code
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import read_form
from shared.web.pages import page
from shared.web.refusals import GENERAL

AnyRequest = Request[Any, Any, Any]
NOTICES = ("ouvert", "ajoute", "retire", "expedie")
SHIPMENTS_PATH = f"{COUNTER_PATH}/{{place_id:uuid}}/envois"
SHIPMENT_PATH = f"{SHIPMENTS_PATH}/{{shipment_id:uuid}}"


def shipments_url(place_id: uuid.UUID) -> str:
    return f"{COUNTER_PATH}/{place_id}/envois"


def shipment_url(place_id: uuid.UUID, shipment_id: uuid.UUID) -> str:
    return f"{shipments_url(place_id)}/{shipment_id}"


@get(SHIPMENTS_PATH, opt=COUNTER, include_in_schema=False)
async def list_shipments(
    request: AnyRequest,
    place_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """The point's shipments, newest first, and the form to open a new one."""
    return await _shipments_page(request, runtime, principal, place_id)


async def _shipments_page(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    place_id: uuid.UUID,
    status_code: int = 200,
    **context: Any,
) -> Template:
    async with runtime.pool.acquire() as connection:
        store = ShipmentStore(connection)
        point, listed = await shipments.shipments_at(store, principal, place_id)
        workshops = await store.known_workshops()
    return page(
        request,
        "shipments.html",
        status_code=status_code,
        headers=NO_STORE,
        place=point,
        workshops=[(str(workshop.id), workshop.name) for workshop in workshops],
        shipments=listed,
        key=str(uuid.uuid4()),
        counter_url=f"{COUNTER_PATH}?point={place_id}",
        here=shipments_url(place_id),
        **{"active": "open", "typed": {}, "errors": {}, **context},
    )


@post(SHIPMENTS_PATH, opt=COUNTER, include_in_schema=False)
async def open_shipment(
    request: AnyRequest,
    place_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Open a shipment for the chosen workshop; the form's key opens it once."""
    form = await request.form()
    chosen = str(form.get("workshop_id", ""))

    async def step() -> Shipment:
        if not chosen.strip():
            raise ShipmentRefused("Choose the destination workshop.", code="shipment.no_workshop")
        command = read_form(ShipmentOpen, form, names={"id": "key"})
        return await shipments.open_shipment(units.shipments(runtime), principal, place_id, command)

    async def again(errors: Errors, status: int) -> Template:
        return await _shipments_page(
            request,
            runtime,
            principal,
            place_id,
            status_code=status,
            typed={"workshop_id": chosen},
            errors=_on("workshop_id", errors),
        )

    return await act(
        request,
        step,
        done=lambda shipment: done_url(shipment_url(place_id, shipment.id), "ouvert"),
        again=again,
    )


@get(SHIPMENT_PATH, opt=COUNTER, include_in_schema=False)
async def show_shipment(
    request: AnyRequest,
    place_id: FromPath[uuid.UUID],
    shipment_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """A shipment: the scan field and the box's contents while open; what the workshop
    received, and what was missing or unexpected, once it has."""
    return await _shipment_page(request, runtime, principal, place_id, shipment_id)


async def _shipment_page(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    place_id: uuid.UUID,
    shipment_id: uuid.UUID,
    status_code: int = 200,
    **context: Any,
) -> Template:
    async with runtime.pool.acquire() as connection:
        store = ShipmentStore(connection)
        point, shipment = await shipments.shipment_for(store, principal, place_id, shipment_id)
    done = request.query_params.get("fait", "")
    label = request.query_params.get("etiquette", "")
    return page(
        request,
        "shipment.html",
        status_code=status_code,
        headers=NO_STORE,
        place=point,
        shipment=shipment,
        here=shipment_url(place_id, shipment_id),
        back_url=shipments_url(place_id),
        done=done if done in NOTICES and not context.get("errors") else "",
        done_label=_display(label),
        **{"active": "scan", "typed": {}, "errors": {}, **context},
    )


@post(f"{SHIPMENT_PATH}/appareils", opt=COUNTER, include_in_schema=False)
async def pack_device(
    request: AnyRequest,
    place_id: FromPath[uuid.UUID],
    shipment_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """A label scanned or typed: the device goes into the box."""
    form = await request.form()

    async def step() -> PackedDevice:
        scan = read_form(ShipmentScan, form)
        uow = units.shipments(runtime)
        return await shipments.pack_device(uow, principal, place_id, shipment_id, scan.label)

    typed = {"label": str(form.get("label", "")).strip()[:200]}
    return await act(
        request,
        step,
        done=lambda packed: _done_with(place_id, shipment_id, "ajoute", packed.label),
        again=_again(request, runtime, principal, place_id, shipment_id, "label", typed=typed),
    )


@post(f"{SHIPMENT_PATH}/retrait", opt=COUNTER, include_in_schema=False)
async def unpack_device(
    request: AnyRequest,
    place_id: FromPath[uuid.UUID],
    shipment_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Take a device out of the box."""
    form = await request.form()

    async def step() -> str:
        scan = read_form(ShipmentScan, form)
        uow = units.shipments(runtime)
        return await shipments.unpack_device(uow, principal, place_id, shipment_id, scan.label)

    return await act(
        request,
        step,
        done=lambda label: _done_with(place_id, shipment_id, "retire", label),
        again=_again(request, runtime, principal, place_id, shipment_id, active="dispatch"),
    )


@post(f"{SHIPMENT_PATH}/expedition", opt=COUNTER, include_in_schema=False)
async def dispatch_shipment(
    request: AnyRequest,
    place_id: FromPath[uuid.UUID],
    shipment_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Dispatch the shipment; an empty one is refused with the reason."""
    uow = units.shipments(runtime)
    return await act(
        request,
        partial(shipments.dispatch_shipment, uow, principal, place_id, shipment_id),
        done=done_url(shipment_url(place_id, shipment_id), "expedie"),
        again=_again(request, runtime, principal, place_id, shipment_id, active="dispatch"),
    )


def _again(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    place_id: uuid.UUID,
    shipment_id: uuid.UUID,
    field: str = GENERAL,
    **context: Any,
) -> Callable[[Errors, int], Awaitable[Template]]:
    """The shipment page again, the refusal next to ``field`` (the whole form's by default)."""

    async def again(errors: Errors, status: int) -> Template:
        return await _shipment_page(
            request,
            runtime,
            principal,
            place_id,
            shipment_id,
            status_code=status,
            errors=_on(field, errors),
            **context,
        )

    return again


def _done_with(place_id: uuid.UUID, shipment_id: uuid.UUID, action: str, label: str) -> str:
    """The shipment's page confirming ``action`` on the device labelled ``label``."""
    return done_url(shipment_url(place_id, shipment_id), action) + f"&etiquette={label}"


def _on(field: str, errors: Errors) -> Errors:
    """The refusal next to ``field``, whatever its code concerns."""
    return {field: next(iter(errors.values()))}


def _display(label: str) -> str:
    try:
        return format_code(parse_code(label)) if label else ""
    except LabelError:
        return ""


ROUTES = [
    list_shipments,
    open_shipment,
    show_shipment,
    pack_device,
    unpack_device,
    dispatch_shipment,
]
