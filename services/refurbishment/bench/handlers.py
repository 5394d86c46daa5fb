"""Use cases of the bench, one transaction each, facts announced through the outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from services.refurbishment import store
from services.refurbishment.bench.diagnosis import Diagnosis, Repair, specs_of
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
    check_dismantle,
    check_grade,
    check_open,
    check_release,
)
from services.refurbishment.erasure.certificate_pdf import fingerprint, render_certificate
from services.refurbishment.erasure.domain import (
    ErasureRefused,
    Officer,
    certify,
    check_media,
    state_no_storage,
)
from services.refurbishment.parts.domain import Part, PartCreate, PartsBinEmpty
from shared import audit
from shared.auth import Principal
from shared.contracts.refurbishment import (
    DeviceCheckedIn,
    DeviceDiagnosed,
    DeviceDismantled,
    DeviceErased,
    DeviceGraded,
    DeviceRecycled,
    DeviceReleased,
    DeviceRepaired,
)
from shared.db import transaction
from shared.errors import Conflict, NotFound
from shared.events import Event, utc_now, uuid7
from shared.labels import format_code, parse_code
from shared.listing import page_of, read_cursor
from shared.logging import contextvars
from shared.outbox import add_events

PRODUCER = "refurbishment"


def workshop_scope(workshop_id: uuid.UUID) -> str:
    return f"workshop:{workshop_id}"


async def reachable_workshop(
    connection: store.Connection, principal: Principal, workshop_id: uuid.UUID
) -> str:
    """The workshop's name; one the caller does not work at does not exist (404, not 403)."""
    name = await store.workshop_name(connection, workshop_id)
    if name is None or not principal.may_reach(workshop_scope(workshop_id)):
        raise NotFound(f"No workshop {workshop_id} that you work at.", code="workshop.not_yours")
    return name


def _officer(principal: Principal) -> Officer:
    return Officer(id=principal.sub, name=principal.sub, roles=tuple(principal.roles))


async def _announce(
    connection: asyncpg.Connection, order: WorkOrder, event_type: type[Event], **fields: Any
) -> None:
    event = event_type(
        producer=PRODUCER,
        aggregate_id=order.device_id,
        aggregate_version=await store.next_event_version(connection, order.device_id),
        correlation_id=contextvars.get_contextvars().get("correlation_id", ""),
        **fields,
    )
    await add_events(connection, [event])


async def _mention(
    connection: asyncpg.Connection, order: WorkOrder, event_type: type[Event], **fields: Any
) -> None:
    """Announce a fact that changes no lifecycle state (a diagnosis, a repair). It carries
    the number of the last lifecycle fact instead of taking the next one: inventory numbers
    the lifecycle facts 1, 2, 3… and waits for any missing one, so a fact it does not apply
    must leave no gap."""
    event = event_type(
        producer=PRODUCER,
        aggregate_id=order.device_id,
        aggregate_version=await store.last_event_version(connection, order.device_id),
        correlation_id=contextvars.get_contextvars().get("correlation_id", ""),
        **fields,
    )
    await add_events(connection, [event])


async def work_orders(
    pool: asyncpg.Pool, principal: Principal, where: WorkOrderFilter, after: str | None, limit: int
) -> WorkOrderPage:
    """Work orders of the workshops the caller works at, the oldest opened first; naming a
    workshop of someone else's is a 404, as for one that does not exist."""
    workshops = principal.scoped_ids("workshop")
    if where.workshop_id is not None:
        await reachable_workshop(pool, principal, where.workshop_id)
        workshops = [where.workshop_id]
    rows = await store.work_orders(
        pool,
        workshops,
        where.state,
        parse_code(where.label) if where.label else None,
        read_cursor(after, datetime.fromisoformat),
        limit + 1,
    )
    orders, next_after = page_of(rows, limit, lambda order: (order.opened_at, order.id))
    return WorkOrderPage(work_orders=orders, next_after=next_after)


async def _order_for(
    connection: asyncpg.Connection, principal: Principal, order_id: uuid.UUID
) -> WorkOrder:
    order = await store.get_work_order(connection, order_id, lock=True)
    if order is None or not principal.may_reach(workshop_scope(order.workshop_id)):
        raise NotFound(f"No work order {order_id} at your workshops.", code="bench.order_not_found")
    return order


