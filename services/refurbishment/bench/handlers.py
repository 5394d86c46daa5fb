"""Use cases of the bench, each given a unit of work: one transaction, the facts announced
through the outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

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
    Workshop,
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
    erasure_training,
    state_no_storage,
)
from services.refurbishment.parts.domain import Part, PartCreate, PartsBinEmpty
from services.refurbishment.store import BenchStore
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
    WorkshopRegistered,
)
from shared.errors import Conflict, DomainError, NotFound
from shared.events import Event, uuid7
from shared.labels import format_code, parse_code
from shared.listing import page_of, read_cursor
from shared.logging import contextvars
from shared.trainings import local_day
from shared.uow import UnitOfWork, Work

PRODUCER = "refurbishment"


def workshop_scope(workshop_id: uuid.UUID) -> str:
    return f"workshop:{workshop_id}"


async def reachable_workshop(
    store: BenchStore, principal: Principal, workshop_id: uuid.UUID
) -> str:
    """The workshop's name; one the caller does not work at does not exist (404, not 403)."""
    name = await store.workshop_name(workshop_id)
    if name is None or not principal.may_reach(workshop_scope(workshop_id)):
        raise NotFound(f"No workshop {workshop_id} that you work at.", code="workshop.not_yours")
    return name


def _officer(principal: Principal, training: str = "") -> Officer:
    return Officer(
        id=principal.sub, name=principal.sub, roles=tuple(principal.roles), training=training
    )


async def _trained(work: Work[BenchStore], principal: Principal) -> str:
    """The reference of the caller's erasure training valid today (Paris), or the refusal."""
    trainings = await work.store.erasure_trainings_of(principal.sub)
    return erasure_training(principal.sub, trainings, local_day(work.now())).reference


async def _announce(
    work: Work[BenchStore], order: WorkOrder, event_type: type[Event], **fields: Any
) -> None:
    event = event_type(
        producer=PRODUCER,
        aggregate_id=order.device_id,
        aggregate_version=await work.store.next_event_version(order.device_id),
        correlation_id=contextvars.get_contextvars().get("correlation_id", ""),
        **fields,
    )
    await work.announce(event)


async def _mention(
    work: Work[BenchStore], order: WorkOrder, event_type: type[Event], **fields: Any
) -> None:
    """Announce a fact that changes no lifecycle state (a diagnosis, a repair). It carries
    the number of the last lifecycle fact instead of taking the next one: inventory numbers
    the lifecycle facts 1, 2, 3… and waits for any missing one, so a fact it does not apply
    must leave no gap."""
    event = event_type(
        producer=PRODUCER,
        aggregate_id=order.device_id,
        aggregate_version=await work.store.last_event_version(order.device_id),
        correlation_id=contextvars.get_contextvars().get("correlation_id", ""),
        **fields,
    )
    await work.announce(event)


async def work_orders(
    store: BenchStore, principal: Principal, where: WorkOrderFilter, after: str | None, limit: int
) -> WorkOrderPage:
    """Work orders of the workshops the caller works at, the oldest opened first; naming a
    workshop of someone else's is a 404, as for one that does not exist."""
    workshops = principal.scoped_ids("workshop")
    if where.workshop_id is not None:
        await reachable_workshop(store, principal, where.workshop_id)
        workshops = [where.workshop_id]
    rows = await store.work_orders(
        workshops,
        where.state,
        parse_code(where.label) if where.label else None,
        read_cursor(after, datetime.fromisoformat),
        limit + 1,
    )
    orders, next_after = page_of(rows, limit, lambda order: (order.opened_at, order.id))
    return WorkOrderPage(work_orders=orders, next_after=next_after)


async def _order_for(store: BenchStore, principal: Principal, order_id: uuid.UUID) -> WorkOrder:
    order = await store.get_work_order(order_id, lock=True)
    if order is None or not principal.may_reach(workshop_scope(order.workshop_id)):
        raise NotFound(f"No work order {order_id} at your workshops.", code="bench.order_not_found")
    return order


