"""The bench's rules for one device stay (pure): what a work order holds and when it may end."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec

from services.refurbishment.erasure import MediumErasure, PhoneChecklist
from shared.contracts.refurbishment import Grade, SpecsSummary
from shared.errors import Conflict

BarrierCode = Literal[1, 2, 3, 4, 5, 6]  # the Open Repair Data Standard's barriers


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


class Recycling(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    barrier: BarrierCode
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]


class ReleaseRefused(Conflict):
    pass


def check_open(order: WorkOrder) -> None:
    if order.closed:
        raise Conflict("This work order is closed; check the device in again to reopen it.")


def check_release(order: WorkOrder) -> None:
    """A device leaves as ready only with a certificate (or no-storage statement), a grade
    and a passed functional test: no exception, no override."""
    check_open(order)
    missing = [
        what
        for what, done in (
            ("an erasure certificate validated by a second erasure officer", order.erased),
            ("a grade", order.graded),
        )
        if not done
    ]
    if missing:
        raise ReleaseRefused(
            "This device cannot be released yet: it needs " + " and ".join(missing) + "."
        )
    if not order.functional_pass:
        raise ReleaseRefused(
            "This device failed its functional tests: repair it and grade it again, or send "
            "it to parts or recycling."
        )
