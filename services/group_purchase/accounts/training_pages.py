"""Pages of trainings: an administrator gives an account its roles and records the person's
trainings; each person sees, on their account page, their trainings and those ending soon, the
latest of what they were told, and sets where they are told it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.group_purchase import units
from services.group_purchase.accounts import handlers
from services.group_purchase.accounts.api import RolesGiven
from services.group_purchase.accounts.domain import ContactUpdate, TrainingCreate, own_account
from shared.auth import ROLES, Principal
from shared.events import utc_now
from shared.logging import get_logger
from shared.notifications import outbox as notifications
from shared.notifications.pages import lines_of
from shared.trainings import COURSES, EXPIRY_NOTICE, local_day
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import read_form, typed_back
from shared.web.pages import NO_STORE, page
from shared.web.security import allow

log = get_logger("boucle.accounts")
ADMIN = allow("admin")
ANY_ROLE = allow(*ROLES)
DONE = frozenset({"roles", "training", "contact"})
# which field of the forms each refusal concerns; any other is said above the form
FIELDS = {
    "accounts.training_required": "roles",
    "accounts.invalid_roles": "roles",
    "accounts.training_ends_before": "valid_until",
    "accounts.training_reference_taken": "reference",
}
CONTACT_FIELDS = {"accounts.invalid_email": "email", "accounts.mail_language": "language"}
MY_ACCOUNT = "/compte"
INBOX_SHOWN = 5  # the latest notifications; all of them on /notifications
AnyRequest = Request[Any, Any, Any]


def account_url(account_id: uuid.UUID) -> str:
    return f"/accounts/{account_id}"


async def _account_page(
    request: AnyRequest,
    runtime: Runtime,
    account_id: uuid.UUID,
    status_code: int = 200,
    **context: Any,
) -> Template:
    uow = units.accounts(runtime)
    account, trainings = await handlers.trainings_of(uow, account_id)
    today = local_day(utc_now())
    done = request.query_params.get("fait", "")
    return page(
        request,
        "account_trainings.html",
        status_code=status_code,
        account=account,
        trainings=trainings,
        contact=await handlers.contact_of(uow, account_id),
        today=today,
        soon=today + EXPIRY_NOTICE,
        roles=ROLES,
        courses=COURSES,
        done=done if done in DONE else "",
        headers=NO_STORE,
        **{"active": "", "typed": {}, "errors": {}, **context},
    )


@get("/accounts/{account_id:uuid}", opt=ADMIN, include_in_schema=False)
async def account_page(
    request: AnyRequest, account_id: FromPath[uuid.UUID], runtime: NamedDependency[Runtime]
) -> Template:
    """An account's roles and trainings, with the forms to change them."""
    return await _account_page(request, runtime, account_id)


async def _acted(
    request: AnyRequest,
    runtime: Runtime,
    account_id: uuid.UUID,
    form_name: str,
    step: Callable[[], Awaitable[None]],
    typed: dict[str, str],
    anchor: str,
) -> Template | Redirect:
    """The account's page again with ``form_name``'s refusal, or its confirmation (303)."""

    async def again(errors: Errors, status: int) -> Template:
        return await _account_page(
            request, runtime, account_id, status, active=form_name, typed=typed, errors=errors
        )

    return await act(
        request,
        step,
        done=done_url(account_url(account_id), form_name, anchor),
        again=again,
        fields={**FIELDS, **CONTACT_FIELDS},
    )


