"""Use case of a corporate donation imported from a file: all rows or none, one transaction.

A bulk donation comes from a company (or another organisation) under a signed donation
agreement, which states the three points a donor at the counter is told (data erased with a
certificate, unusable devices recycled, stickers removed): its intakes record the
acknowledgements as given by that agreement (``acknowledged_by = 'donation_agreement'``)."""

from __future__ import annotations

import uuid

import asyncpg
import msgspec

from services.collection_point.domain import PRODUCER, Intake, point_scope
from services.collection_point.intake.bulk import (
    BulkRefused,
    already_attached,
    never_issued,
    read_rows,
    voided,
)
from services.collection_point.store import IntakeStore
from shared import idempotency
from shared.auth import Principal
from shared.contracts.collection import DeviceReceived
from shared.errors import Conflict, NotFound
from shared.events import uuid7
from shared.labels import format_code
from shared.logging import contextvars
from shared.uow import UnitOfWork


class BulkImported(msgspec.Struct, frozen=True, kw_only=True):
    imported: int
    intakes: list[Intake]


async def receive_file(
    uow: UnitOfWork[IntakeStore],
    principal: Principal,
    point_id: uuid.UUID,
    text: str,
    idempotency_key: str | None,
    request_fingerprint: str,
    donor_reference: str = "",
) -> idempotency.StoredResponse:
    """Register every device of the file at ``point_id``, or none, saying why by line.

    ``donor_reference`` (the company's name, say) lets a donation receipt list the devices."""
    key = f"bulk-intakes:{idempotency_key}" if idempotency_key else None
    try:
        async with uow.begin() as work:
            store = work.store
            if key is not None:
                stored = await store.claim(key, request_fingerprint)
                if stored is not None:
                    return stored
            place = await store.get_place(point_id)
            if place is None or not principal.may_reach(point_scope(point_id)):
                raise NotFound(
                    f"No collection point {point_id} that you work at.", code="places.not_yours"
                )
            rows, problems = read_rows(text, list(place.accepted_types))
            labels = [row.label for row in rows]
            taken = await store.labels_taken(labels)
            problems += already_attached(rows, taken)
            states = await store.label_states(labels)
            problems += never_issued(rows, states.issued | taken)
            problems += voided(rows, states.voided)
            if problems:
                raise BulkRefused(sorted(problems, key=lambda problem: problem.line))
            now = work.now()
            intakes = [
                Intake(
                    id=uuid7(),
                    device_id=uuid7(),
                    label=row.label,
                    label_display=format_code(row.label),
                    device_type=row.device_type,
                    collection_point_id=point_id,
                    received_by=principal.sub,
                    received_at=now,
                    brand=row.brand,
                    model=row.model,
                    serial_number=row.serial_number,
                    donor_kind="company",
                    donor_reference=donor_reference.strip()[:80],
                    acknowledged_by="donation_agreement",
                )
                for row in rows
            ]
            await store.insert_intakes(intakes)
            correlation_id = contextvars.get_contextvars().get("correlation_id", "")
            await work.announce(
                *(
                    DeviceReceived(
                        producer=PRODUCER,
                        occurred_at=now,
                        aggregate_id=intake.device_id,
                        correlation_id=correlation_id,
                        intake_id=intake.id,
                        label=intake.label,
                        device_type=intake.device_type,
                        collection_point_id=point_id,
                        collection_point_name=place.name,
                    )
                    for intake in intakes
                )
            )
            body = msgspec.json.encode(BulkImported(imported=len(intakes), intakes=intakes))
            if key is not None:
                await store.remember(key, 201, body)
    except asyncpg.UniqueViolationError as error:
        raise Conflict(
            "A label of this file was attached to another device at the same moment; "
            "nothing was imported. Send the file again to see which one.",
            code="bulk.label_taken_meanwhile",
        ) from error
    return idempotency.StoredResponse(201, body)
