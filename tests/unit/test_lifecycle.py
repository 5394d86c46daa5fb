"""Every transition of the device lifecycle and every guard, on the pure domain."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.inventory.lifecycle.domain import (
    TRANSITIONS,
    Device,
    HistoryEntry,
    IllegalTransition,
    NotYet,
    ReservationRefused,
    State,
    TransitionRefused,
)
from services.inventory.lifecycle.facts import require_in_sequence
from services.inventory.lifecycle.intentions import Erasure, Grading, Lifecycle

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def certified(minutes: int = 2) -> Erasure:
    return Erasure(certificate_id=uuid.uuid4(), stated_at=at(minutes))


def graded(minutes: int = 3, grade: str = "B", functional_pass: bool = True) -> Grading:
    return Grading(grade=grade, functional_pass=functional_pass, stated_at=at(minutes))


def received() -> Lifecycle:
    return Lifecycle(state=State.RECEIVED, state_since=T0)


def in_refurbishment() -> Lifecycle:
    return received().check_in(at(1))


def ready() -> Lifecycle:
    return in_refurbishment().erase(certified()).grade(graded()).release(at(4))


def reserved(request_id: uuid.UUID) -> Lifecycle:
    return ready().reserve(request_id, at(5), expires_at=at(60))


def delivered() -> Lifecycle:
    request_id = uuid.uuid4()
    return reserved(request_id).hand_over(request_id, at(10))


def returned() -> Lifecycle:
    return delivered().take_back(at(20))


# The map of the lifecycle


def test_the_transition_map_is_the_lifecycle_of_the_architecture() -> None:
    assert {
        State.RECEIVED: {State.IN_TRANSIT, State.IN_REFURBISHMENT, State.RECYCLED},
        State.IN_TRANSIT: {State.IN_REFURBISHMENT, State.RECYCLED},
        State.IN_REFURBISHMENT: {State.READY, State.RECYCLED, State.DISMANTLED},
        State.READY: {State.RESERVED},
        State.RESERVED: {State.READY, State.DELIVERED},
        State.DELIVERED: {State.RETURNED},
        State.RETURNED: {State.IN_REFURBISHMENT},
        State.RECYCLED: set(),
        State.DISMANTLED: {State.RECYCLED},
    } == TRANSITIONS


def test_an_illegal_transition_names_both_states() -> None:
    refusal = IllegalTransition(State.READY, State.DELIVERED)
    assert str(refusal) == "A device that is ready cannot become delivered."
    assert isinstance(refusal, TransitionRefused)


# Into refurbishment


def test_a_received_device_is_checked_in_straight_into_refurbishment() -> None:
    device = in_refurbishment()
    assert device.state is State.IN_REFURBISHMENT
    assert device.entered_refurbishment_at == at(1)
    assert device.state_since == at(1)


def test_a_device_in_transit_is_checked_in_into_refurbishment() -> None:
    device = Lifecycle(state=State.IN_TRANSIT, state_since=T0).check_in(at(1))
    assert device.state is State.IN_REFURBISHMENT


@pytest.mark.parametrize(
    "state",
    [State.IN_REFURBISHMENT, State.READY, State.RESERVED, State.DELIVERED, State.RECYCLED],
)
def test_a_device_cannot_be_checked_in_from(state: State) -> None:
    with pytest.raises(TransitionRefused, match="cannot become in_refurbishment"):
        Lifecycle(state=state, state_since=T0).check_in(at(1))


def test_a_returned_device_goes_back_into_refurbishment() -> None:
    device = returned().check_in(at(30))
    assert device.state is State.IN_REFURBISHMENT
    assert device.erasure is None
    assert device.grading is None


def test_a_check_in_stated_before_the_return_belongs_to_an_earlier_round_and_is_refused() -> None:
    with pytest.raises(TransitionRefused, match="before the device was returned"):
        returned().check_in(at(15))


# Erasure and grading


def test_an_erasure_and_a_grade_are_recorded_without_changing_the_state() -> None:
    erasure, grading = certified(), graded()
    device = in_refurbishment().erase(erasure).grade(grading)
    assert device.state is State.IN_REFURBISHMENT
    assert device.erasure == erasure
    assert device.grading == grading


def test_an_erasure_officer_may_state_that_a_device_has_no_storage() -> None:
    device = in_refurbishment().erase(Erasure(no_storage=True, stated_at=at(2)))
    assert device.erasure is not None and device.erasure.no_storage


def test_an_erasure_without_certificate_nor_no_storage_statement_is_refused() -> None:
    with pytest.raises(TransitionRefused, match="certificate"):
        in_refurbishment().erase(Erasure(stated_at=at(2)))


def test_an_erasure_stated_before_the_last_check_in_is_refused() -> None:
    device = returned().check_in(at(30))
    with pytest.raises(TransitionRefused, match="before the device's last check-in"):
        device.erase(certified(minutes=2))


def test_a_grade_stated_before_the_last_check_in_is_refused() -> None:
    device = returned().check_in(at(30))
    with pytest.raises(TransitionRefused, match="before the device's last check-in"):
        device.grade(graded(minutes=3))


@pytest.mark.parametrize("state", [State.RECEIVED, State.IN_TRANSIT, State.RETURNED])
def test_workshop_facts_before_the_check_in_wait_for_it(state: State) -> None:
    device = Lifecycle(state=state, state_since=T0)
    for step in (
        lambda: device.erase(certified()),
        lambda: device.grade(graded()),
        lambda: device.release(at(4)),
        lambda: device.dismantle(at(4)),
    ):
        with pytest.raises(NotYet, match="check-in"):
            step()


@pytest.mark.parametrize("state", [State.READY, State.RESERVED, State.DELIVERED, State.RECYCLED])
def test_workshop_facts_after_refurbishment_are_refused(state: State) -> None:
    device = Lifecycle(state=state, state_since=T0)
    with pytest.raises(TransitionRefused, match="not in refurbishment"):
        device.erase(certified())
    with pytest.raises(TransitionRefused, match="not in refurbishment"):
        device.grade(graded())


# Release: the guard that has no exception


def test_a_device_erased_and_graded_is_released_as_ready() -> None:
    device = ready()
    assert device.state is State.READY
    assert device.state_since == at(4)


def test_a_device_cannot_be_released_without_an_erasure_certificate() -> None:
    with pytest.raises(TransitionRefused, match="erasure certificate"):
        in_refurbishment().grade(graded()).release(at(4))


def test_a_device_cannot_be_released_without_a_grade() -> None:
    with pytest.raises(TransitionRefused, match="grade"):
        in_refurbishment().erase(certified()).release(at(4))


def test_a_device_that_failed_its_functional_test_cannot_be_released() -> None:
    device = in_refurbishment().erase(certified()).grade(graded(functional_pass=False))
    with pytest.raises(TransitionRefused, match="functional test"):
        device.release(at(4))


def test_a_returned_device_needs_a_new_erasure_and_grade_before_ready_again() -> None:
    again = returned().check_in(at(30))
    with pytest.raises(TransitionRefused, match="erasure certificate"):
        again.release(at(31))
    with pytest.raises(TransitionRefused, match="erasure certificate"):
        again.grade(graded(minutes=32)).release(at(33))
    renewed = again.erase(certified(minutes=34)).grade(graded(minutes=35)).release(at(36))
    assert renewed.state is State.READY


# End of life


@pytest.mark.parametrize("state", [State.RECEIVED, State.IN_TRANSIT, State.IN_REFURBISHMENT])
def test_a_device_is_recycled_from(state: State) -> None:
    assert Lifecycle(state=state, state_since=T0).recycle(at(5)).state is State.RECYCLED


def test_a_dismantled_device_is_recycled_afterwards() -> None:
    device = in_refurbishment().dismantle(at(2))
    assert device.state is State.DISMANTLED
    assert device.recycle(at(3)).state is State.RECYCLED


@pytest.mark.parametrize("state", [State.READY, State.RESERVED, State.DELIVERED, State.RECYCLED])
def test_a_device_cannot_be_recycled_from(state: State) -> None:
    with pytest.raises(TransitionRefused, match="cannot become recycled"):
        Lifecycle(state=state, state_since=T0).recycle(at(5))


# Reservations


def test_a_ready_device_is_reserved_for_one_request() -> None:
    request_id = uuid.uuid4()
    device = reserved(request_id)
    assert device.state is State.RESERVED
    assert device.reservation is not None
    assert device.reservation.request_id == request_id
    assert device.reservation.expires_at == at(60)


def test_a_reserved_device_is_refused_to_a_second_request() -> None:
    device = reserved(uuid.uuid4())
    with pytest.raises(ReservationRefused, match="already reserved"):
        device.reserve(uuid.uuid4(), at(6), expires_at=at(61))


@pytest.mark.parametrize("state", [State.IN_REFURBISHMENT, State.DELIVERED, State.RECYCLED])
def test_a_device_that_is_not_ready_cannot_be_reserved(state: State) -> None:
    with pytest.raises(ReservationRefused, match="not ready"):
        Lifecycle(state=state, state_since=T0).reserve(uuid.uuid4(), at(6), expires_at=at(7))


def test_a_released_reservation_makes_the_device_ready_again() -> None:
    request_id = uuid.uuid4()
    device = reserved(request_id).cancel_reservation(request_id, at(7))
    assert device.state is State.READY
    assert device.reservation is None
    assert device.erasure is not None and device.grading is not None


def test_only_the_request_holding_the_reservation_can_release_it() -> None:
    with pytest.raises(TransitionRefused, match="another request"):
        reserved(uuid.uuid4()).cancel_reservation(uuid.uuid4(), at(7))


def test_a_reservation_expires_only_once_its_time_is_up() -> None:
    device = reserved(uuid.uuid4())
    assert device.expire_reservation(at(59)) is None
    expired = device.expire_reservation(at(60))
    assert expired is not None
    assert expired.state is State.READY
    assert expired.reservation is None


# Hand-over and return


def test_a_reserved_device_is_handed_over_to_its_request() -> None:
    assert delivered().state is State.DELIVERED


def test_a_device_is_delivered_only_from_reserved() -> None:
    with pytest.raises(TransitionRefused, match="only while it is reserved"):
        ready().hand_over(uuid.uuid4(), at(10))


def test_a_device_reserved_for_another_request_cannot_be_handed_over() -> None:
    with pytest.raises(TransitionRefused, match="another request"):
        reserved(uuid.uuid4()).hand_over(uuid.uuid4(), at(10))


def test_a_delivered_device_is_returned() -> None:
    assert returned().state is State.RETURNED


@pytest.mark.parametrize("state", [State.READY, State.RESERVED])
def test_a_return_before_the_hand_over_is_applied_waits_for_it(state: State) -> None:
    with pytest.raises(NotYet, match="hand-over"):
        Lifecycle(state=state, state_since=T0).take_back(at(20))


@pytest.mark.parametrize("state", [State.IN_REFURBISHMENT, State.RETURNED, State.RECYCLED])
def test_a_device_that_was_never_delivered_cannot_be_returned(state: State) -> None:
    with pytest.raises(TransitionRefused, match="cannot become returned"):
        Lifecycle(state=state, state_since=T0).take_back(at(20))


# Workshop facts numbered by their producer


def test_a_workshop_fact_whose_predecessor_was_not_seen_waits_for_it() -> None:
    require_in_sequence(seen=2, number=3)
    require_in_sequence(seen=2, number=2)  # seen again: the lifecycle decides
    with pytest.raises(NotYet, match="workshop fact 3"):
        require_in_sequence(seen=2, number=4)


def test_unnumbered_workshop_facts_are_taken_as_they_come() -> None:
    require_in_sequence(seen=0, number=1)
    require_in_sequence(seen=5, number=1)


def test_the_passport_timeline_shows_each_state_once_not_every_workshop_fact() -> None:
    def entry(state: State, subject: str, minute: int) -> HistoryEntry:
        return HistoryEntry(
            at=at(minute),
            state=state,
            subject=subject,
            producer="",
            place_name="",
            correlation_id="",
        )

    steps = [
        entry(State.RECEIVED, "collection.device.received", 0),
        entry(State.IN_REFURBISHMENT, "refurbishment.device.checked_in", 1),
        entry(State.IN_REFURBISHMENT, "refurbishment.device.erased", 2),
        entry(State.READY, "refurbishment.device.released", 3),
    ]
    device = Device(
        id=uuid.uuid4(),
        code="K7Q2M9XBA",
        code_display="K7Q2-M9XB-A",
        device_type="laptop",
        state=State.READY,
        version=4,
        registered_at=T0,
        state_since=at(3),
        history=steps,
    )
    assert [step.subject for step in device.stages()] == [
        "collection.device.received",
        "refurbishment.device.checked_in",
        "refurbishment.device.released",
    ]
