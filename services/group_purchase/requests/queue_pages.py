"""The coordination's pages: the queue of needs not yet served, the most urgent first, with
the shortage per device type; proposing now; the organisations and their monthly quotas."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.group_purchase import units
from services.group_purchase.requests import handlers, views
from services.group_purchase.requests.api import COORDINATION
from services.group_purchase.requests.forms import (
    ORGANISATION_KINDS,
    organisation_from,
    quota_from,
)
from services.group_purchase.requests.pages import (
    COORDINATORS,
    PEOPLE,
    AnyRequest,
    form_fields,
    request_page,
)
from services.group_purchase.requests.reasons import device_type_name
from services.group_purchase.requests.refusals import FIELDS
from services.group_purchase.requests.shortage import shortage_by_type
from services.group_purchase.requests.store import RequestStore
from shared.auth import Principal
from shared.events import utc_now
from shared.web import formats
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import typed_back
from shared.web.i18n import language_of, translator

QUEUE = "/demandes/file"
ORGANISATIONS = "/demandes/organisations"


def _count(request: AnyRequest, name: str) -> int | None:
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() else None


def weeks_text(weeks: float | None, language: str) -> str:
    """``2.5`` as people write it (2,5 in French); empty when nothing came in lately."""
    if weeks is None:
        return ""
    return formats.decimal(weeks, 2, language=language)


@get(QUEUE, opt=PEOPLE, include_in_schema=False)
async def show_queue(
    request: AnyRequest, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
) -> Template:
    """Needs not yet served (one's organisation's, or all), and where stock falls short."""
    now = utc_now()
    language = language_of(request)
    entries = await views.queue(runtime.pool, now, principal.scoped_ids("organisation"))
    return request_page(
        request,
        "requests_queue.html",
        entries=entries,
        shortage=await shortage_by_type(runtime.pool, now),
        coordinating=principal.has_any(COORDINATION),
        proposed=_count(request, "proposees"),
        waiting=_count(request, "en_attente"),
        type_name=lambda device_type: device_type_name(device_type, language),
        weeks=lambda value: weeks_text(value, language),
    )


@post(f"{QUEUE}/propositions", opt=COORDINATORS, include_in_schema=False)
async def propose_now(runtime: NamedDependency[Runtime]) -> Redirect:
    """Propose now, to every open need, the best free ready device (it also runs every minute)."""
    run = await handlers.propose_to_all(units.requests(runtime))
    return Redirect(f"{QUEUE}?proposees={run.proposed}&en_attente={run.waiting}", status_code=303)


async def _organisations_page(
    request: AnyRequest, runtime: Runtime, status_code: int = 200, **context: Any
) -> Template:
    done = request.query_params.get("fait", "")
    t = translator(language_of(request))
    return request_page(
        request,
        "requests_organisations.html",
        status_code=status_code,
        organisations=await RequestStore(runtime.pool).list_organisations(),
        kind_options=[(kind, t(f"requests.kind.{kind}")) for kind in ORGANISATION_KINDS],
        coordinating=True,
        done=done if done in {"created", "quota"} else "",
        **{"active": "", "typed": {}, "errors": {}, "quota_of": "", **context},
    )


@get(ORGANISATIONS, opt=COORDINATORS, include_in_schema=False)
async def show_organisations(request: AnyRequest, runtime: NamedDependency[Runtime]) -> Template:
    """The organisations whose social workers file requests, and their monthly quotas."""
    return await _organisations_page(request, runtime)


@post(ORGANISATIONS, opt=COORDINATORS, include_in_schema=False)
async def create_organisation(
    request: AnyRequest, runtime: NamedDependency[Runtime]
) -> Template | Redirect:
    form = await form_fields(request)

    async def again(errors: Errors, status: int) -> Template:
        typed = typed_back(form)
        return await _organisations_page(
            request, runtime, status, active="organisation", typed=typed, errors=errors
        )

    async def values() -> dict[str, str]:
        return {"name": form.get("name", "").strip()[:200]}

    return await act(
        request,
        partial(_create_organisation, runtime, form),
        done=done_url(ORGANISATIONS, "created"),
        again=again,
        fields=FIELDS,
        values=values,
    )


async def _create_organisation(runtime: Runtime, form: dict[str, str]) -> None:
    await handlers.create_organisation(units.requests(runtime), organisation_from(form))


@post(f"{ORGANISATIONS}/{{organisation_id:uuid}}/quota", opt=COORDINATORS, include_in_schema=False)
async def set_quota(
    request: AnyRequest, organisation_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
) -> Template | Redirect:
    """Devices an organisation may reserve per calendar month (blank: no limit)."""
    form = await form_fields(request)

    async def step() -> None:
        await handlers.set_quota(units.requests(runtime), organisation_id, quota_from(form))

    async def again(errors: Errors, status: int) -> Template:
        return await _organisations_page(
            request,
            runtime,
            status,
            active="quota",
            quota_of=str(organisation_id),
            typed=typed_back(form),
            errors=errors,
        )

    return await act(
        request, step, done=done_url(ORGANISATIONS, "quota"), again=again, fields=FIELDS
    )


ROUTES = [show_queue, propose_now, show_organisations, create_organisation, set_quota]
