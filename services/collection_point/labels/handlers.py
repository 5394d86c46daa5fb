"""Use cases of labels: issue a batch for a point, void a label."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from services.collection_point.access import reachable_point
from services.collection_point.domain import point_scope
from services.collection_point.labels.store import LabelBatch, LabelPoint, LabelStore
from shared import idempotency
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.events import uuid7
from shared.labels import format_code, generate_code, parse_code
from shared.uow import UnitOfWork

MAX_BATCH = 2000
_encoder = msgspec.json.Encoder()


class LabelBatchCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    collection_point_id: uuid.UUID
    count: Annotated[int, msgspec.Meta(ge=1, le=MAX_BATCH)]


class LabelVoid(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=200)]


async def issue_batch(
    uow: UnitOfWork[LabelStore],
    principal: Principal,
    command: LabelBatchCreate,
    idempotency_key: str | None,
    request_fingerprint: str,
) -> idempotency.StoredResponse:
    """Issue ``count`` new label codes to a point, ready to print; a replay prints the same."""
    key = f"label-batches:{idempotency_key}" if idempotency_key else None
    async with uow.begin() as work:
        store = work.store
        if key is not None:
            stored = await store.claim(key, request_fingerprint)
            if stored is not None:
                return stored
        point = await reachable_point(store, principal, command.collection_point_id)
        batch_id = uuid7()
        codes = [generate_code() for _ in range(command.count)]
        taken = await store.insert_batch(batch_id, point.id, principal.sub, codes)
        for _ in range(10):
            if not taken:
                break
            taken = await store.add_labels(batch_id, [generate_code() for _ in taken])
        if taken:
            raise Conflict(
                "Could not draw enough unused label codes; please try again.",
                code="labels.draw_again",
            )
        batch = await store.get_batch(batch_id)
        body = _encoder.encode(batch)
        if key is not None:
            await store.remember(key, 201, body)
    return idempotency.StoredResponse(201, body)


async def batch_for(store: LabelStore, principal: Principal, batch_id: uuid.UUID) -> LabelBatch:
    """A batch of one of the principal's points; 404 alike for unknown and out of scope."""
    batch = await store.get_batch(batch_id)
    if batch is None or not principal.may_reach(point_scope(batch.collection_point_id)):
        raise NotFound(
            f"No label batch {batch_id} at your collection points.", code="labels.batch_not_found"
        )
    return batch


async def _reachable_label(store: LabelStore, principal: Principal, code: str) -> LabelPoint:
    """The label's point and void state; 404 alike for unknown and out-of-scope labels."""
    label = await store.label_point(code)
    if label is None or not principal.may_reach(point_scope(label.collection_point_id)):
        raise NotFound(
            f"No label {format_code(code)} at your collection points.",
            code="labels.not_found",
            label=format_code(code),
        )
    return label


async def printable_code(store: LabelStore, principal: Principal, raw: str) -> str:
    """A label of one of the principal's points, for a reprint; a voided one is refused."""
    code = parse_code(raw)
    label = await _reachable_label(store, principal, code)
    if label.voided_at is not None:
        raise Conflict(
            f"The label {format_code(code)} was voided; print a new one instead.",
            code="labels.voided",
            label=format_code(code),
        )
    return code


async def void_label(
    uow: UnitOfWork[LabelStore], principal: Principal, raw: str, reason: str
) -> None:
    """A damaged or lost label is voided: it can no longer be attached to a device."""
    code = parse_code(raw)
    async with uow.begin() as work:
        await _reachable_label(work.store, principal, code)
        if not await work.store.void_label(code, reason):
            raise Conflict(
                f"The label {format_code(code)} is already void.",
                code="labels.already_void",
                label=format_code(code),
            )
