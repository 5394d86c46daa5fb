"""A workshop's parts bin page: the parts in stock (harvested from dismantled devices or added
by hand) and a form to add some by hand. Works without JavaScript."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.refurbishment import units
from services.refurbishment.bench import forms as bench_forms
from services.refurbishment.bench import handlers
from services.refurbishment.bench.order_pages import BENCH, NO_STORE, form_fields
from services.refurbishment.bench.refusals import FIELDS
from shared.auth import Principal
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import typed_back
from shared.web.i18n import language_of, translator
from shared.web.pages import page

AnyRequest = Request[Any, Any, Any]


def parts_url(workshop_id: uuid.UUID) -> str:
    return f"/atelier/{workshop_id}/pieces"


async def _parts_page(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    workshop_id: uuid.UUID,
    status_code: int = 200,
    **context: Any,
) -> Template:
    name, parts = await handlers.workshop_parts(units.reads(runtime), principal, workshop_id)
    return page(
        request,
        "bench_parts.html",
        status_code=status_code,
        headers=NO_STORE,
        workshop_id=workshop_id,
        workshop_name=name,
        parts=parts,
        added=request.query_params.get("fait") == "added",
        **bench_forms.choices(translator(language_of(request))),
        **{"active": "part", "typed": {}, "errors": {}, **context},
    )


@get("/atelier/{workshop_id:uuid}/pieces", opt=BENCH, include_in_schema=False)
async def show_parts_bin(
    request: AnyRequest,
    workshop_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """The parts in stock at a workshop, and the form to add some by hand."""
    return await _parts_page(request, runtime, principal, workshop_id)


@post("/atelier/{workshop_id:uuid}/pieces", opt=BENCH, include_in_schema=False)
async def add_parts(
    request: AnyRequest,
    workshop_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Parts put in the bin by hand; back to the bin with a confirmation, or the refusal."""
    texts, _ = await form_fields(request)

    async def step() -> None:
        part = bench_forms.part_from(texts)
        await handlers.add_part(units.bench(runtime), principal, workshop_id, part)

    async def again(errors: Errors, status: int) -> Template:
        return await _parts_page(
            request,
            runtime,
            principal,
            workshop_id,
            status_code=status,
            typed=typed_back(texts),
            errors=errors,
        )

    return await act(
        request, step, done=done_url(parts_url(workshop_id), "added"), again=again, fields=FIELDS
    )


ROUTES = [show_parts_bin, add_parts]