async def check_in(
    uow: UnitOfWork[BenchStore], principal: Principal, command: CheckIn
) -> WorkOrder:
    """A device scanned in at a workshop: its stay (work order) opens."""
    async with uow.begin() as work:
        return await open_stay(work, principal, command)


async def open_stay(work: Work[BenchStore], principal: Principal, command: CheckIn) -> WorkOrder:
    """The check-in, inside a transaction already open (a shipment's receipt notes it too)."""
    label = parse_code(command.label)
    workshop = await reachable_workshop(work.store, principal, command.workshop_id)
    device = await work.store.device_by_label(label)
    if device is None:
        raise NotFound(
            f"No collection point has registered the label {format_code(label)} yet; "
            "check the label, or register the device at a collection point first.",
            code="bench.label_unknown",
            label=format_code(label),
        )
    order_id = uuid7()
    if not await work.store.open_work_order(
        order_id, device["device_id"], command.workshop_id, principal.sub
    ):
        current = await work.store.open_order_of(device["device_id"])
        where = f" at {current.workshop_name}" if current else ""
        raise Conflict(
            f"The device {format_code(label)} is already checked in{where}.",
            code="bench.checked_in_elsewhere",
            label=format_code(label),
        )
    order = await work.store.get_work_order(order_id)
    assert order is not None
    await _announce(
        work, order, DeviceCheckedIn, workshop_id=order.workshop_id, workshop_name=workshop
    )
    return order


async def open_order_here(
    store: BenchStore, label: str, workshop_id: uuid.UUID
) -> WorkOrder | None:
    """The open work order of the device labelled ``label`` if it is at this workshop."""
    device = await store.device_by_label(parse_code(label))
    if device is None:
        return None
    order = await store.open_order_of(device["device_id"])
    return order if order is not None and order.workshop_id == workshop_id else None


async def record_erasure(
    uow: UnitOfWork[BenchStore],
    principal: Principal,
    order_id: uuid.UUID,
    erasure: ErasurePreparation,
) -> uuid.UUID:
    """An erasure officer records what they erased and how; a second one must validate it."""
    if "erasure_officer" not in principal.roles:
        raise ErasureRefused(
            "Only erasure officers record a certified erasure.", code="bench.officers_only"
        )
    async with uow.begin() as work:
        order = await _order_for(work.store, principal, order_id)
        check_open(order)
        check_media(order.device_type, tuple(erasure.media), erasure.phone_checklist)
        training = await _trained(work, principal)
        erasure_id = uuid7()
        await work.store.insert_erasure(
            erasure_id, order.id, msgspec.to_builtins(erasure), principal.sub, training=training
        )
        await work.audit(principal.sub, "erasure.recorded", f"erasure:{erasure_id}")
    return erasure_id


async def validate_erasure(
    uow: UnitOfWork[BenchStore], principal: Principal, erasure_id: uuid.UUID, verify_url: str
) -> str:
    """A second erasure officer validates: the certificate is issued; returns its SHA-256."""
    async with uow.begin() as work:
        pending = await work.store.pending_erasure(erasure_id)
        if pending is None:
            raise NotFound(
                f"No erasure {erasure_id} waiting for validation.", code="bench.no_pending"
            )
        order = await _order_for(work.store, principal, pending["work_order_id"])
        check_open(order)
        if pending["issued_at"] is not None:
            raise Conflict(
                "This erasure was already validated; its certificate exists.",
                code="bench.already_validated",
            )
        body = msgspec.convert(pending["body"], ErasurePreparation)
        performer = Officer(
            id=pending["performed_by"],
            name=pending["performed_by"],
            roles=("erasure_officer",),
            training=pending["performer_training"] or "",
        )
        validator = _officer(principal)
        if validator.is_erasure_officer and validator.id != performer.id:
            validator = _officer(principal, await _trained(work, principal))
        certificate = certify(
            erasure_id,
            order.label,
            order.device_type,
            tuple(body.media),
            body.phone_checklist,
            performer,
            validator,
            work.now(),
        )
        pdf = render_certificate(certificate, order.workshop_name, verify_url)
        sha256 = fingerprint(pdf)
        await work.store.issue_certificate(
            erasure_id, principal.sub, pdf, sha256, certificate.issued_at, validator.training
        )
        await work.audit(principal.sub, "certificate.issued", f"erasure:{erasure_id}")
        await _announce(work, order, DeviceErased, certificate_id=erasure_id)
    return sha256