@post("/accounts/{account_id:uuid}/roles", opt=ADMIN, include_in_schema=False)
async def set_roles(
    request: AnyRequest,
    account_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    form = await request.form()

    async def step() -> None:
        given = read_form(RolesGiven, form)
        await handlers.set_roles(
            units.accounts(runtime), principal.sub, account_id, tuple(given.roles)
        )
        log.info("account_roles_set", account_id=str(account_id))

    typed = {str(role): "yes" for role in form.getall("roles", [])}
    return await _acted(request, runtime, account_id, "roles", step, typed, "roles")


@post("/accounts/{account_id:uuid}/trainings", opt=ADMIN, include_in_schema=False)
async def record_training(
    request: AnyRequest,
    account_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    form = await request.form()

    async def step() -> None:
        given = read_form(TrainingCreate, form)
        await handlers.record_training(units.accounts(runtime), principal.sub, account_id, given)
        log.info("training_recorded", account_id=str(account_id))

    typed = typed_back({key: str(value) for key, value in form.items()})
    return await _acted(request, runtime, account_id, "training", step, typed, "trainings")


@post("/accounts/{account_id:uuid}/contact", opt=ADMIN, include_in_schema=False)
async def set_contact(
    request: AnyRequest,
    account_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """An administrator sets where someone is told what happened (a coordinator without an
    address gets no mail of what needs a person), audited under the administrator."""
    form = await request.form()

    async def step() -> None:
        given = contact_given(form)
        await handlers.set_contact(units.accounts(runtime), account_id, given, principal.sub)
        log.info("account_contact_set", account_id=str(account_id), by=principal.sub)

    typed = typed_back({key: str(value) for key, value in form.items()})
    return await _acted(request, runtime, account_id, "contact", step, typed, "contact")


def contact_given(form: Any) -> ContactUpdate:
    """The contact form read whole; a blank address is one: no mail (not "unchanged", as a
    field left out of the API's)."""
    return read_form(ContactUpdate, form, email=str(form.get("email", "")).strip())


def _own_account(principal: Principal) -> uuid.UUID | None:
    try:
        return uuid.UUID(principal.sub)
    except ValueError:  # a development or machine token: no account, no trainings
        return None


async def _my_account_page(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    status_code: int = 200,
    **context: Any,
) -> Template:
    account_id = _own_account(principal)
    uow = units.accounts(runtime)
    trainings = (await handlers.trainings_of(uow, account_id))[1] if account_id else []
    expiring = await handlers.my_expiring_trainings(uow, account_id) if account_id else []
    contact = await handlers.contact_of(uow, account_id) if account_id else None
    told = await notifications.inbox(runtime.pool, principal.sub, INBOX_SHOWN)
    today = local_day(utc_now())
    return page(
        request,
        "my_account.html",
        status_code=status_code,
        trainings=trainings,
        expiring=expiring,
        contact=contact,
        told=lines_of(request, told),
        today=today,
        soon=today + EXPIRY_NOTICE,
        done=request.query_params.get("fait", "") == "contact",
        headers=NO_STORE,
        **{"active": "", "typed": {}, "errors": {}, **context},
    )


@get(MY_ACCOUNT, opt=ANY_ROLE, include_in_schema=False)
async def my_account(
    request: AnyRequest, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
) -> Template:
    """The person's own account: the latest of what they were told, where they are told it
    (their address and the language of their mails), their trainings, those ending within 30
    days first."""
    return await _my_account_page(request, runtime, principal)


@post(f"{MY_ACCOUNT}/contact", opt=ANY_ROLE, include_in_schema=False)
async def set_my_contact(
    request: AnyRequest, runtime: NamedDependency[Runtime], principal: NamedDependency[Principal]
) -> Template | Redirect:
    """The person sets their address (blank: no mail) and the language of their mails."""
    form = await request.form()

    async def step() -> None:
        given = contact_given(form)
        await handlers.set_contact(units.accounts(runtime), own_account(principal), given)
        log.info("account_contact_set", account_id=principal.sub)

    async def again(errors: Errors, status: int) -> Template:
        typed = typed_back({key: str(value) for key, value in form.items()})
        return await _my_account_page(
            request, runtime, principal, status, active="contact", typed=typed, errors=errors
        )

    return await act(
        request,
        step,
        done=done_url(MY_ACCOUNT, "contact", "contact"),
        again=again,
        fields=CONTACT_FIELDS,
    )


ROUTES = [account_page, set_roles, record_training, set_contact, my_account, set_my_contact]
