"""One device's work order at the bench: what is done and missing, and a form for each
next step (erase, validate, diagnose, repair, grade, release, recycle, dismantle). A change
redirects back with a confirmation; a refusal shows the page again with the message next to
the field and what was typed."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.refurbishment import roles
from services.refurbishment.bench import forms as bench_forms
from services.refurbishment.bench import handlers
from services.refurbishment.bench.api import thresholds_of, verify_url
from services.refurbishment.bench.lshw import parse_lshw
from services.refurbishment.bench.refusals import FIELDS, Refusal, explain
from services.refurbishment.bench.views import order_view
from services.refurbishment.providers import provide_bench, provide_reads
from shared.auth import Principal
from shared.errors import DomainError, NotFound
from shared.web.actions import Errors, act, done_url
from shared.web.app import Runtime
from shared.web.form_reading import FieldProblem, typed_back
from shared.web.i18n import language_of, translator
from shared.web.pages import page
from shared.web.security import allow

BENCH = allow(*roles.BENCH)
OFFICERS = allow(*roles.OFFICERS)
NO_STORE = {"Cache-Control": "no-store"}
DONE = frozenset(
    {
        "erasure",
        "no_storage",
        "validated",
        "diagnosed",
        "repaired",
        "graded",
        "released",
        "recycled",
        "dismantled",
        "taken",
        "already_here",
    }
)
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
    reads = provide_reads(runtime)
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


async def _attempt(
    request: AnyRequest,
    runtime: Runtime,
    principal: Principal,
    order_id: uuid.UUID,
    form_name: str,
    typed: dict[str, str],
    step: Callable[[], Awaitable[object]],
    done: str,
    back_to: str = "",
) -> Template | Redirect:
    """Run one step; back to the work order (or ``back_to``) with a confirmation, or to the
    work order with the refusal."""

    async def again(errors: Errors, status: int) -> Template:
        return await _order_page(
            request,
            runtime,
            principal,
            order_id,
            status_code=status,
            active=form_name,
            typed=typed_back(typed),
            errors=errors,
        )

    return await act(
        request,
        step,
        done=back_to or done_url(order_url(order_id), done),
        again=again,
        fields=FIELDS,
    )


@post("/atelier/commandes/{order_id:uuid}/effacement", opt=OFFICERS, include_in_schema=False)
async def record_erasure(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """One medium's erasure, recorded by an erasure officer for a colleague to validate."""
    texts, files = await form_fields(request)

    async def step() -> None:
        order = await provide_reads(runtime).get_work_order(order_id)
        device_type = order.device_type if order else ""
        log = await _uploaded(files.get("tool_log"))
        log_hash = hashlib.sha256(log).hexdigest() if log else ""
        erasure = bench_forms.erasure_from(texts, device_type, log_hash)
        await handlers.record_erasure(provide_bench(runtime), principal, order_id, erasure)

    return await _attempt(request, runtime, principal, order_id, "erasure", texts, step, "erasure")


