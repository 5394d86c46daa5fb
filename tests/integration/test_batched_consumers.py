"""Consumers that write a whole batch with one statement per kind of row end where applying
its events one by one would: the counter shows each device's newest state inventory
announced, a workshop knows each received device once, group purchases never take a device
back to an older state, and inventory registers each device and label once. A batch wakes
the relay only when it wrote events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import asyncpg
import pytest

from boucle.devstack.stack import Stack
from services.collection_point import consumers as collection_consumers
from services.collection_point.domain import CollectionPoint, Intake
from services.collection_point.store import IntakeStore
from services.group_purchase.requests import inventory_feed as group_purchase_feed
from services.inventory import consumers as inventory_consumers
from services.refurbishment import consumers as refurbishment_consumers
from shared.bus import Batched, Consumer
from shared.contracts.inventory import DeviceStateChanged
from shared.contracts.streams import Consumption
from shared.db import create_pool, transaction
from shared.events import Event, encode, registry, utc_now, uuid7
from shared.labels import format_code, generate_code
from shared.outbox import add_events
from tests.support.register import Donation


@pytest.fixture
async def refurbishment_pool(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(stack.postgres.dsn, "refurbishment", 1, 2)
    yield pool
    await pool.close()


def _intake(point: CollectionPoint) -> Intake:
    code = generate_code()
    return Intake(
        id=uuid7(),
        device_id=uuid7(),
        label=code,
        label_display=format_code(code),
        device_type="laptop",
        collection_point_id=point.id,
        received_by="test",
        received_at=utc_now(),
    )


def _announced(intake: Intake, state: str, at: datetime) -> DeviceStateChanged:
    return DeviceStateChanged(
        producer="inventory",
        aggregate_id=intake.device_id,
        label=intake.label,
        to_state=state,
        occurred_at=at,
    )


async def _apply(pool: asyncpg.Pool, handler: object, events: list[Event]) -> None:
    assert isinstance(handler, Batched)
    async with transaction(pool) as connection:
        await handler.apply(connection, events)


async def _states(pool: asyncpg.Pool, *intakes: Intake) -> list[str | None]:
    rows = await pool.fetch(
        "SELECT device_id, inventory_state FROM intakes WHERE device_id = ANY($1)",
        [intake.device_id for intake in intakes],
    )
    state = {row["device_id"]: row["inventory_state"] for row in rows}
    return [state[intake.device_id] for intake in intakes]


async def test_a_batch_of_announcements_shows_each_device_at_its_newest_state(
    collection_pool: asyncpg.Pool, collection_point: CollectionPoint
) -> None:
    laptop, tablet = _intake(collection_point), _intake(collection_point)
    async with collection_pool.acquire() as connection:
        await IntakeStore(connection).insert_intakes([laptop, tablet])
    start = utc_now()
    _, handler = collection_consumers.CONSUMERS[0]

    await _apply(
        collection_pool,
        handler,
        [
            _announced(laptop, "received", start),
            _announced(laptop, "in_refurbishment", start + timedelta(seconds=3)),
            _announced(tablet, "received", start + timedelta(seconds=1)),
            _announced(laptop, "in_transit", start + timedelta(seconds=2)),  # older, came late
            _announced(tablet, "in_transit", start + timedelta(seconds=1)),  # same time, later
        ],
    )
    assert await _states(collection_pool, laptop, tablet) == ["in_refurbishment", "in_transit"]

    older = [_announced(tablet, "received", start)]  # a batch applied late changes nothing
    await _apply(collection_pool, handler, older)
    assert await _states(collection_pool, laptop, tablet) == ["in_refurbishment", "in_transit"]


async def test_a_batch_of_donations_makes_each_device_known_once_at_the_workshop(
    refurbishment_pool: asyncpg.Pool,
) -> None:
    received = [Donation().received() for _ in range(3)]
    labels = [event.label for event in received]
    _, handler = refurbishment_consumers.CONSUMERS[0]

    await _apply(refurbishment_pool, handler, [received[0]])
    await _apply(refurbishment_pool, handler, [*received, received[1]])  # one known, one twice

    rows = await refurbishment_pool.fetch(
        "SELECT label, device_id FROM known_devices WHERE label = ANY($1)", labels
    )
    assert sorted((row["label"], row["device_id"]) for row in rows) == sorted(
        (event.label, event.aggregate_id) for event in received
    )


async def test_devices_first_heard_of_in_a_batch_take_no_newer_state_back(
    purchase_pool: asyncpg.Pool,
) -> None:
    laptop, tablet, phone = (uuid.uuid4() for _ in range(3))
    labels = {device: generate_code() for device in (laptop, tablet, phone)}

    def state(device: uuid.UUID, to_state: str, version: int) -> DeviceStateChanged:
        return DeviceStateChanged(
            producer="inventory",
            aggregate_id=device,
            aggregate_version=version,
            label=labels[device],
            to_state=to_state,
        )

    _, handler = group_purchase_feed.CONSUMERS[0]
    try:
        await _apply(purchase_pool, handler, [state(phone, "received", 1)])
        await _apply(
            purchase_pool,
            handler,
            [
                state(laptop, "in_transit", 2),  # came before its first state
                state(laptop, "received", 1),
                state(tablet, "received", 1),
                state(phone, "in_transit", 2),
                state(phone, "received", 1),  # known already, and older
            ],
        )
        rows = await purchase_pool.fetch(
            "SELECT device_id, state FROM known_devices WHERE device_id = ANY($1)",
            [laptop, tablet, phone],
        )
        known = {row["device_id"]: row["state"] for row in rows}
        assert [known[laptop], known[tablet], known[phone]] == [
            "in_transit",
            "received",
            "in_transit",
        ]
    finally:  # made-up devices, or matching would see them
        await purchase_pool.execute(
            "DELETE FROM known_devices WHERE device_id = ANY($1)", [laptop, tablet, phone]
        )


class _Delivered:
    """A fetched message as the consumer sees it, acknowledged in memory."""

    def __init__(self, event: Event) -> None:
        self.subject = event.subject
        self.data = encode(event)
        self.headers: dict[str, str] = {}
        self.metadata = None
        self.acked = False

    async def ack(self) -> None:
        self.acked = True


async def test_a_batch_wakes_the_relay_only_when_it_wrote_events(
    refurbishment_pool: asyncpg.Pool,
) -> None:
    """An empty claim costs the relay a transaction: batches that publish nothing skip it."""
    received = [Donation().received() for _ in range(3)]
    publishing = {received[1].event_id}

    async def handler(connection: asyncpg.Connection, event: Event) -> None:
        if event.event_id in publishing:  # an event written, then undone: nothing to relay
            savepoint = connection.transaction()
            await savepoint.start()
            await add_events(connection, [event])
            await savepoint.rollback()

    wakes: list[int] = []
    consumer = Consumer(
        client=None,  # type: ignore[arg-type]  # nothing is fetched: batches are handed over
        pool=refurbishment_pool,
        consumption=Consumption(f"test-wakes-{uuid.uuid4().hex[:8]}", "COLLECTION", "x.>"),
        registry=registry,
        handler=handler,
        after_commit=lambda: wakes.append(1),
    )
    quiet = [_Delivered(received[0]), _Delivered(received[2])]
    await consumer.apply_batch(quiet)  # type: ignore[arg-type]
    assert wakes == [] and all(message.acked for message in quiet)

    await consumer.apply_batch([_Delivered(event) for event in received])  # type: ignore[arg-type]
    assert wakes == [1]


async def test_a_batch_of_donations_registers_each_device_and_label_once(
    inventory_pool: asyncpg.Pool,
) -> None:
    first, again, same_label, other = (Donation() for _ in range(4))
    same_label.label = first.label  # a label misread at the counter, scanned twice
    again.id = first.id  # the same donation sent again under a new event
    events: list[Event] = [
        first.received(),
        again.received(),
        same_label.received(),
        other.received(),
    ]
    _, handler = inventory_consumers.CONSUMERS[0]

    await _apply(inventory_pool, handler, events)

    devices = await inventory_pool.fetch(
        "SELECT d.id, count(h.*) AS entries FROM devices d "
        "LEFT JOIN device_history h ON h.device_id = d.id "
        "WHERE d.id = ANY($1) GROUP BY d.id",
        [first.id, same_label.id, other.id],
    )
    assert {row["id"]: row["entries"] for row in devices} == {first.id: 1, other.id: 1}
    announced = await inventory_pool.fetchval(
        "SELECT count(*) FROM outbox WHERE subject = 'inventory.device.state_changed' "
        "AND convert_from(payload, 'UTF8')::jsonb ->> 'cause_event_id' = ANY($1)",
        [str(event.event_id) for event in events],
    )
    assert announced == 2
