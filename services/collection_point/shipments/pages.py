"""The shipment pages of a collection point: the point's shipments and a form to open one for
a workshop, then a shipment's page where devices are scanned into the box (a USB scanner
types the label and Enter), taken out, and the shipment dispatched; once the workshop has
received it, what was missing or unexpected. Every form works without JavaScript; a change
redirects, a refusal shows the page again with the reason next to the field."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.collection_point.access import reachable_point
from services.collection_point.intake.counter_pages import COUNTER, COUNTER_PATH, NO_STORE
from services.collection_point.shipments import handlers as shipments
from services.collection_point.shipments.api import shipment_work
from services.collection_point.shipments.domain import ShipmentOpen, ShipmentRefused
from services.collection_point.shipments.store import ShipmentStore
from shared.auth import Principal
from shared.labels import LabelError, format_code, parse_code
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.i18n import language_of, translator
from shared.web.pages import page
from shared.web.refusals import GENERAL, said

AnyRequest = Request[Any, Any, Any]
NOTICES = ("ouvert", "ajoute", "retire", "expedie")


def shipments_url(place_id: uuid.UUID) -> str:
    return f"{COUNTER_PATH}/{place_id}/envois"


def shipment_url(place_id: uuid.UUID, shipment_id: uuid.UUID) -> str:
    return f"{shipments_url(place_id)}/{shipment_id}"


async def _form(request: AnyRequest) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@get(f"{COUNTER_PATH}/{{place_id:uuid}}/envois", opt=COUNTER, include_in_schema=False)
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
        point = await reachable_point(store, principal, place_id)
        workshops = await store.known_workshops()
        listed = await store.shipments_of(place_id)
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


@post(f"{COUNTER_PATH}/{{place_id:uuid}}/envois", opt=COUNTER, include_in_schema=False)
async def open_shipment(
    request: AnyRequest,
    place_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Open a shipment for the chosen workshop; the form's key opens it once."""
    texts = await _form(request)
    t = translator(language_of(request))
    workshop_id, key = _uuid(texts.get("workshop_id", "")), _uuid(texts.get("key", ""))
    try:
        if workshop_id is None:
            raise ShipmentRefused("Choose the destination workshop.", code="shipment.no_workshop")
        shipment = await shipments.open_shipment(
            shipment_work(runtime),
            principal,
            place_id,
            ShipmentOpen(workshop_id=workshop_id, id=key),
        )
    except ShipmentRefused as refused:
        return await _shipments_page(
            request,
            runtime,
            principal,
            place_id,
            status_code=refused.status_code,
            typed={"workshop_id": texts.get("workshop_id", "")},
            errors={"workshop_id": said(refused, t)},
        )
    return Redirect(f"{shipment_url(place_id, shipment.id)}?fait=ouvert", status_code=303)


@get(
    f"{COUNTER_PATH}/{{place_id:uuid}}/envois/{{shipment_id:uuid}}",
    opt=COUNTER,
    include_in_schema=False,
)
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
        point = await reachable_point(store, principal, place_id)
        shipment = await shipments.shipment_for(store, principal, place_id, shipment_id)
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


@post(
    f"{COUNTER_PATH}/{{place_id:uuid}}/envois/{{shipment_id:uuid}}/appareils",
    opt=COUNTER,
    include_in_schema=False,
)
async def pack_device(
    request: AnyRequest,
    place_id: FromPath[uuid.UUID],
    shipment_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """A label scanned or typed: the device goes into the box."""
    typed = (await _form(request)).get("label", "").strip()[:200]

    async def again(errors: Errors, status: int) -> Template:
        return await _refused_on(
            request,
            runtime,
            principal,
            place_id,
            shipment_id,
            status,
            typed={"label": typed},
            errors=_on("label", errors),
        )

    return await act(
        request,
        partial(
            shipments.pack_device, shipment_work(runtime), principal, place_id, shipment_id, typed
        ),
        done=lambda packed: (
            done_url(shipment_url(place_id, shipment_id), "ajoute") + f"&etiquette={packed.label}"
        ),
        again=again,
    )


@post(
    f"{COUNTER_PATH}/{{place_id:uuid}}/envois/{{shipment_id:uuid}}/retrait",
    opt=COUNTER,
    include_in_schema=False,
)
async def unpack_device(
    request: AnyRequest,
    place_id: FromPath[uuid.UUID],
    shipment_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Take a device out of the box."""
    typed = (await _form(request)).get("label", "").strip()[:200]

    async def again(errors: Errors, status: int) -> Template:
        return await _refused_on(
            request,
            runtime,
            principal,
            place_id,
            shipment_id,
            status,
            active="dispatch",
            errors=_on(GENERAL, errors),
        )

    return await act(
        request,
        partial(
            shipments.unpack_device, shipment_work(runtime), principal, place_id, shipment_id, typed
        ),
        done=lambda _: (
            done_url(shipment_url(place_id, shipment_id), "retire")
            + f"&etiquette={parse_code(typed)}"
        ),
        again=again,
    )


@post(
    f"{COUNTER_PATH}/{{place_id:uuid}}/envois/{{shipment_id:uuid}}/expedition",
    opt=COUNTER,
    include_in_schema=False,
)
async def dispatch_shipment(
    request: AnyRequest,
    place_id: FromPath[uuid.UUID],
    shipment_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Dispatch the shipment; an empty one is refused with the reason."""

    async def again(errors: Errors, status: int) -> Template:
        return await _refused_on(
            request,
            runtime,
            principal,
            place_id,
            shipment_id,
            status,
            active="dispatch",
            errors=_on(GENERAL, errors),
        )

    return await act(
        request,
        partial(
            shipments.dispatch_shipment, shipment_work(runtime), principal, place_id, shipment_id
        ),
        done=done_url(shipment_url(place_id, shipment_id), "expedie"),
        again=again,
    )


async def _refused_on(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    place_id: uuid.UUID,
    shipment_id: uuid.UUID,
    status: int,
    **context: Any,
) -> Template:
    return await _shipment_page(
        request, runtime, principal, place_id, shipment_id, status_code=status, **context
    )


def _on(field: str, errors: Errors) -> Errors:
    """The refusal next to ``field``, whatever its code concerns."""
    return {field: next(iter(errors.values()))}


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


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
