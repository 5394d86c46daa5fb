"""Reading a stream as it is stored, without touching its durable consumers: the rebuild
reads the streams through it, and the event archive the events it writes out."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

import msgspec
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from shared.bus import NATS_ERRORS
from shared.pulls import PULL_REQUEST, STATUS

FETCH_BATCH = 512
# A busy server may be slow to read a long stream from disk: each message may take this long
# (then the reading stops and says so) — slow is not lost.
FETCH_PATIENCE = 120.0
# A stream's reader may wait for hours while the rebuild's merge takes the others' earlier
# events; it is deleted at the end, or this long after a reader that died.
READER_INACTIVE_THRESHOLD = 24 * 3600.0


class ReplayStalled(ConnectionError):
    """The streams stopped answering in the middle of a reading."""


async def stored_messages(
    client: Client, stream: str, subject: str, after_sequence: int = 0
) -> AsyncGenerator[Msg, None]:
    """The messages of ``stream`` on ``subject`` stored when reading starts (after
    ``after_sequence``, when given), in stream order, FETCH_BATCH at a time by a short-lived
    consumer that acknowledges nothing (the durable consumers are untouched): at most one
    batch is held at a time.

    Each batch is asked for with JetStream's pull request and received by a plain
    subscription: the client's own fetch awaited each message in a task of its own, which
    cost the rebuild a tenth of its CPU."""
    js = client.jetstream()
    config = ConsumerConfig(
        ack_policy=AckPolicy.NONE,
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE if after_sequence else DeliverPolicy.ALL,
        opt_start_seq=after_sequence + 1 if after_sequence else None,
        filter_subject=subject,
        inactive_threshold=READER_INACTIVE_THRESHOLD,
        mem_storage=True,
    )
    consumer = await js.add_consumer(stream, config)
    arrived: asyncio.Queue[Msg] = asyncio.Queue()

    async def receive(message: Msg) -> None:
        arrived.put_nowait(message)

    inbox = client.new_inbox()
    subscription = await client.subscribe(inbox, cb=receive)
    try:
        remaining = consumer.num_pending or 0
        while remaining > 0:
            batch = min(FETCH_BATCH, remaining)
            request = msgspec.json.encode({"batch": batch, "no_wait": True})
            await client.publish(f"{PULL_REQUEST}.{stream}.{consumer.name}", request, inbox)
            messages = await _batch(arrived, batch)
            if len(messages) == batch:
                remaining -= batch
            else:  # the server answered short (its status said why): ask what is left
                remaining = (await js.consumer_info(stream, consumer.name)).num_pending or 0
            for message in messages:
                yield message
    finally:
        await subscription.unsubscribe()
        with contextlib.suppress(*NATS_ERRORS):
            await js.delete_consumer(stream, consumer.name)


async def _batch(arrived: asyncio.Queue[Msg], size: int) -> list[Msg]:
    """The messages answering one pull request: ``size`` of them, fewer if the server says
    it has no more (a status message)."""
    messages: list[Msg] = []
    while len(messages) < size:
        try:
            async with asyncio.timeout(FETCH_PATIENCE):
                message = await arrived.get()
        except TimeoutError:
            raise ReplayStalled(
                f"nats-server sent nothing for {FETCH_PATIENCE:.0f} s in the middle of a batch"
            ) from None
        if message.headers and STATUS in message.headers:
            break
        messages.append(message)
    return messages


def subject_matches(pattern: str, subject: str) -> bool:
    """Whether a consumer filtering ``pattern`` gets ``subject`` (NATS wildcards: ``*`` one
    token, ``>`` one or more at the end)."""
    wanted, tokens = pattern.split("."), subject.split(".")
    for position, token in enumerate(wanted):
        if token == ">":
            return len(tokens) > position
        if position >= len(tokens) or token not in ("*", tokens[position]):
            return False
    return len(tokens) == len(wanted)
