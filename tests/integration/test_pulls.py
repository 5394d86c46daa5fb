"""A durable consumer's messages asked for ahead (``shared.pulls``), on the real nats-server:
a burst comes in batches, in stream order, each once, never more than two batches in hand;
messages left in hand when a consumer stops go back at once; a consumer deleted on the
server is said, and the service's consumer creates it again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import nats
import pytest
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from boucle.devstack.stack import Stack
from shared.bus import Batched, Consumer
from shared.contracts.streams import Consumption
from shared.db import create_pool
from shared.events import Event, EventRegistry, encode
from shared.pulls import Pulls
from tests.support.waiting import wait_for

BATCH = 16


@dataclass(frozen=True)
class Feed:
    client: Client
    stream: str
    subject: str
    consumer: str

    async def publish(self, count: int) -> None:
        js = self.client.jetstream()
        for _ in range(count):
            await js.publish(self.subject, b"{}")

    def pulls(self) -> Pulls:
        return Pulls(self.client, self.stream, self.consumer, BATCH)


@pytest.fixture
async def feed(stack: Stack) -> AsyncIterator[Feed]:
    client = await nats.connect(stack.nats.url)
    js = client.jetstream()
    name = f"PULLS_{uuid.uuid4().hex[:8].upper()}"
    subject = f"{name.lower()}.event"
    await js.add_stream(StreamConfig(name=name, subjects=[subject]))
    await js.add_consumer(
        name,
        ConsumerConfig(durable_name="reader", ack_policy=AckPolicy.EXPLICIT, ack_wait=120.0),
    )
    try:
        yield Feed(client, name, subject, "reader")
    finally:
        await js.delete_stream(name)
        await client.close()


async def _take_all(pulls: Pulls, expected: int) -> list[int]:
    """Stream sequences taken and acknowledged until ``expected`` came (a wait that comes
    back empty ends it), checking what is in hand at each step."""
    sequences: list[int] = []
    while len(sequences) < expected and await pulls.wait(5.0):
        assert pulls.in_hand <= 2 * BATCH
        batch = await pulls.take()
        assert 0 < len(batch) <= BATCH
        for message in batch:
            sequences.append(message.metadata.sequence.stream)
            await message.ack()
    return sequences


async def test_a_burst_comes_in_batches_in_order_each_once(feed: Feed) -> None:
    await feed.publish(100)  # waiting before the consumer starts
    pulls = feed.pulls()
    await pulls.start()
    try:
        first = await _take_all(pulls, 100)
        await feed.publish(70)  # and arriving while it waits
        later = await _take_all(pulls, 70)
    finally:
        await pulls.stop()

    assert first + later == list(range(1, 171))


async def test_nothing_to_take_is_a_wait_that_comes_back_empty(feed: Feed) -> None:
    pulls = feed.pulls()
    await pulls.start()
    try:
        assert not await pulls.wait(0.3)
        await feed.publish(1)
        assert await pulls.wait(5.0)
        assert len(await pulls.take()) == 1
    finally:
        await pulls.stop()


async def test_messages_left_in_hand_at_stop_go_back_at_once(feed: Feed) -> None:
    """The consumer's ack wait is two minutes: without being given back, the messages a
    stopping consumer held would wait that long before another one could apply them."""
    await feed.publish(10)
    stopping = feed.pulls()
    await stopping.start()
    await wait_for(lambda: _holds(stopping, 10))  # all ten arrive, none is taken
    await stopping.stop()

    following = feed.pulls()
    await following.start()
    try:
        sequences = await _take_all(following, 10)
    finally:
        await following.stop()

    assert sequences == list(range(1, 11))


async def test_a_consumer_deleted_on_the_server_is_said(feed: Feed) -> None:
    pulls = feed.pulls()
    await pulls.start()
    try:
        assert not await pulls.wait(0.3)  # a request is open, waiting for messages
        await feed.client.jetstream().delete_consumer(feed.stream, feed.consumer)
        await pulls.wait(5.0)
        assert "deleted" in pulls.trouble.lower()
    finally:
        await pulls.stop()


async def test_a_service_consumer_deleted_on_the_server_is_created_again(
    stack: Stack, feed: Feed
) -> None:
    """The service's consumer goes on by itself: it creates the durable again and applies
    what was published meanwhile."""

    class Noted(Event, frozen=True, kw_only=True):
        subject = feed.subject

    events = EventRegistry()
    events.register(Noted)
    applied: list[uuid.UUID] = []

    async def note(_connection: asyncpg.Connection, batch: list[Event]) -> None:
        applied.extend(event.event_id for event in batch)

    async def publish(count: int) -> list[uuid.UUID]:
        noted = [Noted(producer="test", aggregate_id=uuid.uuid4()) for _ in range(count)]
        for event in noted:
            await feed.client.jetstream().publish(feed.subject, encode(event))
        return [event.event_id for event in noted]

    pool = await create_pool(stack.postgres.dsn, "refurbishment", 1, 2)
    consumption = Consumption(f"test-pulls-{uuid.uuid4().hex[:8]}", feed.stream, feed.subject)
    consumer = Consumer(feed.client, pool, consumption, events, Batched(note))
    running = asyncio.create_task(consumer.run())
    try:
        before = await publish(3)
        await wait_for(lambda: _all_in(before, applied))
        await feed.client.jetstream().delete_consumer(feed.stream, consumption.consumer)
        after = await publish(2)
        await wait_for(lambda: _all_in(after, applied))
    finally:
        consumer.stop()
        await running
        await pool.close()

    assert sorted(applied) == sorted(before + after)  # each once (the inbox)


async def _all_in(wanted: list[uuid.UUID], applied: list[uuid.UUID]) -> bool:
    return set(wanted) <= set(applied)


async def _holds(pulls: Pulls, count: int) -> bool:
    await pulls.wait(0.1)
    return pulls.in_hand >= count
