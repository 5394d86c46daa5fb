"""The register applies other services' facts through the lifecycle, on the real stack:
events are published on the bus and the running inventory service consumes them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import nats
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from shared.contracts.collection import DeviceReceived
from shared.contracts.purchase import DeviceHandedOver, DeviceReturned, ReservationRequested
from shared.contracts.refurbishment import (
    DeviceCheckedIn,
    DeviceErased,
    DeviceGraded,
    DeviceReleased,
    SpecsSummary,
)
from shared.events import Event, encode
from shared.labels import generate_code
from tests.conftest import wait_for

WORKSHOP = "Atelier de Fives"
POINT = "Médiathèque de Wazemmes"


@pytest.fixture(scope="module")
async def bus(stack: Stack) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(stack.nats.url)
    yield client.jetstream()
    await client.close()


async def publish(bus: JetStreamContext, *events: Event) -> None:
    for event in events:
        await bus.publish(
            event.subject, encode(event), headers={"Nats-Msg-Id": str(event.event_id)}
        )


class Donation:
    """One donated device and the facts other services state about it, numbered like a
    workshop numbers its facts about a device."""

    def __init__(self) -> None:
        self.id = uuid.uuid4()
        self.label = generate_code()
        self.correlation_id = f"journey-{uuid.uuid4().hex[:8]}"
        self.workshop_facts = 0

    def received(self) -> DeviceReceived:
        return DeviceReceived(
            producer="collection_point",
            aggregate_id=self.id,
            correlation_id=self.correlation_id,
            intake_id=uuid.uuid4(),
            label=self.label,
            device_type="laptop",
            collection_point_id=uuid.uuid4(),
            collection_point_name=POINT,
        )

    def workshop(self, kind: type[Event], **fields: Any) -> Event:
        self.workshop_facts += 1
        return kind(
            producer="refurbishment",
            aggregate_id=self.id,
            aggregate_version=self.workshop_facts,
            correlation_id=self.correlation_id,
            **fields,
        )

    def checked_in(self) -> Event:
        return self.workshop(DeviceCheckedIn, workshop_id=uuid.uuid4(), workshop_name=WORKSHOP)

    def erased(self) -> Event:
        return self.workshop(DeviceErased, certificate_id=uuid.uuid4())

    def graded(self) -> Event:
        specs = SpecsSummary(brand="Lenovo", model="ThinkPad T480", memory_gb=8, storage_gb=256)
        return self.workshop(DeviceGraded, grade="B", functional_pass=True, specs=specs)

    def released(self) -> Event:
        return self.workshop(DeviceReleased)

    def purchase(self, kind: type[Event], **fields: Any) -> Event:
        return kind(
            producer="group_purchase",
            aggregate_id=self.id,
            correlation_id=self.correlation_id,
            **fields,
        )

    def requested(self, request_id: uuid.UUID) -> Event:
        return self.purchase(
            ReservationRequested, request_id=request_id, household_reference="foyer-7f3a"
        )


async def state_of(pool: asyncpg.Pool, device_id: uuid.UUID) -> str | None:
    state: str | None = await pool.fetchval("SELECT state FROM devices WHERE id = $1", device_id)
    return state


async def until_state(pool: asyncpg.Pool, device_id: uuid.UUID, state: str) -> None:
    async def reached() -> bool:
        return await state_of(pool, device_id) == state

    await wait_for(reached, within=40)


async def history(pool: asyncpg.Pool, device_id: uuid.UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await pool.fetch(
        "SELECT subject, state, producer, place_name, correlation_id FROM device_history "
        "WHERE device_id = $1 ORDER BY id",
        device_id,
    )
    return rows


async def rejections(pool: asyncpg.Pool, device_id: uuid.UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await pool.fetch(
        "SELECT event_id, subject, state, reason FROM rejected_transitions WHERE device_id = $1",
        device_id,
    )
    return rows


async def announcements(pool: asyncpg.Pool, device_id: uuid.UUID) -> list[dict[str, Any]]:
    """What inventory announced about the device (its outbox), oldest first."""
    rows = await pool.fetch(
        "SELECT subject, convert_from(payload, 'UTF8')::jsonb AS body FROM outbox "
        "WHERE convert_from(payload, 'UTF8')::jsonb ->> 'aggregate_id' = $1 "
        "ORDER BY created_at",
        str(device_id),
    )
    return [{"subject": row["subject"], **row["body"]} for row in rows]


async def ready_device(bus: JetStreamContext, pool: asyncpg.Pool) -> Donation:
    donation = Donation()
    await publish(
        bus,
        donation.received(),
        donation.checked_in(),
        donation.erased(),
        donation.graded(),
        donation.released(),
    )
    await until_state(pool, donation.id, "ready")
    return donation


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
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = Donation()
    await publish(bus, donation.checked_in())
    await asyncio.sleep(1.0)
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