async def check_in(pool: asyncpg.Pool, principal: Principal, command: CheckIn) -> WorkOrder:
    """A device scanned in at a workshop: its stay (work order) opens."""
    label = parse_code(command.label)
    async with transaction(pool) as connection:
        workshop = await reachable_workshop(connection, principal, command.workshop_id)
        device = await store.device_by_label(connection, label)
        if device is None:
            raise NotFound(
                f"No collection point has registered the label {format_code(label)} yet; "
                "check the label, or register the device at a collection point first.",
                code="bench.label_unknown",
                label=format_code(label),
            )
        order_id = uuid7()
        if not await store.open_work_order(
            connection, order_id, device["device_id"], command.workshop_id, principal.sub
        ):
            current = await store.open_order_of(connection, device["device_id"])
            where = f" at {current.workshop_name}" if current else ""
            raise Conflict(
                f"The device {format_code(label)} is already checked in{where}.",
                code="bench.checked_in_elsewhere",
                label=format_code(label),
            )
        order = await store.get_work_order(connection, order_id)
        assert order is not None
        await _announce(
            connection,
            order,
            DeviceCheckedIn,
            workshop_id=order.workshop_id,
            workshop_name=workshop,
        )
    return order


async def record_erasure(
    pool: asyncpg.Pool, principal: Principal, order_id: uuid.UUID, erasure: ErasurePreparation
) -> uuid.UUID:
    """An erasure officer records what they erased and how; a second one must validate it."""
    if "erasure_officer" not in principal.roles:
        raise ErasureRefused(
            "Only erasure officers record a certified erasure.", code="bench.officers_only"
        )
    async with transaction(pool) as connection:
        order = await _order_for(connection, principal, order_id)
        check_open(order)
        check_media(order.device_type, tuple(erasure.media), erasure.phone_checklist)
        erasure_id = uuid7()
        await store.insert_erasure(
            connection, erasure_id, order.id, msgspec.to_builtins(erasure), principal.sub
        )
        await audit.record(connection, principal.sub, "erasure.recorded", f"erasure:{erasure_id}")
    return erasure_id


async def validate_erasure(
    pool: asyncpg.Pool, principal: Principal, erasure_id: uuid.UUID, verify_url: str
) -> str:
    """A second erasure officer validates: the certificate is issued; returns its SHA-256."""
    async with transaction(pool) as connection:
        pending = await store.pending_erasure(connection, erasure_id)
        if pending is None:
            raise NotFound(
                f"No erasure {erasure_id} waiting for validation.", code="bench.no_pending"
            )
        order = await _order_for(connection, principal, pending["work_order_id"])
        check_open(order)
        if pending["issued_at"] is not None:
            raise Conflict(
                "This erasure was already validated; its certificate exists.",
                code="bench.already_validated",
            )
        body = msgspec.convert(pending["body"], ErasurePreparation)
        performer = Officer(
            id=pending["performed_by"], name=pending["performed_by"], roles=("erasure_officer",)
        )
        certificate = certify(
            erasure_id,
            order.label,
            order.device_type,
            tuple(body.media),
            body.phone_checklist,
            performer,
            _officer(principal),
            utc_now(),
        )
        pdf = render_certificate(certificate, order.workshop_name, verify_url)
        sha256 = fingerprint(pdf)
        await store.issue_certificate(
            connection, erasure_id, principal.sub, pdf, sha256, certificate.issued_at
        )
        await audit.record(connection, principal.sub, "certificate.issued", f"erasure:{erasure_id}")
        await _announce(connection, order, DeviceErased, certificate_id=erasure_id)
    return sha256


async def state_without_storage(
    pool: asyncpg.Pool, principal: Principal, order_id: uuid.UUID
) -> None:
    """An erasure officer states the device holds no storage at all (a screen, a keyboard)."""
    state_no_storage(_officer(principal))
    async with transaction(pool) as connection:
        order = await _order_for(connection, principal, order_id)
        check_open(order)
        erasure_id = uuid7()
        await store.insert_erasure(
            connection, erasure_id, order.id, {}, principal.sub, no_storage=True
        )
        await store.issue_certificate(connection, erasure_id, principal.sub, None, None, utc_now())
        await audit.record(connection, principal.sub, "no_storage.stated", f"erasure:{erasure_id}")
        await _announce(connection, order, DeviceErased, no_storage=True)


async def grade(
    pool: asyncpg.Pool,
    principal: Principal,
    order_id: uuid.UUID,
    given: GradeGiven,
    thresholds: GradingThresholds,
) -> None:
    """Cosmetic grade, functional tests, battery and specs; a worn battery caps the grade."""
    check_grade(given, thresholds)
    async with transaction(pool) as connection:
        order = await _order_for(connection, principal, order_id)
        check_open(order)
        await store.save_grading(
            connection,
            order.id,
            given.grade,
            given.functional_pass,
            given.battery_health,
            msgspec.to_builtins(given.specs),
            principal.sub,
        )
        await store.add_step_minutes(connection, order.id, given.minutes)
        await _announce(
            connection,
            order,
            DeviceGraded,
            grade=given.grade,
            functional_pass=given.functional_pass,
            specs=given.specs,
        )


