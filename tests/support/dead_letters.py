"""Events that end in the dead-letter stream, and their replay into the register."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import nats
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from shared.events import encode
from tests.support.register import (
    Donation,
    publish,
    until_state,
)
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

WORKSHOP_STREAM = "REFURBISHMENT"


@asynccontextmanager
async def one_delivery_each(bus: JetStreamContext) -> AsyncIterator[None]:
    """Inventory's workshop consumer gives up after one delivery, for the time of the block
    (otherwise a fact waiting for its device is retried for about a minute)."""
    info = await bus.consumer_info(WORKSHOP_STREAM, "inventory")
    await bus.add_consumer(WORKSHOP_STREAM, dataclasses.replace(info.config, max_deliver=1))
    try:
        yield
    finally:
        await bus.add_consumer(WORKSHOP_STREAM, info.config)


async def dead_letter_of(
    http: httpx.AsyncClient, stack: Stack, stream_seq: int, within: float = 40
) -> dict[str, Any]:
    """The dead letter of inventory about message ``stream_seq`` of the workshop stream, as
    the JSON API lists it, once it is there."""
    coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}

    async def listed() -> dict[str, Any] | None:
        answer = await http.get(
            f"{stack.url('inventory')}/api/v1/dead-letters", headers=coordinator
        )
        assert answer.status_code == 200, answer.text
        return next(
            (entry for entry in answer.json()["entries"]
             if entry["stream"] == WORKSHOP_STREAM and entry["stream_seq"] == stream_seq
             and entry["consumer"] == "inventory"),
            None,
        )  # fmt: skip

    found: dict[str, Any] = await wait_for(listed, within=within, interval=0.5)
    return found


async def dead_lettered_check_in(stack: Stack, http: httpx.AsyncClient) -> tuple[Donation, dict]:
    """A check-in published before its device registered, given up on by inventory."""
    client = await nats.connect(stack.nats.url)
    try:
        bus = client.jetstream()
        donation = Donation()
        check_in = donation.checked_in()
        async with one_delivery_each(bus):
            ack = await bus.publish(
                check_in.subject, encode(check_in), headers={"Nats-Msg-Id": str(check_in.event_id)}
            )
            letter = await dead_letter_of(http, stack, ack.seq)
        assert letter["event_id"] == str(check_in.event_id)
        return donation, letter
    finally:
        await client.close()


async def register(stack: Stack, donation: Donation, pool: asyncpg.Pool) -> None:
    client = await nats.connect(stack.nats.url)
    try:
        await publish(client.jetstream(), donation.received())
        await until_state(pool, donation.id, "received")
    finally:
        await client.close()
