"""The bench's rules for one device stay (pure): what a work order holds and when it may end."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from services.refurbishment.erasure.domain import MediumErasure, PhoneChecklist
from services.refurbishment.parts.domain import PartCreate
from shared.contracts.refurbishment import Grade, SpecsSummary
from shared.errors import Conflict, DomainError

BarrierCode = Literal[1, 2, 3, 4, 5, 6]  # the Open Repair Data Standard's barriers
WorkOrderState = Literal["open", "released", "recycled", "dismantled"]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=10_000)]


class WorkOrder(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    device_id: uuid.UUID
    label: str
    device_type: str
    workshop_id: uuid.UUID
    workshop_name: str
    erased: bool
    graded: bool
    functional_pass: bool
    closed: bool
    state: WorkOrderState
    opened_at: datetime
    assigned_to: str | None = None
    minutes_spent: int = 0


Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]


class WorkshopCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    commune: Annotated[str, msgspec.Meta(max_length=100)] = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class Workshop(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    commune: str
    latitude: float | None = None
    longitude: float | None = None


class WorkOrderFilter(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    state: WorkOrderState | None = None
    workshop_id: uuid.UUID | None = None
    label: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class WorkOrderPage(msgspec.Struct, frozen=True, kw_only=True):
    work_orders: list[WorkOrder]
    next_after: str | None
    """Pass it as ``after`` for the next page."""


class CheckIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    workshop_id: uuid.UUID
    label: str


class ErasurePreparation(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    media: Annotated[list[MediumErasure], msgspec.Meta(min_length=1)]
    phone_checklist: PhoneChecklist | None = None


class GradeGiven(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    grade: Grade
    functional_pass: bool
    battery_health: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    specs: SpecsSummary = msgspec.field(default_factory=SpecsSummary)
    minutes: Minutes | None = None  # time spent grading (added to the work order's time)


class Recycling(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    barrier: BarrierCode
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]


class Dismantling(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A device that cannot be reused, taken apart: the parts kept go to the workshop's parts
    bin, the rest is recycled, with the reason (an Open Repair Data Standard barrier)."""

    barrier: BarrierCode
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]
    parts: Annotated[list[PartCreate], msgspec.Meta(max_length=30)] = msgspec.field(
        default_factory=list
    )


class GradingThresholds(msgspec.Struct, frozen=True, kw_only=True):
    """Battery health (percent) under which a device is not graded A, and under which it
    cannot pass its functional tests: workshop policy, set in the configuration."""

    grade_a_min_battery: int = 80
    release_min_battery: int = 50


class GradeRefused(DomainError):
    pass


class ReleaseRefused(Conflict):
    pass


class DismantleRefused(Conflict):
    pass


def check_open(order: WorkOrder) -> None:
    if order.closed:
        raise Conflict(
            "This work order is closed; check the device in again to reopen it.",
            code="bench.closed",
        )


def check_release(order: WorkOrder) -> None:
    """A device leaves as ready only with a certificate (or no-storage statement), a grade
    and a passed functional test: no exception, no override."""
    check_open(order)
    missing = [
        (what, code)
        for what, code, done in (
            (
                "an erasure certificate validated by a second erasure officer",
                "certificate",
                order.erased,
            ),
            ("a grade", "grade", order.graded),
        )
        if not done
    ]
    if missing:
        raise ReleaseRefused(
            "This device cannot be released yet: it needs "
            + " and ".join(what for what, _ in missing)
            + ".",
            code="bench.release_needs_" + "_and_".join(code for _, code in missing),
        )
    if not order.functional_pass:
        raise ReleaseRefused(
            "This device failed its functional tests: repair it and grade it again, or send "
            "it to parts or recycling.",
            code="bench.failed_tests",
        )


def check_dismantle(order: WorkOrder) -> None:
    """A device is taken apart only once its data is gone: a storage medium may leave the
    workshop as a part, so the rule is the release's, without exception."""
    check_open(order)
    if not order.erased:
        raise DismantleRefused(
            "This device cannot be dismantled yet: it needs an erasure certificate validated "
            "by a second erasure officer, or a statement that it has no storage.",
            code="bench.dismantle_needs",
        )


def check_grade(given: GradeGiven, thresholds: GradingThresholds) -> None:
    """A worn battery caps the grade: no A under one threshold, no passed tests under the
    other (change the battery, then grade again). No battery measured: no cap."""
    battery = given.battery_health
    if battery is None:
        return
    if given.functional_pass and battery < thresholds.release_min_battery:
        raise GradeRefused(
            f"A battery at {battery}% is under the {thresholds.release_min_battery}% a device "
            "needs to pass its tests: change the battery, or record the tests as failed.",
            code="bench.battery_fails",
            battery=battery,
            threshold=thresholds.release_min_battery,
        )
    if given.grade == "A" and battery < thresholds.grade_a_min_battery:
        raise GradeRefused(
            f"A battery at {battery}% is under the {thresholds.grade_a_min_battery}% grade A "
            "needs: grade it B or C, or change the battery.",
            code="bench.battery_not_a",
            battery=battery,
            threshold=thresholds.grade_a_min_battery,
        )
