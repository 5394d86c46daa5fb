"""Whatever order facts arrive in, no device is ever ready without an erasure and a grade
recorded since it last entered refurbishment (property-based: hypothesis)."""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.inventory.lifecycle.domain import NotYet, State, TransitionRefused
from services.inventory.lifecycle.facts import apply_fact
from services.inventory.lifecycle.intentions import Lifecycle
from shared.contracts.purchase import (
    DeviceHandedOver,
    DeviceReturned,
    ReservationReleased,
    ReservationRequested,
)
from shared.contracts.refurbishment import (
    DeviceCheckedIn,
    DeviceDismantled,
    DeviceErased,
    DeviceGraded,
    DeviceRecycled,
    DeviceReleased,
)
from shared.events import Event

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEVICE = uuid.UUID(int=1)
WORKSHOP = uuid.UUID(int=2)
REQUESTS = (uuid.UUID(int=10), uuid.UUID(int=11))
RETRIES = 8  # as many deliveries as the consumer allows before the dead-letter stream


def fact(kind: str, minute: int, request: int = 0, passed: bool = True) -> Event:
    """A fact about ``DEVICE`` stated ``minute`` minutes after T0."""
    envelope: dict[str, Any] = {
        "producer": "test",
        "aggregate_id": DEVICE,
        "occurred_at": at(minute),
    }
    request_id = REQUESTS[request]
    match kind:
        case "checked_in":
            return DeviceCheckedIn(workshop_id=WORKSHOP, **envelope)
        case "erased":
            return DeviceErased(certificate_id=uuid.uuid4(), **envelope)
        case "erased_without_certificate":
            return DeviceErased(**envelope)
        case "graded":
            return DeviceGraded(grade="B", functional_pass=passed, **envelope)
        case "released":
            return DeviceReleased(**envelope)
        case "recycled":
            return DeviceRecycled(reason="broken screen", **envelope)
        case "dismantled":
            return DeviceDismantled(**envelope)
        case "requested":
            return ReservationRequested(
                request_id=request_id, household_reference="H-1", **envelope
            )
        case "reservation_released":
            return ReservationReleased(request_id=request_id, **envelope)
        case "handed_over":
            return DeviceHandedOver(request_id=request_id, **envelope)
        case "returned":
            return DeviceReturned(**envelope)
    raise ValueError(kind)


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


@dataclass
class Register:
    """The lifecycle of one device, and what the test itself saw applied since the last
    check-in (kept apart from the domain, so the property does not trust its bookkeeping)."""

    lifecycle: Lifecycle
    erased_since_check_in: bool = False
    graded_since_check_in: bool = False

    def apply(self, event: Event) -> None:
        """Apply ``event`` like the consumer does; raises ``NotYet`` to be retried."""
        try:
            if isinstance(event, ReservationRequested):
                after = self.lifecycle.reserve(
                    event.request_id, event.occurred_at, event.occurred_at + timedelta(hours=1)
                )
            else:
                after = apply_fact(self.lifecycle, event)
        except TransitionRefused:
            return  # recorded as rejected, never half-applied: nothing changes
        if isinstance(event, DeviceCheckedIn):
            self.erased_since_check_in = self.graded_since_check_in = False
        elif isinstance(event, DeviceErased):
            self.erased_since_check_in = True
        elif isinstance(event, DeviceGraded):
            self.graded_since_check_in = True
        before, self.lifecycle = self.lifecycle.state, after
        self.check(before)

    def check(self, before: State) -> None:
        device = self.lifecycle
        if device.state is State.READY:
            assert self.erased_since_check_in, "ready without an erasure since the check-in"
            assert self.graded_since_check_in, "ready without a grade since the check-in"
            assert device.erasure is not None and device.grading is not None
            assert device.entered_refurbishment_at is not None
            assert device.erasure.stated_at >= device.entered_refurbishment_at
            assert device.grading.stated_at >= device.entered_refurbishment_at
            assert device.grading.functional_pass
            assert before in (State.IN_REFURBISHMENT, State.RESERVED, State.READY)
        if device.state is State.DELIVERED:
            assert before in (State.RESERVED, State.DELIVERED)


def deliver(events: list[Event]) -> Register:
    """Deliver ``events`` in this order; a fact that must wait is redelivered later."""
    register = Register(Lifecycle(state=State.RECEIVED, state_since=T0))
    queue = deque((event, 1) for event in events)
    while queue:
        event, delivery = queue.popleft()
        try:
            register.apply(event)
        except NotYet:
            if delivery < RETRIES:
                queue.append((event, delivery + 1))
    return register


KINDS = (
    "checked_in",
    "erased",
    "erased_without_certificate",
    "graded",
    "released",
    "recycled",
    "dismantled",
    "requested",
    "reservation_released",
    "handed_over",
    "returned",
)
steps = st.tuples(st.sampled_from(KINDS), st.integers(0, 1), st.booleans())


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(steps, max_size=40))
def test_random_sequences_of_facts_never_make_a_device_ready_without_erasure_and_grade(
    chosen: list[tuple[str, int, bool]],
) -> None:
    deliver(
        [
            fact(kind, minute, request, passed)
            for minute, (kind, request, passed) in enumerate(chosen, start=1)
        ]
    )


JOURNEY = [
    fact("checked_in", 1),
    fact("erased", 2),
    fact("graded", 3),
    fact("released", 4),
    fact("requested", 5, request=0),
    fact("requested", 6, request=1),
    fact("handed_over", 7, request=0),
    fact("returned", 8),
    fact("checked_in", 9),
    fact("graded", 10),
    fact("released", 11),
    fact("erased", 12),
    fact("released", 13),
    fact("requested", 14, request=1),
    fact("reservation_released", 15, request=1),
]


@settings(max_examples=400, deadline=None, database=None)
@given(st.permutations(JOURNEY))
def test_any_order_of_a_two_round_journey_never_makes_a_device_ready_too_early(
    shuffled: list[Event],
) -> None:
    deliver(shuffled)


def test_the_journey_in_its_own_order_ends_ready_after_the_second_round() -> None:
    register = deliver(JOURNEY)
    assert register.lifecycle.state is State.READY
    assert register.lifecycle.entered_refurbishment_at == at(9)
