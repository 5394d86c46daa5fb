"""The arrivals pages of a workshop: the shipments collection points sent it, and a
shipment's receipt, where devices are scanned one by one (each one checked in as on the
board) before the receipt is closed. Every form works without JavaScript; a change redirects
back with a confirmation, a refusal shows the page again with the reason next to the field."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.refurbishment import units
from services.refurbishment.bench import handlers
from services.refurbishment.bench.order_pages import BENCH, NO_STORE, form_fields
from services.refurbishment.bench.refusals import FIELDS
from services.refurbishment.shipments import handlers as shipments
from services.refurbishment.shipments.domain import LIST_LIMIT, ShipmentScanned
from shared.auth import Principal
from shared.labels import LabelError, format_code, parse_code
from shared.web.actions import Errors, act
from shared.web.app import Runtime
from shared.web.pages import page

AnyRequest = Request[Any, Any, Any]


def arrivals_url(workshop_id: uuid.UUID) -> str:
    return f"/atelier/{workshop_id}/arrivages"


def receipt_url(workshop_id: uuid.UUID, shipment_id: uuid.UUID) -> str:
    return f"{arrivals_url(workshop_id)}/{shipment_id}"


@get("/atelier/{workshop_id:uuid}/arrivages", opt=BENCH, include_in_schema=False)
async def list_arrivals(
    request: AnyRequest,
    workshop_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """The shipments sent to the workshop: those to receive first, then the newest."""
    reads = units.reads(runtime)
    name = await handlers.reachable_workshop(reads, principal, workshop_id)
    return page(
        request,
        "shipment_arrivals.html",
        headers=NO_STORE,
        workshop_id=workshop_id,
        workshop_name=name,
        arrivals=await reads.incoming_at(workshop_id, LIST_LIMIT),
        here=arrivals_url(workshop_id),
    )


@get("/atelier/{workshop_id:uuid}/arrivages/{shipment_id:uuid}", opt=BENCH, include_in_schema=False)
async def show_receipt(
    request: AnyRequest,
    workshop_id: FromPath[uuid.UUID],
    shipment_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """A shipment's receipt: the scan field while open, each device's arrival."""
    return await _receipt(request, runtime, principal, workshop_id, shipment_id)


async def _receipt(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    workshop_id: uuid.UUID,
    shipment_id: uuid.UUID,
    status_code: int = 200,
    **context: Any,
) -> Template:
    reads = units.reads(runtime)
    await handlers.reachable_workshop(reads, principal, workshop_id)
    shipment = await shipments.incoming_shipment(reads, principal, workshop_id, shipment_id)
    scanned = request.query_params.get("scanne", "")
    return page(
        request,
        "shipment_receipt.html",
        status_code=status_code,
        headers=NO_STORE,
        workshop_id=workshop_id,
        shipment=shipment,
        here=receipt_url(workshop_id, shipment_id),
        back_url=arrivals_url(workshop_id),
        scanned_label=_display(scanned) if not context.get("errors") else "",
        scanned_unexpected=request.query_params.get("inattendu") == "1",
        closed_now=request.query_params.get("fait") == "clos",
        **{"active": "receipt", "typed": {}, "errors": {}, **context},
    )


@post(
    "/atelier/{workshop_id:uuid}/arrivages/{shipment_id:uuid}/scans",
    opt=BENCH,
    include_in_schema=False,
)
async def scan_device(
    request: AnyRequest,
    workshop_id: FromPath[uuid.UUID],
    shipment_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """A label scanned or typed: the device is checked in and noted in the shipment."""
    texts, _ = await form_fields(request)
    label = texts.get("label", "").strip()[:200]

    async def step() -> ShipmentScanned:
        receipt = units.shipments(runtime)
        return await shipments.scan_device(receipt, principal, workshop_id, shipment_id, label)

    def scanned_url(scanned: ShipmentScanned) -> str:
        unexpected = "" if scanned.expected else "&inattendu=1"
        return f"{receipt_url(workshop_id, shipment_id)}?scanne={scanned.label}{unexpected}"

    async def again(errors: Errors, status: int) -> Template:
        return await _receipt(
            request,
            runtime,
            principal,
            workshop_id,
            shipment_id,
            status_code=status,
            typed={"label": label},
            errors=errors,
        )

    async def typed() -> dict[str, str]:
        return {"label": label}

    return await act(request, step, done=scanned_url, again=again, fields=FIELDS, values=typed)


@post(
    "/atelier/{workshop_id:uuid}/arrivages/{shipment_id:uuid}/cloture",
    opt=BENCH,
    include_in_schema=False,
)
async def close_receipt(
    workshop_id: FromPath[uuid.UUID],
    shipment_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Redirect:
    """Close the receipt: the collection point learns what arrived, is missing, or was
    unexpected (``refurbishment.shipment.received``)."""
    await shipments.close_receipt(units.shipments(runtime), principal, workshop_id, shipment_id)
    return Redirect(f"{receipt_url(workshop_id, shipment_id)}?fait=clos", status_code=303)


def _display(label: str) -> str:
    try:
        return format_code(parse_code(label)) if label else ""
    except LabelError:
        return ""


ROUTES = [list_arrivals, show_receipt, scan_device, close_receipt]
