"""Use cases of the collection point, one transaction each, events through the outbox."""

from __future__ import annotations

import asyncpg
import msgspec

from services.collection_point import store
from services.collection_point.domain import Intake, IntakeCreate, point_scope
from shared import idempotency
from shared.auth import Principal
from shared.contracts.collection import DeviceReceived
from shared.db import transaction
from shared.errors import Conflict, NotFound
from shared.events import utc_now, uuid7
from shared.labels import format_code, parse_code
from shared.logging import contextvars
from shared.outbox import add_events

PRODUCER = "collection_point"
_encoder = msgspec.json.Encoder()


async def receive_device(
    pool: asyncpg.Pool,
    principal: Principal,
    command: IntakeCreate,
    idempotency_key: str | None,
    request_fingerprint: str,
) -> idempotency.StoredResponse:
    """Register a donated device at the counter; a replayed key returns the first answer."""
    code = parse_code(command.label)
    key = f"intakes:{idempotency_key}" if idempotency_key else None
    async with transaction(pool) as connection:
        if key is not None:
            stored = await idempotency.claim(connection, key, request_fingerprint)
            if stored is not None:
                return stored
        point = await store.get_point(connection, command.collection_point_id)
        if point is None or not principal.may_reach(point_scope(point.id)):
            raise NotFound(
                f"No collection point {command.collection_point_id} that you work at; "
                "choose one of your collection points."
            )
        intake = Intake(
            id=uuid7(),
            device_id=uuid7(),
            label=code,
            label_display=format_code(code),
            device_type=command.device_type,
            collection_point_id=point.id,
            received_by=principal.sub,
            received_at=utc_now(),
        )
        if not await store.insert_intake(connection, intake):
            await _refuse_attached_label(connection, code)
        await add_events(
            connection,
            [
                DeviceReceived(
                    producer=PRODUCER,
                    aggregate_id=intake.device_id,
                    correlation_id=contextvars.get_contextvars().get("correlation_id", ""),
                    intake_id=intake.id,
                    label=code,
                    device_type=intake.device_type,
                    collection_point_id=point.id,
                    collection_point_name=point.name,
                )
            ],
        )
        body = _encoder.encode(intake)
        if key is not None:
            await idempotency.remember(connection, key, 201, body)
    return idempotency.StoredResponse(201, body)


async def _refuse_attached_label(connection: asyncpg.Connection, code: str) -> None:
    existing = await store.intake_with_label(connection, code)
    where = (
        f" to a {existing['device_type']} received at {existing['point_name']} "
        f"on {existing['received_at']:%d/%m/%Y}"
        if existing
        else ""
    )
    raise Conflict(
        f"The label {format_code(code)} is already attached{where}. "
        "Use a new label for this device.",
        intake_id=str(existing["id"]) if existing else None,
    )
