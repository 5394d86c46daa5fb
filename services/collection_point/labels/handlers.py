"""Use cases of labels: issue a batch for a point, void a label."""

from __future__ import annotations

import uuid
from typing import Annotated

import asyncpg
import msgspec

from services.collection_point.access import reachable_point
from services.collection_point.domain import point_scope
from services.collection_point.labels import store as label_store
from shared import idempotency
from shared.auth import Principal
from shared.db import transaction
from shared.errors import Conflict, NotFound
from shared.events import uuid7
from shared.labels import format_code, generate_code, parse_code

MAX_BATCH = 2000
_encoder = msgspec.json.Encoder()


class LabelBatchCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    collection_point_id: uuid.UUID
    count: Annotated[int, msgspec.Meta(ge=1, le=MAX_BATCH)]


class LabelVoid(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=200)]


async def issue_batch(
    pool: asyncpg.Pool,
    principal: Principal,
    command: LabelBatchCreate,
    idempotency_key: str | None,
    request_fingerprint: str,
) -> idempotency.StoredResponse:
    """Issue ``count`` new label codes to a point, ready to print; a replay prints the same."""
    key = f"label-batches:{idempotency_key}" if idempotency_key else None
    async with transaction(pool) as connection:
        if key is not None:
            stored = await idempotency.claim(connection, key, request_fingerprint)
            if stored is not None:
                return stored
        point = await reachable_point(connection, principal, command.collection_point_id)
        batch_id = uuid7()
        codes = [generate_code() for _ in range(command.count)]
        taken = await label_store.insert_batch(connection, batch_id, point.id, principal.sub, codes)
        for _ in range(10):
            if not taken:
                break
            taken = await label_store.add_labels(
                connection, batch_id, [generate_code() for _ in taken]
            )
        if taken:
            raise Conflict(
                "Could not draw enough unused label codes; please try again.",
                code="labels.draw_again",
            )
        batch = await label_store.get_batch(connection, batch_id)
        body = _encoder.encode(batch)
        if key is not None:
            await idempotency.remember(connection, key, 201, body)
    return idempotency.StoredResponse(201, body)


async def batch_for(
    pool: asyncpg.Pool, principal: Principal, batch_id: uuid.UUID
) -> label_store.LabelBatch:
    batch = await label_store.get_batch(pool, batch_id)
    if batch is None or not principal.may_reach(point_scope(batch.collection_point_id)):
        raise NotFound(
            f"No label batch {batch_id} at your collection points.", code="labels.batch_not_found"
        )
    return batch


async def _reachable_label(
    connection: asyncpg.Connection | asyncpg.Pool, principal: Principal, code: str
) -> asyncpg.Record:
    """The label's point and void state; 404 alike for unknown and out-of-scope labels."""
    label = await label_store.label_point(connection, code)
    if label is None or not principal.may_reach(point_scope(label["collection_point_id"])):
        raise NotFound(
            f"No label {format_code(code)} at your collection points.",
            code="labels.not_found",
            label=format_code(code),
        )
    return label


async def printable_code(pool: asyncpg.Pool, principal: Principal, raw: str) -> str:
    """A label of one of the principal's points, for a reprint; a voided one is refused."""
    code = parse_code(raw)
    label = await _reachable_label(pool, principal, code)
    if label["voided_at"] is not None:
        raise Conflict(
            f"The label {format_code(code)} was voided; print a new one instead.",
            code="labels.voided",
            label=format_code(code),
        )
    return code


async def void_label(pool: asyncpg.Pool, principal: Principal, raw: str, reason: str) -> None:
    """A damaged or lost label is voided: it can no longer be attached to a device."""
    code = parse_code(raw)
    async with transaction(pool) as connection:
        await _reachable_label(connection, principal, code)
        if not await label_store.void_label(connection, code, reason):
            raise Conflict(
                f"The label {format_code(code)} is already void.",
                code="labels.already_void",
                label=format_code(code),
            )
