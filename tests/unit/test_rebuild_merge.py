"""The rebuild's merge of the streams: in the order they stored their events, and holding no
more than the next event of each stream, however long the streams are."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from services.inventory.rebuild.replay import StoredEvent, in_arrival_order, in_chunks, read_ahead
from shared.contracts.collection import DeviceReceived

START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
AN_EVENT = DeviceReceived(
    producer="collection_point",
    aggregate_id=uuid.uuid4(),
    intake_id=uuid.uuid4(),
    label="K7Q2M9XB4",
    device_type="laptop",
    collection_point_id=uuid.uuid4(),
    collection_point_name="Médiathèque de Wazemmes",
)


class CountedStream:
    """A stream of ``length`` events stored at random moments, counting what was asked of it."""

    def __init__(self, name: str, length: int, rng: random.Random) -> None:
        self.name = name
        self.length = length
        self.rng = rng
        self.asked = 0

    async def events(self) -> AsyncIterator[StoredEvent]:
        stored_at = START
        for sequence in range(1, self.length + 1):
            stored_at += timedelta(milliseconds=self.rng.choice((0, 0, 1, 5, 40)))
            self.asked += 1
            yield StoredEvent(self.name, sequence, stored_at, AN_EVENT)


async def test_the_streams_are_merged_in_the_order_they_were_stored() -> None:
    rng = random.Random(7)
    streams = [CountedStream(name, rng.randint(0, 300), rng) for name in ("A", "B", "C", "D")]
    merged = [stored async for stored in in_arrival_order([s.events() for s in streams])]

    everything = sorted(merged, key=lambda s: (s.stored_at, s.stream, s.sequence))
    assert merged == everything
    assert len(merged) == sum(stream.length for stream in streams)


async def test_the_merge_holds_no_more_than_the_next_event_of_each_stream() -> None:
    rng = random.Random(2026)
    streams = [CountedStream(name, 5_000, rng) for name in ("COLLECTION", "PURCHASE", "X")]
    passed_on = dict.fromkeys((stream.name for stream in streams), 0)
    held_at_most = 0
    async for stored in in_arrival_order([stream.events() for stream in streams]):
        passed_on[stored.stream] += 1
        held = [stream.asked - passed_on[stream.name] for stream in streams]
        assert all(0 <= one <= 1 for one in held)
        held_at_most = max(held_at_most, sum(held))
    assert held_at_most <= len(streams)
    assert all(stream.asked == stream.length for stream in streams)


async def test_an_empty_stream_or_none_merges_into_nothing_more() -> None:
    rng = random.Random(1)
    one = CountedStream("A", 3, rng)
    merged = [
        s async for s in in_arrival_order([CountedStream("B", 0, rng).events(), one.events()])
    ]
    assert [stored.sequence for stored in merged] == [1, 2, 3]
    assert [s async for s in in_arrival_order([])] == []


async def test_events_are_applied_in_chunks_read_only_as_they_are_needed() -> None:
    stream = CountedStream("A", 1_234, random.Random(3))
    sizes = []
    async for chunk in in_chunks(stream.events(), 500):
        assert stream.asked == sum(sizes) + len(chunk)  # nothing read ahead of the chunk
        sizes.append(len(chunk))
    assert sizes == [500, 500, 234]


async def test_the_next_chunk_is_read_while_one_is_applied_and_never_more() -> None:
    stream = CountedStream("A", 1_234, random.Random(4))
    given: list[StoredEvent] = []
    ahead = []
    async for chunk in read_ahead(in_chunks(stream.events(), 100)):
        given.extend(chunk)
        await asyncio.sleep(0)  # the chunk being applied: the reading goes on meanwhile
        ahead.append(stream.asked - len(given))
    assert ahead == [100] * 11 + [34, 0]
    assert given == [
        stored async for stored in CountedStream("A", 1_234, random.Random(4)).events()
    ]