@post("/atelier/commandes/{order_id:uuid}/sans-stockage", opt=OFFICERS, include_in_schema=False)
async def state_no_storage(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """An erasure officer states that the device holds no storage at all."""

    async def step() -> None:
        await handlers.state_without_storage(provide_bench(runtime), principal, order_id)

    return await _attempt(
        request, runtime, principal, order_id, "no_storage", {}, step, "no_storage"
    )


@post("/atelier/commandes/{order_id:uuid}/validation", opt=OFFICERS, include_in_schema=False)
async def validate_erasure(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """A second erasure officer validates a colleague's erasure: the certificate is issued."""
    texts, _ = await form_fields(request)

    async def step() -> None:
        erasures = await provide_reads(runtime).erasures_of(order_id)
        wanted = texts.get("erasure_id", "")
        if wanted not in {str(erasure["id"]) for erasure in erasures}:
            raise NotFound(
                f"No erasure {wanted[:40]} waiting for validation.", code="bench.no_pending"
            )
        await handlers.validate_erasure(
            provide_bench(runtime), principal, uuid.UUID(wanted), verify_url(request, runtime)
        )

    return await _attempt(
        request, runtime, principal, order_id, "validation", texts, step, "validated"
    )


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


@post("/atelier/commandes/{order_id:uuid}/diagnostic", opt=BENCH, include_in_schema=False)
async def diagnose_device(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Specs, functional tests and cosmetic notes, before grading."""
    texts, _ = await form_fields(request)

    async def step() -> None:
        diagnosis = bench_forms.diagnosis_from(texts)
        await handlers.diagnose(provide_bench(runtime), principal, order_id, diagnosis)

    return await _attempt(
        request, runtime, principal, order_id, "diagnosis", texts, step, "diagnosed"
    )


@post("/atelier/commandes/{order_id:uuid}/reparations", opt=BENCH, include_in_schema=False)
async def repair_device(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """A repair: what was done, the part used if any, the minutes spent."""
    texts, _ = await form_fields(request)

    async def step() -> None:
        repair = bench_forms.repair_from(texts)
        await handlers.record_repair(provide_bench(runtime), principal, order_id, repair)

    return await _attempt(request, runtime, principal, order_id, "repair", texts, step, "repaired")


@post("/atelier/commandes/{order_id:uuid}/evaluation", opt=BENCH, include_in_schema=False)
async def grade_device(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Cosmetic grade, functional tests, battery health and specs."""
    texts, _ = await form_fields(request)

    async def step() -> None:
        given = bench_forms.grade_from(texts)
        await handlers.grade(
            provide_bench(runtime), principal, order_id, given, thresholds_of(runtime)
        )

    return await _attempt(request, runtime, principal, order_id, "grade", texts, step, "graded")


@post("/atelier/commandes/{order_id:uuid}/sortie", opt=BENCH, include_in_schema=False)
async def release_device(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Release for a second life: needs a certificate, a grade and passed tests. Released
    from the board, back to the board, to release a whole box in a row."""
    texts, _ = await form_fields(request)
    back_to = ""
    order = await provide_reads(runtime).get_work_order(order_id)
    if texts.get("back") == "board" and order is not None:
        back_to = f"/atelier/{order.workshop_id}?sorti={order_id}"

    async def step() -> None:
        await handlers.release(provide_bench(runtime), principal, order_id)

    return await _attempt(
        request, runtime, principal, order_id, "release", {}, step, "released", back_to
    )


@post("/atelier/commandes/{order_id:uuid}/recyclage", opt=BENCH, include_in_schema=False)
async def recycle_device(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Send to recycling, with the Open Repair Data Standard barrier and the reason."""
    texts, _ = await form_fields(request)

    async def step() -> None:
        recycling = bench_forms.recycling_from(texts)
        await handlers.recycle(provide_bench(runtime), principal, order_id, recycling)

    return await _attempt(
        request, runtime, principal, order_id, "recycling", texts, step, "recycled"
    )


@post("/atelier/commandes/{order_id:uuid}/prise", opt=BENCH, include_in_schema=False)
async def take_work_order(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """ "Je la prends": the person takes the work order."""

    async def step() -> None:
        await handlers.take(provide_bench(runtime), principal, order_id)

    return await _attempt(request, runtime, principal, order_id, "take", {}, step, "taken")


@post("/atelier/commandes/{order_id:uuid}/demontage", opt=BENCH, include_in_schema=False)
async def dismantle_device(
    request: AnyRequest,
    order_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Take the device apart: the parts kept go to the parts bin, the rest to recycling."""
    texts, _ = await form_fields(request)

    async def step() -> None:
        dismantling = bench_forms.dismantling_from(texts)
        await handlers.dismantle(provide_bench(runtime), principal, order_id, dismantling)

    return await _attempt(
        request, runtime, principal, order_id, "dismantling", texts, step, "dismantled"
    )


ROUTES = [
    show_work_order,
    record_erasure,
    state_no_storage,
    validate_erasure,
    read_lshw,
    diagnose_device,
    repair_device,
    grade_device,
    release_device,
    recycle_device,
    dismantle_device,
    take_work_order,
]
