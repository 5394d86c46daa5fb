"""Inventory's use cases without PostgreSQL: the facts of other services applied to the register
through the lifecycle, reservations answered and lapsing, each in a fake unit of work — what
the register then holds, what it announced, and that a refusal or a wait announces nothing.

The lifecycle's rules themselves are in test_lifecycle*.py; these tests are about what the
use cases add around them: the device locked and saved, its history, its place, the facts
taken in their workshop's order, refusals kept for coordinators, reservations' answers."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from services.inventory.lifecycle.handlers import (
    apply_device_fact,
    register_received_device,
    register_received_devices,
)
from services.inventory.lifecycle.purchases import register_purchased_device
from services.inventory.lifecycle.shipments import apply_shipment
from services.inventory.reservations.handlers import RESERVATION_HOURS, answer_reservation_request
from services.inventory.reservations.jobs import expire_due
from shared.bus import RetryLater
from shared.contracts.collection import ShipmentDispatched, ShippedDevice
from shared.contracts.inventory import (
    DeviceAvailable,
    DeviceStateChanged,
    ReservationConfirmed,
    ReservationExpired,
    ReservationRejected,
)
from shared.contracts.purchase import (
    DeviceHandedOver,
    DeviceReturned,
    PurchasedDeviceReceived,
    ReservationReleased,
)
from shared.contracts.refurbishment import DeviceErased, DeviceGraded
from shared.events import Event, utc_now
from tests.support.fakes.inventory import FakeLifecycleStore
from tests.support.register import POINT, WORKSHOP, Donation
from tests.support.uow import FakeClock, FakeUnitOfWork

Register = FakeUnitOfWork[FakeLifecycleStore]
UseCase = Callable[..., Awaitable[None]]


@pytest.fixture
def register() -> Register:
    return FakeUnitOfWork(FakeLifecycleStore(), FakeClock(utc_now()))


async def apply(register: Register, *events: Event, use_case: UseCase = apply_device_fact) -> None:
    """Each event in its own transaction, as the consumer applies them."""
    for event in events:
        async with register.begin() as work:
            await use_case(work, event)


async def received(register: Register, donation: Donation) -> None:
    await apply(register, donation.received(), use_case=register_received_device)


async def ready(register: Register, donation: Donation) -> None:
    await received(register, donation)
    await apply(
        register, donation.checked_in(), donation.erased(), donation.graded(), donation.released()
    )


async def reserved(register: Register) -> tuple[Donation, uuid.UUID]:
    """A ready device, and the request it was then reserved for."""
    donation, request_id = Donation(), uuid.uuid4()
    await ready(register, donation)
    await apply(register, donation.requested(request_id), use_case=answer_reservation_request)
    return donation, request_id


def state(register: Register, donation: Donation) -> str:
    return register.store.devices[donation.id].lifecycle.state.value


def changes(register: Register) -> list[tuple[str, str]]:
    return [
        (event.from_state, event.to_state)  # type: ignore[attr-defined]
        for event in register.announced(DeviceStateChanged)
    ]


async def refused_without_trace(register: Register, event: Event) -> None:
    """``event`` waits (retried later): nothing of it is kept and nothing announced."""
    before = (len(register.events), register.commits, register.rollbacks)
    with pytest.raises(RetryLater):
        await apply(register, event)
    assert (len(register.events), register.commits, register.rollbacks) == (
        before[0],
        before[1],
        before[2] + 1,
    )


# registration


async def test_a_device_received_at_a_collection_point_enters_the_register_received(
    register: Register,
) -> None:
    donation = Donation()
    await received(register, donation)

    device = register.store.devices[donation.id]
    assert (device.label, device.lifecycle.state.value, device.place_name) == (
        donation.label,
        "received",
        POINT,
    )
    [entry] = register.store.history[donation.id]
    assert (entry.state.value, entry.subject, entry.place_name) == (
        "received",
        "collection.device.received",
        POINT,
    )
    [announced] = register.store.written_with_registrations  # in the registering statement
    assert isinstance(announced, DeviceStateChanged)
    assert (announced.aggregate_id, announced.to_state, announced.label) == (
        donation.id,
        "received",
        donation.label,
    )


async def test_a_device_or_a_label_registered_twice_is_left_as_it_was(register: Register) -> None:
    first, namesake = Donation(), Donation()
    namesake.label = first.label
    again = first.received()
    async with register.begin() as work:
        await register_received_devices(work, [first.received(), again, namesake.received()])
    async with register.begin() as work:
        await register_received_devices(work, [again])

    assert list(register.store.devices) == [first.id]
    assert len(register.store.history[first.id]) == 1
    assert len(register.store.written_with_registrations) == 1


# the workshop's facts


async def test_a_device_checked_in_erased_graded_and_released_is_ready_and_announced_available(
    register: Register,
) -> None:
    donation = Donation()
    await ready(register, donation)

    device = register.store.devices[donation.id]
    assert device.lifecycle.state.value == "ready"
    assert device.place_name == WORKSHOP  # where it was checked in
    assert device.specs["model"] == "ThinkPad T480"  # from its grading
    assert changes(register) == [("received", "in_refurbishment"), ("in_refurbishment", "ready")]
    [available] = register.announced(DeviceAvailable)
    assert isinstance(available, DeviceAvailable)
    assert (available.grade, available.place_name, available.specs.model) == (
        "B",
        WORKSHOP,
        "ThinkPad T480",
    )
    assert available.aggregate_version == register.store.versions[donation.id]
    assert [entry.state.value for entry in register.store.history[donation.id]] == [
        "received",
        "in_refurbishment",
        "in_refurbishment",  # erased
        "in_refurbishment",  # graded
        "ready",
    ]
    assert register.store.rejections == []


async def test_a_fact_about_a_device_not_registered_yet_waits(register: Register) -> None:
    donation = Donation()
    await refused_without_trace(register, donation.checked_in())
    assert register.store.devices == {}


async def test_a_workshop_fact_ahead_of_its_predecessor_waits_for_it_then_applies(
    register: Register,
) -> None:
    donation = Donation()
    await received(register, donation)
    checked_in, erased = donation.checked_in(), donation.erased()

    await refused_without_trace(register, erased)  # number 2, before number 1
    assert state(register, donation) == "received"
    assert register.store.devices[donation.id].lifecycle.erasure is None

    await apply(register, checked_in, erased)
    assert register.store.devices[donation.id].lifecycle.erasure is not None
    assert changes(register) == [("received", "in_refurbishment")]


async def test_a_refused_fact_is_recorded_with_its_code_and_changes_nothing_else(
    register: Register,
) -> None:
    donation = Donation()
    await received(register, donation)
    await apply(register, donation.checked_in())
    release = donation.released()  # nothing erased nor graded since the check-in
    announced = len(register.events)

    await apply(register, release)

    assert state(register, donation) == "in_refurbishment"
    assert len(register.events) == announced
    [rejection] = register.store.rejections
    assert (rejection["event_id"], rejection["state"], rejection["reason_code"]) == (
        release.event_id,
        "in_refurbishment",
        "device.ready_needs_erasure",
    )
    # the refused fact still counts in the workshop's sequence: the next one does not wait
    await apply(register, donation.erased())
    assert register.store.devices[donation.id].lifecycle.erasure is not None


async def test_a_failed_functional_test_keeps_the_device_from_being_ready(
    register: Register,
) -> None:
    donation = Donation()
    await received(register, donation)
    checked_in, erased = donation.checked_in(), donation.erased()  # numbered in this order
    failed = donation.workshop(DeviceGraded, grade="C", functional_pass=False)
    await apply(register, checked_in, erased, failed, donation.released())

    assert state(register, donation) == "in_refurbishment"
    assert [r["reason_code"] for r in register.store.rejections] == ["device.ready_failed_tests"]
    assert register.announced(DeviceAvailable) == []


async def test_an_erasure_without_certificate_nor_no_storage_statement_is_refused(
    register: Register,
) -> None:
    donation = Donation()
    await received(register, donation)
    checked_in = donation.checked_in()
    await apply(register, checked_in, donation.workshop(DeviceErased))

    assert register.store.devices[donation.id].lifecycle.erasure is None
    assert [r["reason_code"] for r in register.store.rejections] == ["device.erasure_unproved"]


# reservations and hand-over


async def test_a_request_for_a_ready_device_is_confirmed_and_holds_it_for_the_set_time(
    register: Register,
) -> None:
    donation = Donation()
    await ready(register, donation)
    request_id = uuid.uuid4()

    await apply(register, donation.requested(request_id), use_case=answer_reservation_request)

    assert state(register, donation) == "reserved"
    [confirmed] = register.announced(ReservationConfirmed)
    assert isinstance(confirmed, ReservationConfirmed)
    assert confirmed.request_id == request_id
    assert confirmed.expires_at == register.clock() + timedelta(hours=RESERVATION_HOURS)
    assert changes(register)[-1] == ("ready", "reserved")
    assert register.store.reservations[request_id]["status"] == "active"


async def test_a_second_request_for_a_reserved_device_is_answered_no_and_changes_nothing(
    register: Register,
) -> None:
    donation = Donation()
    await ready(register, donation)
    first, second = uuid.uuid4(), uuid.uuid4()
    await apply(register, donation.requested(first), use_case=answer_reservation_request)
    state_changes = len(changes(register))

    await apply(register, donation.requested(second), use_case=answer_reservation_request)

    assert state(register, donation) == "reserved"
    [rejected] = register.announced(ReservationRejected)
    assert isinstance(rejected, ReservationRejected)
    assert rejected.request_id == second
    assert "already reserved" in rejected.reason
    assert len(changes(register)) == state_changes
    assert register.store.reservations[second]["status"] == "rejected"
    assert register.store.reservations[first]["status"] == "active"


async def test_a_request_for_a_device_not_ready_is_answered_no(register: Register) -> None:
    donation = Donation()
    await received(register, donation)
    request_id = uuid.uuid4()

    await apply(register, donation.requested(request_id), use_case=answer_reservation_request)

    assert state(register, donation) == "received"
    [rejected] = register.announced(ReservationRejected)
    assert "not ready" in rejected.reason  # type: ignore[attr-defined]
    assert register.announced(ReservationConfirmed) == []


async def test_a_request_delivered_twice_is_answered_once(register: Register) -> None:
    donation = Donation()
    await ready(register, donation)
    request = donation.requested(uuid.uuid4())
    await apply(register, request, use_case=answer_reservation_request)
    announced = len(register.events)

    await apply(register, request, use_case=answer_reservation_request)

    assert len(register.events) == announced
    assert len(register.announced(ReservationConfirmed)) == 1


async def test_a_device_handed_over_then_brought_back_goes_delivered_then_returned(
    register: Register,
) -> None:
    donation, request_id = await reserved(register)

    await apply(register, donation.purchase(DeviceHandedOver, request_id=request_id))
    assert state(register, donation) == "delivered"
    assert register.store.devices[donation.id].place_name == ""  # with a household
    assert register.store.reservations[request_id]["status"] == "delivered"

    await apply(register, donation.purchase(DeviceReturned))
    assert state(register, donation) == "returned"
    assert changes(register)[-2:] == [("reserved", "delivered"), ("delivered", "returned")]


async def test_a_hand_over_before_its_reservation_was_answered_waits(register: Register) -> None:
    donation = Donation()
    await ready(register, donation)
    request_id = uuid.uuid4()

    await refused_without_trace(
        register, donation.purchase(DeviceHandedOver, request_id=request_id)
    )
    assert state(register, donation) == "ready"


async def test_a_hand_over_of_a_device_no_longer_reserved_is_refused_and_recorded(
    register: Register,
) -> None:
    donation, request_id = await reserved(register)
    await apply(register, donation.purchase(ReservationReleased, request_id=request_id))
    assert state(register, donation) == "ready"
    assert register.store.reservations[request_id]["status"] == "released"
    announced = len(register.events)

    late = donation.purchase(DeviceHandedOver, request_id=request_id)
    await apply(register, late)

    assert state(register, donation) == "ready"
    assert len(register.events) == announced
    [rejection] = register.store.rejections
    assert (rejection["event_id"], rejection["reason_code"]) == (
        late.event_id,
        "device.not_reserved",
    )


async def test_a_reservation_lapses_once_its_time_is_up_and_the_device_is_offered_again(
    register: Register,
) -> None:
    donation, request_id = await reserved(register)
    offered = len(register.announced(DeviceAvailable))

    register.clock.advance(timedelta(hours=RESERVATION_HOURS) - timedelta(seconds=1))
    assert await expire_due(register) == 0
    assert state(register, donation) == "reserved"
    assert register.announced(ReservationExpired) == []

    register.clock.advance(timedelta(seconds=1))
    assert await expire_due(register) == 1

    assert state(register, donation) == "ready"
    [expired] = register.announced(ReservationExpired)
    assert isinstance(expired, ReservationExpired)
    assert (expired.request_id, expired.occurred_at) == (request_id, register.clock())
    assert changes(register)[-1] == ("reserved", "ready")
    assert len(register.announced(DeviceAvailable)) == offered + 1
    assert register.store.reservations[request_id]["status"] == "expired"
    assert await expire_due(register) == 0  # once


# shipments


def shipment_of(*donations: Donation) -> ShipmentDispatched:
    return ShipmentDispatched(
        producer="collection_point",
        aggregate_id=uuid.uuid4(),
        collection_point_id=uuid.uuid4(),
        workshop_id=uuid.uuid4(),
        devices=[ShippedDevice(device_id=d.id, label=d.label) for d in donations],
        dispatched_at=utc_now(),
    )


async def test_a_dispatched_shipment_moves_its_received_devices_and_records_the_others(
    register: Register,
) -> None:
    sent, already_there = Donation(), Donation()
    await received(register, sent)
    await received(register, already_there)
    await apply(register, already_there.checked_in())
    await apply(register, shipment_of(sent, already_there), use_case=apply_shipment)

    assert state(register, sent) == "in_transit"
    assert state(register, already_there) == "in_refurbishment"
    [rejection] = register.store.rejections
    assert (rejection["device_id"], rejection["reason_code"]) == (
        already_there.id,
        "device.cannot_become",
    )
    assert changes(register)[-1] == ("received", "in_transit")


async def test_a_shipment_with_a_device_not_registered_yet_waits_whole(
    register: Register,
) -> None:
    registered, unknown = Donation(), Donation()
    await received(register, registered)
    with pytest.raises(RetryLater):
        await apply(register, shipment_of(registered, unknown), use_case=apply_shipment)
    assert state(register, registered) == "received"
    assert register.rollbacks == 1


# group purchases


async def test_a_purchased_device_is_registered_ready_and_reserved_for_its_pledged_need(
    register: Register,
) -> None:
    donation, request_id = Donation(), uuid.uuid4()
    delivered = donation.purchase(
        PurchasedDeviceReceived,
        label=donation.label,
        device_type="laptop",
        grade="A",
        campaign_id=uuid.uuid4(),
        place_name="Maison France Services de Roubaix",
        request_id=request_id,
        household_reference="foyer-7f3a",
    )

    await apply(register, delivered, use_case=register_purchased_device)

    assert state(register, donation) == "reserved"
    assert changes(register) == [("", "ready"), ("ready", "reserved")]
    [available] = register.announced(DeviceAvailable)
    assert (available.grade, available.place_name) == (  # type: ignore[attr-defined]
        "A",
        "Maison France Services de Roubaix",
    )
    [confirmed] = register.announced(ReservationConfirmed)
    assert confirmed.request_id == request_id  # type: ignore[attr-defined]
    assert [entry.state.value for entry in register.store.history[donation.id]] == [
        "ready",
        "reserved",
    ]

    announced = len(register.events)
    await apply(register, delivered, use_case=register_purchased_device)  # delivered twice
    assert len(register.events) == announced