async def state_without_storage(
    uow: UnitOfWork[BenchStore], principal: Principal, order_id: uuid.UUID
) -> None:
    """An erasure officer states the device holds no storage at all (a screen, a keyboard)."""
    state_no_storage(_officer(principal))
    async with uow.begin() as work:
        order = await _order_for(work.store, principal, order_id)
        check_open(order)
        training = await _trained(work, principal)
        erasure_id = uuid7()
        await work.store.insert_erasure(
            erasure_id, order.id, {}, principal.sub, no_storage=True, training=training
        )
        await work.store.issue_certificate(
            erasure_id, principal.sub, None, None, work.now(), training
        )
        await work.audit(principal.sub, "no_storage.stated", f"erasure:{erasure_id}")
        await _announce(work, order, DeviceErased, no_storage=True)


async def grade(
    uow: UnitOfWork[BenchStore],
    principal: Principal,
    order_id: uuid.UUID,
    given: GradeGiven,
    thresholds: GradingThresholds,
) -> None:
    """Cosmetic grade, functional tests, battery and specs; a worn battery caps the grade."""
    check_grade(given, thresholds)
    async with uow.begin() as work:
        order = await _order_for(work.store, principal, order_id)
        check_open(order)
        await work.store.save_grading(
            order.id,
            given.grade,
            given.functional_pass,
            given.battery_health,
            msgspec.to_builtins(given.specs),
            principal.sub,
        )
        await work.store.add_step_minutes(order.id, given.minutes)
        await _announce(
            work,
            order,
            DeviceGraded,
            grade=given.grade,
            functional_pass=given.functional_pass,
            specs=given.specs,
        )


async def take(uow: UnitOfWork[BenchStore], principal: Principal, order_id: uuid.UUID) -> None:
    """A person takes the work order ("je la prends"): the board shows who works on it (one
    may take over from a colleague)."""
    async with uow.begin() as work:
        order = await _order_for(work.store, principal, order_id)
        check_open(order)
        await work.store.assign_work_order(order.id, principal.sub)


async def release(uow: UnitOfWork[BenchStore], principal: Principal, order_id: uuid.UUID) -> None:
    async with uow.begin() as work:
        order = await _order_for(work.store, principal, order_id)
        check_release(order)
        await work.store.close_work_order(order.id, "released")
        await _announce(work, order, DeviceReleased)


async def recycle(
    uow: UnitOfWork[BenchStore], principal: Principal, order_id: uuid.UUID, recycling: Recycling
) -> None:
    async with uow.begin() as work:
        order = await _order_for(work.store, principal, order_id)
        check_open(order)
        await work.store.close_work_order(
            order.id, f"recycled:{recycling.barrier}", recycling.reason
        )
        await _announce(work, order, DeviceRecycled, reason=recycling.reason)


async def dismantle(
    uow: UnitOfWork[BenchStore], principal: Principal, order_id: uuid.UUID, dismantling: Dismantling
) -> None:
    """A device that cannot be reused, taken apart: its parts go to the workshop's parts bin
    and the rest to recycling; only once its data is erased (or it has no storage)."""
    async with uow.begin() as work:
        order = await _order_for(work.store, principal, order_id)
        check_dismantle(order)
        await work.store.close_work_order(
            order.id, f"dismantled:{dismantling.barrier}", dismantling.reason
        )
        for part in dismantling.parts:
            await work.store.add_part(uuid7(), order.workshop_id, part, principal.sub, order.id)
        await _announce(work, order, DeviceDismantled)


