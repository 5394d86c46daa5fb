"""One device's work order at the bench: what is done and missing, and a form for each
next step (erase, validate, diagnose, repair, grade, release, recycle, dismantle). A change
redirects back with a confirmation; a refusal shows the page again with the message next to
the field and what was typed."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.refurbishment import roles, units
from services.refurbishment.bench import forms as bench_forms
from services.refurbishment.bench import handlers
from services.refurbishment.bench.api import thresholds_of, verify_url
from services.refurbishment.bench.domain import Recycling
from services.refurbishment.bench.lshw import parse_lshw
from services.refurbishment.bench.refusals import FIELDS, Refusal, explain
from services.refurbishment.bench.views import order_view
from services.refurbishment.store import BenchStore
from shared.auth import Principal
from shared.errors import DomainError, NotFound
from shared.uow import UnitOfWork
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import FieldProblem, read_form, typed_back
from shared.web.i18n import language_of, translator
from shared.web.pages import NO_STORE, page
from shared.web.security import allow

BENCH = allow(*roles.BENCH)
OFFICERS = allow(*roles.OFFICERS)
MAX_UPLOAD = 2 * 1024 * 1024

AnyRequest = Request[Any, Any, Any]


def order_url(order_id: uuid.UUID) -> str:
    return f"/atelier/commandes/{order_id}"


async def form_fields(request: AnyRequest) -> tuple[dict[str, str], dict[str, UploadFile]]:
    form = await request.form()
    texts = {key: value for key, value in form.items() if isinstance(value, str)}
    files = {key: value for key, value in form.items() if isinstance(value, UploadFile)}
    return texts, files


async def _uploaded(file: UploadFile | None) -> bytes:
    if file is None:
        return b""
    return await file.read(MAX_UPLOAD + 1)


async def _order_page(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    order_id: uuid.UUID,
    status_code: int = 200,
    **context: Any,
) -> Template:
    reads = units.reads(runtime)
    order = await reads.get_work_order(order_id)
    if order is None or not principal.may_reach(handlers.workshop_scope(order.workshop_id)):
        raise NotFound(f"No work order {order_id} at your workshops.", code="bench.order_not_found")
    view = order_view(
        order,
        await reads.order_stay(order_id),
        await reads.erasures_of(order_id),
        await reads.grading_of(order_id),
        principal,
        await reads.diagnosis_of(order_id),
        await reads.repairs_of(order_id),
    )
    done = request.query_params.get("fait", "")
    return page(
        request,
        "bench_order.html",
        status_code=status_code,
        headers=NO_STORE,
        order=order,
        view=view,
        done=done if done in DONE else "",
        verifier=verify_url(request, runtime),
        diagnosis_saved=bench_forms.diagnosis_form(view.diagnosis) if view.diagnosis else {},
        bin_parts=await reads.parts_in_stock(order.workshop_id),
        thresholds=thresholds_of(runtime),
        **bench_forms.choices(translator(language_of(request))),
        **{"active": "", "typed": {}, "errors": {}, **context},
    )


@get("/atelier/commandes/{order_id:uuid}", opt=BENCH, include_in_schema=False)
async def show_work_order(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """One device's stay: what is done, what is missing, and the form of each next step."""
    return await _order_page(request, runtime, principal, order_id)


@dataclass(frozen=True)
class Asked:
    """One step sent from the work order page: who, about which work order, with what."""

    request: AnyRequest
    runtime: Runtime
    principal: Principal
    order_id: uuid.UUID
    texts: dict[str, str]
    files: dict[str, UploadFile]

    @property
    def bench(self) -> UnitOfWork[BenchStore]:
        return units.bench(self.runtime)


@dataclass(frozen=True)
class Step:
    """A form of the work order page: where it is sent, who may send it, the form it is on
    the page (shown again with a refusal), what it does, and the confirmation it leads to."""

    path: str
    allowed: dict[str, Any]
    form: str
    run: Callable[[Asked], Awaitable[object]]
    done: str
    back_to: Callable[[Asked], Awaitable[str]] | None = None  # elsewhere than the work order


async def _erase(asked: Asked) -> None:
    """One medium's erasure, recorded by an erasure officer for a colleague to validate."""
    order = await units.reads(asked.runtime).get_work_order(asked.order_id)
    log = await _uploaded(asked.files.get("tool_log"))
    log_hash = hashlib.sha256(log).hexdigest() if log else ""
    erasure = bench_forms.erasure_from(asked.texts, order.device_type if order else "", log_hash)
    await handlers.record_erasure(asked.bench, asked.principal, asked.order_id, erasure)


async def _state_no_storage(asked: Asked) -> None:
    await handlers.state_without_storage(asked.bench, asked.principal, asked.order_id)


async def _validate(asked: Asked) -> None:
    """A second erasure officer validates an erasure of this work order."""
    erasures = await units.reads(asked.runtime).erasures_of(asked.order_id)
    wanted = asked.texts.get("erasure_id", "")
    if wanted not in {str(erasure["id"]) for erasure in erasures}:
        raise NotFound(f"No erasure {wanted[:40]} waiting for validation.", code="bench.no_pending")
    verifier = verify_url(asked.request, asked.runtime)
    await handlers.validate_erasure(asked.bench, asked.principal, uuid.UUID(wanted), verifier)


