"""The suppliers group purchases order from: the list, a new one, and a correction of one."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.group_purchase import units
from services.group_purchase.campaigns import handlers
from services.group_purchase.campaigns.domain import Supplier
from services.group_purchase.campaigns.forms import (
    SUPPLIER_KINDS,
    supplier_from,
)
from services.group_purchase.campaigns.refusals import FIELDS
from services.group_purchase.campaigns.rendering import (
    COORDINATORS,
    SUPPLIERS,
    AnyRequest,
    campaign_page,
    done_from,
)
from services.group_purchase.campaigns.store import CampaignStore
from services.group_purchase.requests.pages import form_fields
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import typed_back
from shared.web.i18n import language_of, translator

DONE = frozenset({"created", "updated"})


def supplier_typed(supplier: Supplier) -> dict[str, str]:
    return {
        "name": supplier.name,
        "kind": supplier.kind,
        "contact": supplier.contact,
        "email": supplier.email,
        "phone": supplier.phone,
        "terms": supplier.terms,
    }


async def _suppliers_page(
    request: AnyRequest, runtime: Runtime, status_code: int = 200, **context: Any
) -> Template:
    """The list, and the form: a new supplier, or the one being corrected (``?modifier=…``)."""
    suppliers = await CampaignStore(runtime.pool).list_suppliers()
    t = translator(language_of(request))
    editing = next(
        (s for s in suppliers if str(s.id) == request.query_params.get("modifier", "")), None
    )
    defaults: dict[str, Any] = {"editing": editing}
    if editing is not None:
        defaults |= {"active": "supplier", "typed": supplier_typed(editing)}
    return campaign_page(
        request,
        "campaigns_suppliers.html",
        status_code=status_code,
        suppliers=suppliers,
        kind_options=[(kind, t(f"campaigns.supplier_kind.{kind}")) for kind in SUPPLIER_KINDS],
        done=done_from(request, DONE),
        coordinating=True,
        **{**defaults, **context},
    )


@get(SUPPLIERS, opt=COORDINATORS, include_in_schema=False)
async def show_suppliers(request: AnyRequest, runtime: NamedDependency[Runtime]) -> Template:
    return await _suppliers_page(request, runtime)


async def _save(
    request: AnyRequest, runtime: Runtime, supplier_id: uuid.UUID | None
) -> Template | Redirect:
    form = await form_fields(request)

    async def step() -> None:
        command = supplier_from(form)
        if supplier_id is None:
            await handlers.create_supplier(units.campaigns(runtime), command)
        else:
            await handlers.update_supplier(units.campaigns(runtime), supplier_id, command)

    async def again(errors: Errors, status: int) -> Template:
        editing = None
        if supplier_id is not None:
            editing = await CampaignStore(runtime.pool).get_supplier(supplier_id)
        return await _suppliers_page(
            request,
            runtime,
            status,
            active="supplier",
            editing=editing,
            typed=typed_back(form),
            errors=errors,
        )

    action = "created" if supplier_id is None else "updated"
    return await act(request, step, done=done_url(SUPPLIERS, action), again=again, fields=FIELDS)


@post(SUPPLIERS, opt=COORDINATORS, include_in_schema=False)
async def create_supplier(
    request: AnyRequest, runtime: NamedDependency[Runtime]
) -> Template | Redirect:
    return await _save(request, runtime, None)


@post(f"{SUPPLIERS}/{{supplier_id:uuid}}", opt=COORDINATORS, include_in_schema=False)
async def update_supplier(
    request: AnyRequest, supplier_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
) -> Template | Redirect:
    """Correct a supplier's name, contact or terms (campaigns keep pointing at it)."""
    return await _save(request, runtime, supplier_id)


ROUTES = [show_suppliers, create_supplier, update_supplier]
