"""Reservations on the real stack: one yes for simultaneous requests, release, expiry."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import asyncpg
from nats.js import JetStreamContext

from services.inventory.lifecycle.store import LifecycleStore
from services.inventory.reservations.handlers import (
    answer_reservation_request,
    expire_reservations,
    hold_for,
)
from services.inventory.reservations.jobs import expire_due
from shared.config import load_settings
from shared.contracts.purchase import DeviceHandedOver, ReservationReleased
from shared.events import Event, utc_now
from tests.support.register import (
    announcements,
    publish,
    ready_device,
    rejections,
    state_of,
    unit_of_work,
    until_state,
)
from tests.support.waiting import wait_for


async def answers(pool: asyncpg.Pool, device_id: uuid.UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await pool.fetch(
        "SELECT request_id, status, reason, expires_at FROM reservations WHERE device_id = $1",
        device_id,
    )
    return rows


async def test_requests_for_one_device_at_the_same_moment_get_one_yes_and_only_noes(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = await ready_device(bus, inventory_pool)
    requests = [uuid.uuid4() for _ in range(8)]
    await asyncio.gather(*(publish(bus, donation.requested(r)) for r in requests))

    async def all_answered() -> list[asyncpg.Record] | None:
        found = await answers(inventory_pool, donation.id)
        return found if len(found) == len(requests) else None

    answered = await wait_for(all_answered, within=40)
    statuses = sorted(row["status"] for row in answered)
    assert statuses == ["active"] + ["rejected"] * (len(requests) - 1)
    assert all(
        "already reserved" in row["reason"] for row in answered if row["status"] == "rejected"
    )
    assert await state_of(inventory_pool, donation.id) == "reserved"

    announced = await announcements(inventory_pool, donation.id)
    confirmed = [a for a in announced if a["subject"] == "inventory.reservation.confirmed"]
    rejected = [a for a in announced if a["subject"] == "inventory.reservation.rejected"]
    winner = next(row["request_id"] for row in answered if row["status"] == "active")
    assert [a["request_id"] for a in confirmed] == [str(winner)]
    assert len(rejected) == len(requests) - 1
    assert {a["request_id"] for a in rejected} == {str(r) for r in requests if r != winner}


async def test_a_released_reservation_makes_the_device_ready_for_the_next_request(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = await ready_device(bus, inventory_pool)
    first, second = uuid.uuid4(), uuid.uuid4()
    await publish(bus, donation.requested(first))
    await until_state(inventory_pool, donation.id, "reserved")
    await publish(bus, donation.purchase(ReservationReleased, request_id=first))
    await until_state(inventory_pool, donation.id, "ready")
    await publish(bus, donation.requested(second))
    await until_state(inventory_pool, donation.id, "reserved")

    statuses = {
        row["request_id"]: row["status"] for row in await answers(inventory_pool, donation.id)
    }
    assert statuses == {first: "released", second: "active"}
    available = [
        a
        for a in await announcements(inventory_pool, donation.id)
        if a["subject"] == "inventory.device.available"
    ]
    assert len(available) == 2  # once released by the workshop, once freed by the request


async def test_a_reservation_expires_and_the_device_is_ready_again(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = await ready_device(bus, inventory_pool)
    request_id = uuid.uuid4()
    await publish(bus, donation.requested(request_id))
    await until_state(inventory_pool, donation.id, "reserved")
    [reservation] = await answers(inventory_pool, donation.id)
    expires_at = reservation["expires_at"]

    before = unit_of_work(inventory_pool, LifecycleStore, expires_at - timedelta(seconds=1))
    async with before.begin() as work:
        await expire_reservations(work)
    assert await state_of(inventory_pool, donation.id) == "reserved"

    async with unit_of_work(inventory_pool, LifecycleStore, expires_at).begin() as work:
        assert await expire_reservations(work) >= 1
    assert await state_of(inventory_pool, donation.id) == "ready"
    [reservation] = await answers(inventory_pool, donation.id)
    assert reservation["status"] == "expired"

    announced = await announcements(inventory_pool, donation.id)
    tail = [a["subject"] for a in announced][-3:]
    assert tail == [
        "inventory.reservation.expired",
        "inventory.device.state_changed",
        "inventory.device.available",
    ]
    assert announced[-2]["from_state"] == "reserved"

    late_hand_over = donation.purchase(DeviceHandedOver, request_id=request_id)
    await publish(bus, late_hand_over)
    refused = await wait_for(lambda: rejections(inventory_pool, donation.id), within=40)
    assert [r["event_id"] for r in refused] == [late_hand_over.event_id]
    assert "only while it is reserved" in refused[0]["reason"]
    assert await state_of(inventory_pool, donation.id) == "ready"


async def test_two_transactions_deciding_at_once_confirm_one_request_and_reject_the_other(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    """The same race without the consumer in between: two transactions side by side."""
    donation = await ready_device(bus, inventory_pool)
    requests = [donation.requested(uuid.uuid4()) for _ in range(2)]

    async def decide(event: Event) -> None:
        async with unit_of_work(inventory_pool, LifecycleStore).begin() as work:
            await answer_reservation_request(work, event)
            await asyncio.sleep(0.3)  # hold the lock: the other one decides meanwhile or waits

    await asyncio.gather(*(decide(event) for event in requests))
    statuses = sorted(row["status"] for row in await answers(inventory_pool, donation.id))
    assert statuses == ["active", "rejected"]
    assert await state_of(inventory_pool, donation.id) == "reserved"


async def test_the_periodic_job_expires_every_lapsed_reservation(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donations = [await ready_device(bus, inventory_pool) for _ in range(2)]
    for donation in donations:
        await publish(bus, donation.requested(uuid.uuid4()))
    for donation in donations:
        await until_state(inventory_pool, donation.id, "reserved")
    latest = max([(await answers(inventory_pool, d.id))[0]["expires_at"] for d in donations])

    assert await expire_due(unit_of_work(inventory_pool, LifecycleStore, latest)) >= 2
    assert [await state_of(inventory_pool, d.id) for d in donations] == ["ready", "ready"]


async def test_a_reservation_holds_the_device_as_long_as_the_setting_says(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = await ready_device(bus, inventory_pool)
    request = donation.requested(uuid.uuid4())
    try:
        hold_for(load_settings({"BOUCLE_RESERVATION_HOURS": "24"}, service="inventory"))
        async with unit_of_work(inventory_pool, LifecycleStore).begin() as work:
            await answer_reservation_request(work, request)
    finally:
        hold_for(load_settings({}, service="inventory"))  # the default again: 72 hours
    (answer,) = await answers(inventory_pool, donation.id)
    held = answer["expires_at"] - utc_now()
    assert timedelta(hours=23, minutes=59) < held <= timedelta(hours=24)
