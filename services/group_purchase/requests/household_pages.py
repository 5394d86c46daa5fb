"""A household's pages: registering it with its consent, its requests and the form of a new
one, and forgetting its personal data when it asks (after a confirmation step)."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.group_purchase import units
from services.group_purchase.requests import handlers, page_views, views
from services.group_purchase.requests.domain import (
    DEVICE_TYPES,
    PURPOSES,
    Organisation,
    RequestCreate,
)
from services.group_purchase.requests.forms import (
    MEMORY_CHOICES,
    STORAGE_CHOICES,
    household_from,
    need_from,
)
from services.group_purchase.requests.pages import (
    PEOPLE,
    AnyRequest,
    criterion_label,
    form_fields,
    request_page,
)
from services.group_purchase.requests.priority import load_policy
from services.group_purchase.requests.refusals import FIELDS
from services.group_purchase.requests.store import RequestStore
from shared import audit
from shared.auth import Principal
from shared.events import utc_now
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import typed_back
from shared.web.i18n import language_of, translator
from shared.web.refusals import GENERAL

DONE = frozenset({"registered", "erased"})


def household_url(household_id: uuid.UUID) -> str:
    return f"/demandes/foyers/{household_id}"


async def _organisations(runtime: Runtime, principal: Principal) -> list[Organisation]:
    reachable = principal.scoped_ids("organisation")
    return [
        organisation
        for organisation in await RequestStore(runtime.pool).list_organisations()
        if reachable is None or organisation.id in reachable
    ]


async def _new_household_page(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    status_code: int = 200,
    **context: Any,
) -> Template:
    language = language_of(request)
    criteria = [(c, criterion_label(c, language)) for c in load_policy().criteria]
    organisations = await _organisations(runtime, principal)
    return request_page(
        request,
        "requests_household_new.html",
        status_code=status_code,
        organisations=organisations,
        organisation_options=[(str(o.id), o.name) for o in organisations],
        criteria=criteria,
        **{"active": "", "typed": {}, "errors": {}, **context},
    )


@get("/demandes/foyers/nouveau", opt=PEOPLE, include_in_schema=False)
async def new_household(
    request: AnyRequest, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
) -> Template:
    """The form to register a household, with what is kept and why."""
    return await _new_household_page(request, runtime, principal)


@post("/demandes/foyers/nouveau", opt=PEOPLE, include_in_schema=False)
async def register_household(
    request: AnyRequest, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
) -> Template | Redirect:
    """Register the household; its page opens, ready for a first request."""
    form = await form_fields(request)

    async def step() -> uuid.UUID:
        command = household_from(form, await _organisations(runtime, principal))
        return (await handlers.create_household(units.requests(runtime), principal, command)).id

    async def again(errors: Errors, status: int) -> Template:
        return await _new_household_page(
            request,
            runtime,
            principal,
            status,
            active="household",
            typed=typed_back(form),
            errors=errors,
        )

    return await act(
        request,
        step,
        done=lambda household: done_url(household_url(household), "registered"),
        again=again,
        fields=FIELDS,
    )


async def _household_page(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    household_id: uuid.UUID,
    status_code: int = 200,
    template: str = "requests_household.html",
    **context: Any,
) -> Template:
    household = await handlers.reachable_household(
        RequestStore(runtime.pool), principal, household_id
    )
    # the page shows the household's contact and situation: who saw them is kept
    await audit.record(runtime.pool, principal.sub, "household.read", f"household:{household_id}")
    language = language_of(request)
    now = utc_now()
    requests = [
        view
        for request_id in await views.requests_of_household(runtime.pool, household_id)
        if (view := await views.request_view(runtime.pool, request_id, now, language))
    ]
    policy = load_policy()
    met = [
        (criterion_label(c, language), getattr(household.situation, c.key))
        for c in policy.criteria
        if getattr(household.situation, c.key)
    ]
    organisation = await RequestStore(runtime.pool).get_organisation(household.organisation_id)
    done = request.query_params.get("fait", "")
    t = translator(language)
    return request_page(
        request,
        template,
        device_types=[(kind, t(f"type.{kind}")) for kind in DEVICE_TYPES],
        purposes=[(purpose, t(f"requests.purpose_option.{purpose}")) for purpose in PURPOSES],
        memory_options=_sizes(MEMORY_CHOICES, t),
        storage_options=_sizes(STORAGE_CHOICES, t),
        status_code=status_code,
        household=household,
        organisation=organisation,
        situation=met,
        requests=requests,
        places=await page_views.pickup_places(runtime.pool),
        done=done if done in DONE else "",
        **{"active": "", "typed": {}, "errors": {}, **context},
    )


def _sizes(choices: tuple[str, ...], t: Any) -> list[tuple[str, str]]:
    return [
        (size, t("requests.need.size", size=size) if size != "0" else t("requests.need.no_minimum"))
        for size in choices
    ]


@get("/demandes/foyers/{household_id:uuid}", opt=PEOPLE, include_in_schema=False)
async def show_household(
    request: AnyRequest,
    household_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """The household, its requests and each need's status, and the form of a new request."""
    return await _household_page(request, runtime, principal, household_id)


@post("/demandes/foyers/{household_id:uuid}/demandes", opt=PEOPLE, include_in_schema=False)
async def submit_request(
    request: AnyRequest,
    household_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """File a request of one need: a device is proposed at once when one fits."""
    form = await form_fields(request)

    async def step() -> uuid.UUID:
        command = RequestCreate(household_id=household_id, needs=[need_from(form)])
        return await handlers.submit_request(units.requests(runtime), principal, command)

    async def again(errors: Errors, status: int) -> Template:
        typed = typed_back(form)
        return await _household_page(
            request,
            runtime,
            principal,
            household_id,
            status,
            active="need",
            typed=typed,
            errors=errors,
        )

    return await act(
        request,
        step,
        done=lambda filed: done_url(f"/demandes/{filed}", "submitted"),
        again=again,
        fields=FIELDS,
    )


@get("/demandes/foyers/{household_id:uuid}/effacement", opt=PEOPLE, include_in_schema=False)
async def confirm_erasure(
    request: AnyRequest,
    household_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """What forgetting the household means, before it is done."""
    return await _household_page(
        request, runtime, principal, household_id, template="requests_erase.html", active="erase"
    )


@post("/demandes/foyers/{household_id:uuid}/effacement", opt=PEOPLE, include_in_schema=False)
async def erase_household(
    request: AnyRequest,
    household_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """The household asked to be forgotten: its needs not yet served are cancelled with it."""

    async def again(errors: Errors, status: int) -> Template:
        return await _household_page(
            request,
            runtime,
            principal,
            household_id,
            status,
            template="requests_erase.html",
            active="erase",
            errors={GENERAL: next(iter(errors.values()))},
        )

    return await act(
        request,
        partial(handlers.erase_household, units.requests(runtime), principal, household_id),
        done=done_url(household_url(household_id), "erased"),
        again=again,
        fields=FIELDS,
    )


ROUTES = [
    new_household,
    register_household,
    show_household,
    submit_request,
    confirm_erasure,
    erase_household,
]
