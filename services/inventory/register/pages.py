"""The coordination's register pages, under /registre: devices searched and filtered, the
flow as a funnel, refused facts. Forms are plain GET forms; nothing needs JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args
from urllib.parse import urlencode

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from services.inventory.lifecycle.domain import State
from services.inventory.register import oversight
from services.inventory.register.oversight import DeviceFilter
from shared.auth import COORDINATION
from shared.contracts.collection import DeviceType
from shared.errors import DomainError
from shared.grades import GRADES
from shared.labels import format_code
from shared.web import formats
from shared.web.app import Runtime
from shared.web.i18n import language_of, translator
from shared.web.pages import NO_STORE, page
from shared.web.refusals import Refusal, said
from shared.web.security import allow

AnyRequest = Request[Any, Any, Any]
OVERSEERS = allow(*COORDINATION)
REGISTER = "/registre"
DEVICE_TYPES: tuple[str, ...] = get_args(DeviceType)
STATES = frozenset(state.value for state in State)
FILTERS = ("state", "device_type", "grade", "place", "commune", "stuck_days")


def register_page(request: AnyRequest, template: str, **context: Any) -> Template:
    """A register page: never cached, dates and numbers as the reader writes them."""
    language = language_of(request)
    return page(
        request,
        template,
        headers=NO_STORE,
        code=format_code,
        day=lambda moment: formats.day(moment, language=language),
        moment=lambda moment: formats.day_and_time(moment, language=language),
        days=lambda value: days_text(value, language),
        **context,
    )


def days_text(value: float | None, language: str) -> str:
    """Days to one decimal, with the reader's decimal mark; a dash when there is nothing."""
    if value is None:
        return "—"
    return formats.decimal(value, 1, language=language)


def filter_of(typed: dict[str, str]) -> tuple[DeviceFilter | None, dict[str, str]]:
    """The search typed in the form, or the message key of each field to correct."""
    errors: dict[str, str] = {}
    if typed["state"] and typed["state"] not in STATES:
        errors["state"] = "register.error.state"
    if typed["device_type"] and typed["device_type"] not in DEVICE_TYPES:
        errors["device_type"] = "register.error.device_type"
    if typed["grade"] and typed["grade"] not in GRADES:
        errors["grade"] = "register.error.grade"
    if len(typed["place"]) > 200:
        errors["place"] = "register.error.place"
    if len(typed["commune"]) > 100:
        errors["commune"] = "register.error.commune"
    stuck = typed["stuck_days"]
    if stuck and not (stuck.isdigit() and 1 <= int(stuck) <= 3650):
        errors["stuck_days"] = "register.error.stuck_days"
    if errors:
        return None, errors
    return DeviceFilter(
        state=State(typed["state"]) if typed["state"] else None,
        device_type=typed["device_type"] or None,
        grade=typed["grade"] or None,
        place=typed["place"] or None,
        commune=typed["commune"] or None,
        stuck_days=int(stuck) if stuck else None,
    ), {}


@get(REGISTER, opt=OVERSEERS, include_in_schema=False)
async def show_register(request: AnyRequest, runtime: NamedDependency[Runtime]) -> Template:
    """Devices matching the filters, longest in their stage first, 100 a page."""
    typed = {name: request.query_params.get(name, "").strip() for name in FILTERS}
    after = request.query_params.get("after") or None
    where, errors = filter_of(typed)
    found = None
    if where is not None:
        try:
            found = await oversight.search_devices(runtime.pool, where, after)
        except DomainError:
            errors = {"_": "register.error.cursor"}
    asked = {name: value for name, value in typed.items() if value}
    t = translator(language_of(request))
    return register_page(
        request,
        "register_devices.html",
        status_code=422 if errors else 200,
        typed=typed,
        errors={name: {"text": t(key)} for name, key in errors.items()},
        active="filtre",
        found=found,
        now=datetime.now(UTC),
        after=after,
        first_url=f"{REGISTER}?{urlencode(asked)}" if asked else REGISTER,
        next_url=(
            f"{REGISTER}?{urlencode({**asked, 'after': found.next_after})}"
            if found and found.next_after
            else None
        ),
        states=[(state.value, t(f"state.{state.value}")) for state in State],
        device_types=[(kind, t(f"type.{kind}")) for kind in DEVICE_TYPES],
        grades=[(grade, grade) for grade in GRADES],
    )


@get(f"{REGISTER}/flux", opt=OVERSEERS, include_in_schema=False)
async def show_flow(request: AnyRequest, runtime: NamedDependency[Runtime]) -> Template:
    """The flow as a funnel: devices at each stage, median and longest days there."""
    return register_page(request, "register_flow.html", stages=await oversight.flow(runtime.pool))


@get(f"{REGISTER}/refus", opt=OVERSEERS, include_in_schema=False)
async def show_refusals(request: AnyRequest, runtime: NamedDependency[Runtime]) -> Template:
    """Facts the lifecycle refused, newest first, with the reason."""
    refusals = await oversight.rejected_transitions(runtime.pool)
    t = translator(language_of(request))
    reasons = [
        said(DomainError(row.reason, code=row.reason_code, **row.reason_values), t)
        if row.reason_code
        else Refusal(row.reason, lang="en")
        for row in refusals
    ]
    return register_page(
        request, "register_refusals.html", refusals=list(zip(refusals, reasons, strict=True))
    )


ROUTES = [show_register, show_flow, show_refusals]
