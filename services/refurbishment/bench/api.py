"""JSON API of the bench: workshops and their parts bins, check-in, erasure, diagnosis,
repair, grade, release, recycle, dismantle."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, get_args

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from services.refurbishment import roles, units
from services.refurbishment.bench import handlers
from services.refurbishment.bench.diagnosis import Diagnosis, Repair
from services.refurbishment.bench.domain import (
    CheckIn,
    Dismantling,
    ErasurePreparation,
    GradeGiven,
    GradingThresholds,
    Recycling,
    WorkOrder,
    WorkOrderFilter,
    WorkOrderPage,
    WorkOrderState,
    Workshop,
    WorkshopCreate,
)
from services.refurbishment.parts.domain import Part, PartCreate
from shared import audit
from shared.auth import COORDINATION, Principal
from shared.errors import NotFound
from shared.events import uuid7
from shared.listing import PAGE_LIMIT, After, Limit, page_of, read_cursor, read_filters
from shared.rows import rows_as
from shared.web.app import Runtime
from shared.web.security import allow

BENCH = roles.BENCH
OFFICERS = ("erasure_officer",)
# Examples shown in the API description: a laptop scanned in, its SSD purged, graded B.
CHECK_IN_EXAMPLE = {"workshop_id": "5f1c1b8e-3a2d-5d1e-9a4b-0c6f2e7d8a91", "label": "K7Q2-M9XB-A"}
ERASURE_EXAMPLE = {
    "media": [
        {
            "media_type": "flash",
            "level": "purge",
            "method": "crypto_erase",
            "tool": "nvme-cli",
            "tool_version": "2.8",
            "verification": "full",
            "started_at": "2026-11-28T09:00:00Z",
            "ended_at": "2026-11-28T09:04:00Z",
        }
    ]
}
GRADE_EXAMPLE = {
    "grade": "B",
    "functional_pass": True,
    "battery_health": 82,
    "specs": {"memory_gb": 8, "storage_gb": 256},
    "minutes": 25,
}
SHIPPERS = ("collector",)  # they ship to any workshop, so they list them all
WORK_ORDER_STATES = list(get_args(WorkOrderState))


class WorkshopPage(msgspec.Struct, frozen=True, kw_only=True):
    workshops: list[Workshop]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


class ErasureRecorded(msgspec.Struct, frozen=True, kw_only=True):
    erasure_id: uuid.UUID


class RepairRecorded(msgspec.Struct, frozen=True, kw_only=True):
    repair_id: uuid.UUID


class CertificateIssued(msgspec.Struct, frozen=True, kw_only=True):
    erasure_id: uuid.UUID
    sha256: str
    pdf: str


def thresholds_of(runtime: Runtime) -> GradingThresholds:
    return GradingThresholds(
        grade_a_min_battery=runtime.settings.refurbishment.grade_a_min_battery_percent,
        release_min_battery=runtime.settings.refurbishment.release_min_battery_percent,
    )


def verify_url(request: Request[Any, Any, Any], runtime: Runtime) -> str:
    base = runtime.settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/verifier"


class WorkshopController(Controller):
    path = "/api/v1/workshops"
    tags = ["workshops"]

    @post("/", opt=allow(*COORDINATION), status_code=201)
    async def create_workshop(
        self, data: JSONBody[WorkshopCreate], runtime: NamedDependency[Runtime]
    ) -> Workshop:
        """Open a workshop; its position (both coordinates or neither) lets matching offer
        households the devices refurbished nearest to them."""
        workshop = Workshop(id=uuid7(), **msgspec.structs.asdict(data))
        await handlers.register_workshop(units.bench(runtime), workshop)
        return workshop

    @get("/", opt=allow(*BENCH, *SHIPPERS))
    async def list_workshops(
        self,
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> WorkshopPage:
        """The workshops one works at, by name; coordinators and admins see them all, and so
        do collectors, who ship devices to any of them."""
        reachable = None if principal.has_any(SHIPPERS) else principal.scoped_ids("workshop")
        rows = await units.reads(runtime).workshops_reachable(
            reachable, read_cursor(after, str), limit + 1
        )
        workshops, next_after = page_of(
            rows_as(Workshop, rows),
            limit,
            lambda workshop: (workshop.name, workshop.id),
        )
        return WorkshopPage(workshops=workshops, next_after=next_after)

    @get("/{workshop_id:uuid}/parts", opt=allow(*BENCH))
    async def list_parts(
        self,
        workshop_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> list[Part]:
        """The parts in the workshop's bin (harvested from dismantled devices or added by
        hand), by name."""
        _, parts = await handlers.workshop_parts(units.reads(runtime), principal, workshop_id)
        return parts

    @post("/{workshop_id:uuid}/parts", opt=allow(*BENCH), status_code=201)
    async def add_part(
        self,
        workshop_id: FromPath[uuid.UUID],
        data: JSONBody[PartCreate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Part:
        """Put parts in the bin by hand; a repair that uses a part ``parts_bin`` takes one."""
        return await handlers.add_part(units.bench(runtime), principal, workshop_id, data)


class BenchController(Controller):
    path = "/api/v1"
    tags = ["bench"]

    @post("/check-ins", opt={**allow(*BENCH), "example": CHECK_IN_EXAMPLE}, status_code=201)
    async def check_in_device(
        self,
        data: JSONBody[CheckIn],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> WorkOrder:
        """Scan a device in at a workshop: its work order opens."""
        order = await handlers.check_in(units.bench(runtime), principal, data)
        return order

    @get("/work-orders", opt=allow(*BENCH))
    async def list_work_orders(
        self,
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        state_sent: Annotated[
            str | None, QueryParameter(name="state", enum=WORK_ORDER_STATES)
        ] = None,
        workshop_id: FromQuery[uuid.UUID | None] = None,
        label: FromQuery[str | None] = None,
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> WorkOrderPage:
        """Work orders of one's workshops by ``state`` (``open``, or how it ended), workshop
        and device ``label``; the oldest opened first."""
        where = read_filters(
            WorkOrderFilter, state=state_sent, workshop_id=workshop_id, label=label
        )
        return await handlers.work_orders(units.reads(runtime), principal, where, after, limit)

    @get("/work-orders/{order_id:uuid}", opt=allow(*BENCH))
    async def get_work_order(
        self,
        order_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> WorkOrder:
        order = await units.reads(runtime).get_work_order(order_id)
        if order is None or not principal.may_reach(handlers.workshop_scope(order.workshop_id)):
            raise NotFound(
                f"No work order {order_id} at your workshops.", code="bench.order_not_found"
            )
        return order

    @post(
        "/work-orders/{order_id:uuid}/erasures",
        opt={**allow(*OFFICERS), "example": ERASURE_EXAMPLE},
        status_code=201,
    )
    async def record_erasure(
        self,
        order_id: FromPath[uuid.UUID],
        data: JSONBody[ErasurePreparation],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> ErasureRecorded:
        """Record what was erased and how; a second erasure officer validates it."""
        erasure_id = await handlers.record_erasure(units.bench(runtime), principal, order_id, data)
        return ErasureRecorded(erasure_id=erasure_id)

    @post("/erasures/{erasure_id:uuid}/validation", opt=allow(*OFFICERS), status_code=201)
    async def validate_erasure(
        self,
        request: Request[Any, Any, Any],
        erasure_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CertificateIssued:
        """Validate a colleague's erasure (never one's own): the certificate is issued."""
        sha256 = await handlers.validate_erasure(
            units.bench(runtime), principal, erasure_id, verify_url(request, runtime)
        )
        return CertificateIssued(
            erasure_id=erasure_id, sha256=sha256, pdf=f"/api/v1/certificates/{erasure_id}/pdf"
        )

    @post("/work-orders/{order_id:uuid}/no-storage", opt=allow(*OFFICERS), status_code=204)
    async def state_no_storage(
        self,
        order_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """State that the device holds no storage at all (nothing to erase)."""
        await handlers.state_without_storage(units.bench(runtime), principal, order_id)

    @post("/work-orders/{order_id:uuid}/diagnosis", opt=allow(*BENCH), status_code=204)
    async def diagnose_device(
        self,
        order_id: FromPath[uuid.UUID],
        data: JSONBody[Diagnosis],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """Record the diagnosis before grading: specs, a pass or a fail per functional test
        (``power``, ``screen``, ``keyboard``, ``touchpad``, ``ports``, ``wifi``, ``battery``,
        ``camera_audio``), cosmetic notes. Diagnosing again replaces it."""
        await handlers.diagnose(units.bench(runtime), principal, order_id, data)

    @post("/work-orders/{order_id:uuid}/repairs", opt=allow(*BENCH), status_code=201)
    async def repair_device(
        self,
        order_id: FromPath[uuid.UUID],
        data: JSONBody[Repair],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> RepairRecorded:
        """Record a repair: its actions, the parts used (from the parts bin or bought, cost
        in euro cents if known) and the minutes spent."""
        repair_id = await handlers.record_repair(units.bench(runtime), principal, order_id, data)
        return RepairRecorded(repair_id=repair_id)

    @post(
        "/work-orders/{order_id:uuid}/grade",
        opt={**allow(*BENCH), "example": GRADE_EXAMPLE},
        status_code=204,
    )
    async def grade_device(
        self,
        order_id: FromPath[uuid.UUID],
        data: JSONBody[GradeGiven],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """Grade the device; a battery under ``BOUCLE_GRADE_A_MIN_BATTERY_PERCENT`` is not
        graded A, one under ``BOUCLE_RELEASE_MIN_BATTERY_PERCENT`` does not pass its tests."""
        await handlers.grade(
            units.bench(runtime), principal, order_id, data, thresholds_of(runtime)
        )

    @post("/work-orders/{order_id:uuid}/assignment", opt=allow(*BENCH), status_code=204)
    async def take_work_order(
        self,
        order_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """Take the work order: the board shows who works on it."""
        await handlers.take(units.bench(runtime), principal, order_id)

    @post("/work-orders/{order_id:uuid}/release", opt=allow(*BENCH), status_code=204)
    async def release_device(
        self,
        order_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """Release for a second life: needs a certificate, a grade and passed tests."""
        await handlers.release(units.bench(runtime), principal, order_id)

    @post("/work-orders/{order_id:uuid}/recycling", opt=allow(*BENCH), status_code=204)
    async def recycle_device(
        self,
        order_id: FromPath[uuid.UUID],
        data: JSONBody[Recycling],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """Send to recycling, with the reason (Open Repair Data Standard barrier code)."""
        await handlers.recycle(units.bench(runtime), principal, order_id, data)

    @post("/work-orders/{order_id:uuid}/dismantling", opt=allow(*BENCH), status_code=204)
    async def dismantle_device(
        self,
        order_id: FromPath[uuid.UUID],
        data: JSONBody[Dismantling],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """Take the device apart for parts (they go to the workshop's parts bin) and send the
        rest to recycling, with the reason; needs an erasure certificate or a no-storage
        statement first."""
        await handlers.dismantle(units.bench(runtime), principal, order_id, data)

    @get("/certificates/{erasure_id:uuid}/pdf", opt=allow(*BENCH), media_type="application/pdf")
    async def certificate_pdf(
        self,
        erasure_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> Response[bytes]:
        pdf = await handlers.read_certificate(units.bench(runtime), principal, erasure_id)
        return Response(pdf, media_type="application/pdf")

    @get("/erasures/audit", opt=allow("admin"))
    async def erasure_audit(self, runtime: NamedDependency[Runtime]) -> list[audit.AuditEntry]:
        """Who recorded, validated or read an erasure certificate, when and from where
        (newest first; the JSON is the export)."""
        return await audit.latest(runtime.pool)


ROUTES = [WorkshopController, BenchController]