async def diagnose(
    uow: UnitOfWork[BenchStore], principal: Principal, order_id: uuid.UUID, diagnosis: Diagnosis
) -> None:
    """Specs, functional tests and cosmetic notes, before grading (diagnosing again replaces
    the previous diagnosis of this stay)."""
    async with uow.begin() as work:
        order = await _order_for(work.store, principal, order_id)
        check_open(order)
        await work.store.save_diagnosis(order.id, msgspec.to_builtins(diagnosis), principal.sub)
        await work.store.add_step_minutes(order.id, diagnosis.minutes)
        await _mention(
            work,
            order,
            DeviceDiagnosed,
            specs=specs_of(diagnosis),
            battery_health=diagnosis.battery_health,
            keyboard_layout=diagnosis.keyboard_layout,
            storage_types=[medium.kind for medium in diagnosis.storage],
            functional_tests=dict(diagnosis.tests),
        )


async def record_repair(
    uow: UnitOfWork[BenchStore], principal: Principal, order_id: uuid.UUID, repair: Repair
) -> uuid.UUID:
    """What was done to make the device work, the parts used and the minutes spent; a part
    from the parts bin is taken out of it (refused when the bin has none left)."""
    async with uow.begin() as work:
        order = await _order_for(work.store, principal, order_id)
        check_open(order)
        for part in repair.parts:
            if part.source == "parts_bin" and not await work.store.take_part(
                order.workshop_id, part.name
            ):
                raise PartsBinEmpty(part.name)
        repair_id = uuid7()
        await work.store.insert_repair(
            repair_id,
            order.id,
            msgspec.to_builtins(repair),
            repair.minutes,
            principal.sub,
        )
        kinds = list(dict.fromkeys(action.kind for action in repair.actions))
        await _mention(
            work,
            order,
            DeviceRepaired,
            action_kinds=kinds,
            parts_from_bin=sum(part.source == "parts_bin" for part in repair.parts),
            parts_bought=sum(part.source == "bought" for part in repair.parts),
            minutes=repair.minutes,
        )
    return repair_id


async def workshop_parts(
    store: BenchStore, principal: Principal, workshop_id: uuid.UUID
) -> tuple[str, list[Part]]:
    """A workshop's name and the parts in its bin."""
    name = await reachable_workshop(store, principal, workshop_id)
    return name, await store.parts_in_stock(workshop_id)


async def add_part(
    uow: UnitOfWork[BenchStore], principal: Principal, workshop_id: uuid.UUID, part: PartCreate
) -> Part:
    """Parts put in the bin by hand (given, bought in bulk, found in a drawer)."""
    async with uow.begin() as work:
        await reachable_workshop(work.store, principal, workshop_id)
        return await work.store.add_part(uuid7(), workshop_id, part, principal.sub)


async def register_workshop(uow: UnitOfWork[BenchStore], workshop: Workshop) -> None:
    """Save the workshop and tell the other services where it is."""
    if (workshop.latitude is None) != (workshop.longitude is None):
        raise DomainError(
            "Give both latitude and longitude, or neither.", code="places.coordinates"
        )
    async with uow.begin() as work:
        await work.store.upsert_workshop(
            workshop.id, workshop.name, workshop.commune, workshop.latitude, workshop.longitude
        )
        await work.announce(
            WorkshopRegistered(
                producer=PRODUCER,
                aggregate_id=workshop.id,
                workshop_name=workshop.name,
                commune=workshop.commune,
                latitude=workshop.latitude,
                longitude=workshop.longitude,
            )
        )


async def read_certificate(
    uow: UnitOfWork[BenchStore], principal: Principal, erasure_id: uuid.UUID
) -> bytes:
    """An erasure certificate's PDF, its reading written in the audit trail."""
    async with uow.begin() as work:
        row = await work.store.certificate_pdf(erasure_id)
        if (
            row is None
            or row["certificate_pdf"] is None
            or not principal.may_reach(workshop_scope(row["workshop_id"]))
        ):
            raise NotFound(
                f"No certificate {erasure_id} at your workshops.", code="certificate.not_found"
            )
        await work.audit(principal.sub, "certificate.read", f"erasure:{erasure_id}")
    pdf: bytes = row["certificate_pdf"]
    return pdf
