"""The register applies other services' facts through the lifecycle, on the real stack:
events are published on the bus and the running inventory service consumes them."""

from __future__ import annotations

import uuid

import asyncpg
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from shared.contracts.purchase import DeviceHandedOver, DeviceReturned
from tests.support.jetstream import naks
from tests.support.register import (
    POINT,
    WORKSHOP,
    Donation,
    announcements,
    history,
    publish,
    ready_device,
    rejections,
    state_of,
    until_state,
)
from tests.support.waiting import wait_for


async def test_a_device_goes_from_donation_to_a_household_and_back_to_the_workshop(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = await ready_device(bus, inventory_pool)
    request_id = uuid.uuid4()
    await publish(bus, donation.requested(request_id))
    await until_state(inventory_pool, donation.id, "reserved")
    await publish(
        bus,
        donation.purchase(DeviceHandedOver, request_id=request_id),
        donation.purchase(DeviceReturned, reason="écran trop petit"),
    )
    await until_state(inventory_pool, donation.id, "returned")
    await publish(bus, donation.checked_in())
    await until_state(inventory_pool, donation.id, "in_refurbishment")

    steps = await history(inventory_pool, donation.id)
    assert [(step["subject"], step["state"]) for step in steps] == [
        ("collection.device.received", "received"),
        ("refurbishment.device.checked_in", "in_refurbishment"),
        ("refurbishment.device.erased", "in_refurbishment"),
        ("refurbishment.device.graded", "in_refurbishment"),
        ("refurbishment.device.released", "ready"),
        ("purchase.reservation.requested", "reserved"),
        ("purchase.device.handed_over", "delivered"),
        ("purchase.device.returned", "returned"),
        ("refurbishment.device.checked_in", "in_refurbishment"),
    ]
    assert [step["place_name"] for step in steps] == [POINT] + [WORKSHOP] * 5 + ["", "", WORKSHOP]
    assert [step["producer"] for step in steps][:2] == ["collection_point", "refurbishment"]
    assert {step["correlation_id"] for step in steps} == {donation.correlation_id}
    assert await rejections(inventory_pool, donation.id) == []

    announced = await announcements(inventory_pool, donation.id)
    changes = [(a["from_state"], a["to_state"]) for a in announced if "to_state" in a]
    assert changes == [
        ("", "received"),
        ("received", "in_refurbishment"),
        ("in_refurbishment", "ready"),
        ("ready", "reserved"),
        ("reserved", "delivered"),
        ("delivered", "returned"),
        ("returned", "in_refurbishment"),
    ]
    available = [a for a in announced if a["subject"] == "inventory.device.available"]
    assert len(available) == 1
    assert available[0]["grade"] == "B"
    assert available[0]["specs"]["model"] == "ThinkPad T480"
    assert available[0]["place_name"] == WORKSHOP
    confirmed = [a for a in announced if a["subject"] == "inventory.reservation.confirmed"]
    assert [a["request_id"] for a in confirmed] == [str(request_id)]
    assert {a["correlation_id"] for a in announced} == {donation.correlation_id}


async def test_a_device_is_not_ready_without_an_erasure_certificate(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = Donation()
    await publish(bus, donation.received(), donation.checked_in(), donation.graded())
    released_too_early = donation.released()
    await publish(bus, released_too_early)

    refused = await wait_for(lambda: rejections(inventory_pool, donation.id), within=40)
    assert [(r["event_id"], r["subject"], r["state"]) for r in refused] == [
        (released_too_early.event_id, "refurbishment.device.released", "in_refurbishment")
    ]
    assert "no erasure certificate" in refused[0]["reason"]
    assert await state_of(inventory_pool, donation.id) == "in_refurbishment"
    subjects = [step["subject"] for step in await history(inventory_pool, donation.id)]
    assert "refurbishment.device.released" not in subjects
    announced = [a["subject"] for a in await announcements(inventory_pool, donation.id)]
    assert "inventory.device.available" not in announced

    await publish(bus, donation.erased(), donation.released())
    await until_state(inventory_pool, donation.id, "ready")


async def test_a_returned_device_needs_a_new_erasure_before_it_is_ready_again(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = await ready_device(bus, inventory_pool)
    request_id = uuid.uuid4()
    await publish(bus, donation.requested(request_id))
    await until_state(inventory_pool, donation.id, "reserved")
    await publish(
        bus,
        donation.purchase(DeviceHandedOver, request_id=request_id),
        donation.purchase(DeviceReturned),
    )
    await until_state(inventory_pool, donation.id, "returned")
    await publish(bus, donation.checked_in(), donation.graded(), donation.released())

    refused = await wait_for(lambda: rejections(inventory_pool, donation.id), within=40)
    assert [r["subject"] for r in refused] == ["refurbishment.device.released"]
    assert await state_of(inventory_pool, donation.id) == "in_refurbishment"


async def test_a_workshop_fact_that_arrives_before_its_device_is_applied_once_it_registers(
    stack: Stack, bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = Donation()
    async with naks(stack.nats.url, "REFURBISHMENT", "inventory") as given_back:
        (early,) = await publish(bus, donation.checked_in())

        async def held_back() -> bool:
            return early in given_back

        await wait_for(held_back, within=40)  # tried, and given back to wait for its device
    assert await state_of(inventory_pool, donation.id) is None

    await publish(bus, donation.received())
    await until_state(inventory_pool, donation.id, "in_refurbishment")
    subjects = [step["subject"] for step in await history(inventory_pool, donation.id)]
    assert subjects == ["collection.device.received", "refurbishment.device.checked_in"]


async def test_workshop_facts_delivered_in_reverse_order_still_end_ready_without_rejection(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = Donation()
    facts = [donation.checked_in(), donation.erased(), donation.graded(), donation.released()]
    await publish(bus, *reversed(facts))
    await publish(bus, donation.received())

    await until_state(inventory_pool, donation.id, "ready")
    assert await rejections(inventory_pool, donation.id) == []
    subjects = [step["subject"] for step in await history(inventory_pool, donation.id)]
    assert subjects[-1] == "refurbishment.device.released"