async def _diagnose(asked: Asked) -> None:
    diagnosis = bench_forms.diagnosis_from(asked.texts)
    await handlers.diagnose(asked.bench, asked.principal, asked.order_id, diagnosis)


async def _repair(asked: Asked) -> None:
    repair = bench_forms.repair_from(asked.texts)
    await handlers.record_repair(asked.bench, asked.principal, asked.order_id, repair)


async def _grade(asked: Asked) -> None:
    given = bench_forms.grade_from(asked.texts)
    thresholds = thresholds_of(asked.runtime)
    await handlers.grade(asked.bench, asked.principal, asked.order_id, given, thresholds)


async def _release(asked: Asked) -> None:
    await handlers.release(asked.bench, asked.principal, asked.order_id)


async def _board_of(asked: Asked) -> str:
    """Released from the board, back to the board, to release a whole box in a row."""
    order = await units.reads(asked.runtime).get_work_order(asked.order_id)
    if asked.texts.get("back") != "board" or order is None:
        return ""
    return f"/atelier/{order.workshop_id}?sorti={asked.order_id}"


async def _recycle(asked: Asked) -> None:
    recycling = read_form(Recycling, asked.texts)
    await handlers.recycle(asked.bench, asked.principal, asked.order_id, recycling)


async def _take(asked: Asked) -> None:
    await handlers.take(asked.bench, asked.principal, asked.order_id)


async def _dismantle(asked: Asked) -> None:
    dismantling = bench_forms.dismantling_from(asked.texts)
    await handlers.dismantle(asked.bench, asked.principal, asked.order_id, dismantling)


STEPS = (
    Step("effacement", OFFICERS, "erasure", _erase, "erasure"),
    Step("sans-stockage", OFFICERS, "no_storage", _state_no_storage, "no_storage"),
    Step("validation", OFFICERS, "validation", _validate, "validated"),
    Step("diagnostic", BENCH, "diagnosis", _diagnose, "diagnosed"),
    Step("reparations", BENCH, "repair", _repair, "repaired"),
    Step("evaluation", BENCH, "grade", _grade, "graded"),
    Step("sortie", BENCH, "release", _release, "released", back_to=_board_of),
    Step("recyclage", BENCH, "recycling", _recycle, "recycled"),
    Step("prise", BENCH, "take", _take, "taken"),
    Step("demontage", BENCH, "dismantling", _dismantle, "dismantled"),
)
# the confirmations the page shows: each step's, and a device scanned on the board that was here
DONE = frozenset({step.done for step in STEPS} | {"already_here"})


def step_route(step: Step) -> HTTPRouteHandler:
    """The page route of ``step``: back to the work order (or where ``step.back_to`` says)
    with the confirmation, or the work order again with the refusal and the form as typed."""

    async def send_step(
        request: AnyRequest,
        order_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Template | Redirect:
        texts, files = await form_fields(request)
        asked = Asked(request, runtime, principal, order_id, texts, files)
        back_to = await step.back_to(asked) if step.back_to else ""

        async def again(errors: Errors, status: int) -> Template:
            return await _order_page(
                request,
                runtime,
                principal,
                order_id,
                status_code=status,
                active=step.form,
                typed=typed_back(texts),
                errors=errors,
            )

        return await act(
            request,
            lambda: step.run(asked),
            done=back_to or done_url(order_url(order_id), step.done),
            again=again,
            fields=FIELDS,
        )

    send_step.__doc__ = step.run.__doc__
    return post(
        f"/atelier/commandes/{{order_id:uuid}}/{step.path}",
        opt=step.allowed,
        include_in_schema=False,
        name=f"bench.step.{step.form}",
    )(send_step)


@post("/atelier/commandes/{order_id:uuid}/lshw", opt=BENCH, include_in_schema=False)
async def read_lshw(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    """Fill the diagnosis form's specs from ``lshw -json``; nothing is saved until the
    diagnosis is."""
    _, files = await form_fields(request)
    raw = await _uploaded(files.get("lshw"))
    t = translator(language_of(request))
    try:
        if not raw:
            raise FieldProblem("lshw", "bench.field.file_required")
        if len(raw) > MAX_UPLOAD:
            raise FieldProblem("lshw", "bench.field.file_too_large")
        specs = parse_lshw(raw)
    except FieldProblem as problem:
        refusal = Refusal(t(problem.key), field="lshw")
    except DomainError as error:
        refusal = explain(error, t)
        refusal = Refusal(refusal.text, field="lshw", lang=refusal.lang)
    else:
        return await _order_page(
            request,
            runtime,
            principal,
            order_id,
            active="diagnosis",
            typed=bench_forms.specs_form(specs),
            lshw_read=True,
        )
    return await _order_page(
        request,
        runtime,
        principal,
        order_id,
        status_code=422,
        active="diagnosis",
        errors={"lshw": refusal},
    )


ROUTES = [show_work_order, read_lshw, *(step_route(step) for step in STEPS)]