async def take(pool: asyncpg.Pool, principal: Principal, order_id: uuid.UUID) -> None:
    """A person takes the work order ("je la prends"): the board shows who works on it (one
    may take over from a colleague)."""
    async with transaction(pool) as connection:
        order = await _order_for(connection, principal, order_id)
        check_open(order)
        await store.assign_work_order(connection, order.id, principal.sub)


async def release(pool: asyncpg.Pool, principal: Principal, order_id: uuid.UUID) -> None:
    async with transaction(pool) as connection:
        order = await _order_for(connection, principal, order_id)
        check_release(order)
        await store.close_work_order(connection, order.id, "released")
        await _announce(connection, order, DeviceReleased)


async def recycle(
    pool: asyncpg.Pool, principal: Principal, order_id: uuid.UUID, recycling: Recycling
) -> None:
    async with transaction(pool) as connection:
        order = await _order_for(connection, principal, order_id)
        check_open(order)
        await store.close_work_order(
            connection, order.id, f"recycled:{recycling.barrier}", recycling.reason
        )
        await _announce(connection, order, DeviceRecycled, reason=recycling.reason)


async def dismantle(
    pool: asyncpg.Pool, principal: Principal, order_id: uuid.UUID, dismantling: Dismantling
) -> None:
    """A device that cannot be reused, taken apart: its parts go to the workshop's parts bin
    and the rest to recycling; only once its data is erased (or it has no storage)."""
    async with transaction(pool) as connection:
        order = await _order_for(connection, principal, order_id)
        check_dismantle(order)
        await store.close_work_order(
            connection, order.id, f"dismantled:{dismantling.barrier}", dismantling.reason
        )
        for part in dismantling.parts:
            await store.add_part(
                connection, uuid7(), order.workshop_id, part, principal.sub, order.id
            )
        await _announce(connection, order, DeviceDismantled)


async def diagnose(
    pool: asyncpg.Pool, principal: Principal, order_id: uuid.UUID, diagnosis: Diagnosis
) -> None:
    """Specs, functional tests and cosmetic notes, before grading (diagnosing again replaces
    the previous diagnosis of this stay)."""
    async with transaction(pool) as connection:
        order = await _order_for(connection, principal, order_id)
        check_open(order)
        await store.save_diagnosis(
            connection, order.id, msgspec.to_builtins(diagnosis), principal.sub
        )
        await store.add_step_minutes(connection, order.id, diagnosis.minutes)
        await _mention(
            connection,
            order,
            DeviceDiagnosed,
            specs=specs_of(diagnosis),
            battery_health=diagnosis.battery_health,
            keyboard_layout=diagnosis.keyboard_layout,
            storage_types=[medium.kind for medium in diagnosis.storage],
            functional_tests=dict(diagnosis.tests),
        )


async def record_repair(
    pool: asyncpg.Pool, principal: Principal, order_id: uuid.UUID, repair: Repair
) -> uuid.UUID:
    """What was done to make the device work, the parts used and the minutes spent; a part
    from the parts bin is taken out of it (refused when the bin has none left)."""
    async with transaction(pool) as connection:
        order = await _order_for(connection, principal, order_id)
        check_open(order)
        for part in repair.parts:
            if part.source == "parts_bin" and not await store.take_part(
                connection, order.workshop_id, part.name
            ):
                raise PartsBinEmpty(part.name)
        repair_id = uuid7()
        await store.insert_repair(
            connection,
            repair_id,
            order.id,
            msgspec.to_builtins(repair),
            repair.minutes,
            principal.sub,
        )
        kinds = list(dict.fromkeys(action.kind for action in repair.actions))
        await _mention(
            connection,
            order,
            DeviceRepaired,
            action_kinds=kinds,
            parts_from_bin=sum(part.source == "parts_bin" for part in repair.parts),
            parts_bought=sum(part.source == "bought" for part in repair.parts),
            minutes=repair.minutes,
        )
    return repair_id


async def workshop_parts(
    pool: asyncpg.Pool, principal: Principal, workshop_id: uuid.UUID
) -> tuple[str, list[Part]]:
    """A workshop's name and the parts in its bin."""
    name = await reachable_workshop(pool, principal, workshop_id)
    return name, await store.parts_in_stock(pool, workshop_id)


async def add_part(
    pool: asyncpg.Pool, principal: Principal, workshop_id: uuid.UUID, part: PartCreate
) -> Part:
    """Parts put in the bin by hand (given, bought in bulk, found in a drawer)."""
    async with transaction(pool) as connection:
        await reachable_workshop(connection, principal, workshop_id)
        return await store.add_part(connection, uuid7(), workshop_id, part, principal.sub)
