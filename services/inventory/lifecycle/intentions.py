"""A device's place in its lifecycle and the intentions that move it, with their guards (pure).

``ready`` needs an erasure (a certificate, or no storage stated by an erasure officer) and a
passing grade, both stated since the device last entered refurbishment: a device that comes
back is erased and graded again. One reservation at a time; ``delivered`` only from
``reserved``. Each intention returns a new ``Lifecycle`` or raises ``TransitionRefused``
(never applied) or ``NotYet`` (a fact it depends on has not been applied yet).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from services.inventory.lifecycle.domain import (
    NotYet,
    ReservationRefused,
    State,
    TransitionRefused,
    check_transition,
)

BEFORE_CHECK_IN = frozenset({State.RECEIVED, State.IN_TRANSIT, State.RETURNED})


class Erasure(msgspec.Struct, frozen=True, kw_only=True):
    certificate_id: uuid.UUID | None = None
    no_storage: bool = False
    stated_at: datetime


class Grading(msgspec.Struct, frozen=True, kw_only=True):
    grade: str
    functional_pass: bool
    stated_at: datetime


class Reservation(msgspec.Struct, frozen=True, kw_only=True):
    request_id: uuid.UUID
    expires_at: datetime


class Lifecycle(msgspec.Struct, frozen=True, kw_only=True):
    state: State
    state_since: datetime
    entered_refurbishment_at: datetime | None = None
    erasure: Erasure | None = None
    grading: Grading | None = None
    reservation: Reservation | None = None

    def _become(self, target: State, at: datetime, **changes: object) -> Lifecycle:
        check_transition(self.state, target)
        return msgspec.structs.replace(self, state=target, state_since=at, **changes)

    # refurbishment

    def check_in(self, at: datetime) -> Lifecycle:
        """Enter refurbishment: whatever was erased or graded before no longer counts."""
        if self.state is State.RETURNED and at < self.state_since:
            raise TransitionRefused(
                "This check-in was stated before the device was returned: "
                "it belongs to an earlier refurbishment.",
                code="device.earlier_return",
            )
        return self._become(
            State.IN_REFURBISHMENT, at, entered_refurbishment_at=at, erasure=None, grading=None
        )

    def erase(self, erasure: Erasure) -> Lifecycle:
        self._require_refurbishment("an erasure", erasure.stated_at)
        if erasure.certificate_id is None and not erasure.no_storage:
            raise TransitionRefused(
                "An erasure needs a certificate, or an erasure officer's statement "
                "that the device has no storage.",
                code="device.erasure_unproved",
            )
        return msgspec.structs.replace(self, erasure=erasure)

    def grade(self, grading: Grading) -> Lifecycle:
        self._require_refurbishment("a grade", grading.stated_at)
        return msgspec.structs.replace(self, grading=grading)

    def release(self, at: datetime) -> Lifecycle:
        """Ready for a second life: only erased and graded (passing) since the last check-in."""
        self._require_refurbishment("a release", at)
        if self.erasure is None:
            raise TransitionRefused(
                "The device cannot be ready: no erasure certificate (nor no-storage statement) "
                "was recorded since it entered refurbishment.",
                code="device.ready_needs_erasure",
            )
        if self.grading is None:
            raise TransitionRefused(
                "The device cannot be ready: no grade was recorded since it entered refurbishment.",
                code="device.ready_needs_grade",
            )
        if not self.grading.functional_pass:
            raise TransitionRefused(
                "The device cannot be ready: it failed its functional test.",
                code="device.ready_failed_tests",
            )
        return self._become(State.READY, at)

    def dismantle(self, at: datetime) -> Lifecycle:
        if self.state in BEFORE_CHECK_IN:
            raise NotYet(f"the device is {self.state}: its check-in has not been applied yet")
        return self._become(State.DISMANTLED, at)

    def recycle(self, at: datetime) -> Lifecycle:
        return self._become(State.RECYCLED, at)

    def _require_refurbishment(self, what: str, stated_at: datetime) -> None:
        if self.state in BEFORE_CHECK_IN:
            raise NotYet(f"the device is {self.state}: its check-in has not been applied yet")
        if self.state is not State.IN_REFURBISHMENT:
            raise TransitionRefused(
                f"The device is {self.state}, not in refurbishment: {what} cannot apply to it.",
                code="device.not_in_refurbishment",
                state=self.state,
            )
        assert self.entered_refurbishment_at is not None
        if stated_at < self.entered_refurbishment_at:
            raise TransitionRefused(
                f"This is {what} stated before the device's last check-in: "
                "it belongs to an earlier refurbishment.",
                code="device.earlier_refurbishment",
            )

    # reservations and hand-over

    def reserve(self, request_id: uuid.UUID, at: datetime, expires_at: datetime) -> Lifecycle:
        if self.state is State.RESERVED:
            raise ReservationRefused(
                "The device is already reserved for another request.",
                code="device.already_reserved",
            )
        if self.state is not State.READY:
            raise ReservationRefused(
                f"The device is not ready to be reserved: it is {self.state}.",
                code="device.not_ready",
                state=self.state,
            )
        return self._become(
            State.RESERVED,
            at,
            reservation=Reservation(request_id=request_id, expires_at=expires_at),
        )

    def cancel_reservation(self, request_id: uuid.UUID, at: datetime) -> Lifecycle:
        self._require_reservation_of(request_id, "Only a reserved device can be released")
        return self._become(State.READY, at, reservation=None)

    def expire_reservation(self, now: datetime) -> Lifecycle | None:
        """The device ready again once its reservation's time is up; None while it runs."""
        if self.reservation is None or now < self.reservation.expires_at:
            return None
        return self._become(State.READY, now, reservation=None)

    def hand_over(self, request_id: uuid.UUID, at: datetime) -> Lifecycle:
        self._require_reservation_of(
            request_id, "A device can be handed over only while it is reserved"
        )
        return self._become(State.DELIVERED, at, reservation=None)

    def take_back(self, at: datetime) -> Lifecycle:
        """A household brought the device back: it must go through refurbishment again."""
        if self.state in (State.READY, State.RESERVED):
            raise NotYet(f"the device is {self.state}: its hand-over has not been applied yet")
        return self._become(State.RETURNED, at)

    def _require_reservation_of(self, request_id: uuid.UUID, refusal: str) -> None:
        if self.state is not State.RESERVED or self.reservation is None:
            raise TransitionRefused(
                f"{refusal}; it is {self.state}.", code="device.not_reserved", state=self.state
            )
        if self.reservation.request_id != request_id:
            raise TransitionRefused(
                "The device is reserved for another request.", code="device.reserved_for_another"
            )
