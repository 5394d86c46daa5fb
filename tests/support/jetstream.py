"""What a durable consumer has done with the messages of its stream, as JetStream counts it:
waits that end once a message (a copy of an event too) has been dealt with, so that a test
looks for a second application after the consumer is done, not after a pause."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import nats
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from tests.support.waiting import wait_for


async def last_sequence(bus: JetStreamContext, stream: str) -> int:
    """The sequence of the newest message of ``stream`` (0 while it is empty)."""
    return (await bus.stream_info(stream)).state.last_seq


async def copies_of(
    bus: JetStreamContext, stream: str, subject: str, event_id: uuid.UUID, after: int
) -> list[int]:
    """The sequences of the messages on ``subject`` after sequence ``after`` that carry the
    event ``event_id``, whatever their message id."""
    found: list[int] = []
    sequence = after + 1
    while True:
        try:
            message = await bus.get_msg(stream, sequence, subject=subject, next=True)
        except NotFoundError:
            return found
        if json.loads(message.data or b"{}").get("event_id") == str(event_id):
            found.append(message.seq)
        sequence = message.seq + 1


async def done_with(
    bus: JetStreamContext, stream: str, consumer: str, sequence: int, within: float = 40
) -> None:
    """Wait until ``consumer`` has acknowledged (or terminated) every message of ``stream`` up
    to ``sequence``: what it was to apply from them, a copy included, is applied by then."""

    async def acknowledged() -> bool:
        floor = (await bus.consumer_info(stream, consumer)).ack_floor
        return floor is not None and (floor.stream_seq or 0) >= sequence

    await wait_for(acknowledged, within=within)


async def caught_up(bus: JetStreamContext, stream: str, consumer: str, within: float = 40) -> None:
    """Wait until ``consumer`` is done with every message ``stream`` holds now (a copy that
    comes back after its ack wait included)."""
    await done_with(bus, stream, consumer, await last_sequence(bus, stream), within=within)


@asynccontextmanager
async def naks(nats_url: str, stream: str, consumer: str) -> AsyncIterator[list[int]]:
    """The stream sequences ``consumer`` gives back (nak) while the block runs, as JetStream
    announces them: a message held back until it can be applied shows here once it was tried."""
    client = await nats.connect(nats_url)
    seen: list[int] = []

    async def heard(message: Msg) -> None:
        seen.append(int(json.loads(message.data)["stream_seq"]))

    try:
        await client.subscribe(
            f"$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.{stream}.{consumer}", cb=heard
        )
        await client.flush()
        yield seen
    finally:
        await client.close()
