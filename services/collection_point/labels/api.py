"""JSON and print API of labels: batches for a point, sheets to print, single labels, void."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from services.collection_point import roles, units
from services.collection_point.access import reachable_point
from services.collection_point.labels import handlers as label_handlers
from services.collection_point.labels.store import LabelBatch, LabelBatchPage, LabelStore
from shared.auth import Principal
from shared.label_sheets import (
    FORMATS,
    SheetChoice,
    render_png,
    render_sheets,
    render_svg,
)
from shared.listing import (
    PAGE_LIMIT,
    After,
    Limit,
    page_of,
    read_cursor,
    read_filters,
)
from shared.web.app import Runtime
from shared.web.replays import IdempotencyKey, replayable, request_fingerprint
from shared.web.security import allow

LABEL_ROLES = roles.COUNTER


def _public(request: Request[Any, Any, Any], runtime: Runtime) -> str:
    """The address printed in the QR codes: the public URL, or this origin behind the proxy."""
    return runtime.settings.public_url or str(request.base_url)


class LabelBatchController(Controller):
    path = "/api/v1/label-batches"
    tags = ["labels"]

    @post(
        "/",
        opt={
            **allow(*LABEL_ROLES),
            "returns": LabelBatch,
            "example": {"collection_point_id": "bcbe0fb2-b7fd-5078-9eae-36298d32c08c", "count": 24},
        },
        status_code=201,
    )
    async def create_label_batch(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[label_handlers.LabelBatchCreate],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[bytes]:
        """Issue new label codes to a collection point, to print before devices arrive."""
        answer = await label_handlers.issue_batch(
            units.labels(runtime),
            principal,
            data,
            idempotency_key,
            await request_fingerprint(request, principal),
        )
        return replayable(answer)

    @get("/{batch_id:uuid}", opt=allow(*LABEL_ROLES))
    async def get_label_batch(
        self,
        batch_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> LabelBatch:
        return await label_handlers.batch_for(LabelStore(runtime.pool), principal, batch_id)

    @get("/{batch_id:uuid}/sheet", opt=allow(*LABEL_ROLES), media_type="application/pdf")
    async def print_label_batch(
        self,
        request: Request[Any, Any, Any],
        batch_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        sheet_sent: Annotated[str, QueryParameter(name="format", enum=list(FORMATS))] = "L7651",
    ) -> Response[bytes]:
        """The batch's labels (voided ones left out) as a PDF for the chosen sheet or roll.
        Printing again is a reprint: the same codes."""
        sheet = read_filters(SheetChoice, format=sheet_sent).format
        batch = await label_handlers.batch_for(LabelStore(runtime.pool), principal, batch_id)
        codes = [label.code for label in batch.labels if not label.voided]
        pdf = render_sheets(codes, FORMATS[sheet], _public(request, runtime))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="labels-{batch_id}-{sheet}.pdf"'},
        )


class PointLabelBatchController(Controller):
    path = "/api/v1/collection-points/{place_id:uuid}/label-batches"
    tags = ["labels"]

    @get("/", opt=allow(*LABEL_ROLES))
    async def list_label_batches(
        self,
        place_id: FromPath[uuid.UUID],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
        after: After = None,
        limit: Limit = PAGE_LIMIT,
    ) -> LabelBatchPage:
        """The point's label batches, the newest first (``GET /api/v1/label-batches/{id}``
        for a batch's labels)."""
        async with runtime.pool.acquire() as connection:
            store = LabelStore(connection)
            await reachable_point(store, principal, place_id)
            rows = await store.batches_of(
                place_id, read_cursor(after, datetime.fromisoformat), limit + 1
            )
        batches, next_after = page_of(rows, limit, lambda batch: (batch.created_at, batch.id))
        return LabelBatchPage(label_batches=batches, next_after=next_after)


class LabelController(Controller):
    path = "/api/v1/labels"
    tags = ["labels"]

    @get("/{code:str}/svg", opt=allow(*LABEL_ROLES), media_type="image/svg+xml")
    async def label_svg(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> str:
        label = await label_handlers.printable_code(LabelStore(runtime.pool), principal, code)
        return render_svg(label, _public(request, runtime))

    @get("/{code:str}/png", opt=allow(*LABEL_ROLES), media_type="image/png")
    async def label_png(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> bytes:
        label = await label_handlers.printable_code(LabelStore(runtime.pool), principal, code)
        return render_png(label, _public(request, runtime))

    @post("/{code:str}/void", opt=allow(*LABEL_ROLES), status_code=204)
    async def void_label(
        self,
        code: FromPath[str],
        data: JSONBody[label_handlers.LabelVoid],
        runtime: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """Void a damaged or lost label: it can no longer be attached to a device."""
        await label_handlers.void_label(units.labels(runtime), principal, code, data.reason)


ROUTES = [LabelBatchController, PointLabelBatchController, LabelController]
