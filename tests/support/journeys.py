"""Devices taken through whole journeys on the real bus, their facts dated in the past, for
the tests of the tiers (histories that ended long ago)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

import asyncpg
import msgspec
from nats.js import JetStreamContext

from shared.contracts.purchase import DeviceHandedOver
from shared.contracts.refurbishment import DeviceRecycled
from shared.events import Event, utc_now
from tests.support.register import Donation, until_state


class Clock:
    """Facts dated ``days`` ago, one second apart, in the order they are stated."""

    def __init__(self, days: int) -> None:
        self.next = utc_now() - timedelta(days=days)

    def dated(self, event: Event) -> Event:
        self.next += timedelta(seconds=1)
        return msgspec.structs.replace(event, occurred_at=self.next)


async def publish_dated(bus: JetStreamContext, clock: Clock, *events: Event) -> None:
    for event in events:
        dated = clock.dated(event)
        await bus.publish(
            dated.subject, msgspec.json.encode(dated), headers={"Nats-Msg-Id": str(dated.event_id)}
        )


async def ready(bus: JetStreamContext, pool: asyncpg.Pool, clock: Clock) -> Donation:
    donation = Donation()
    steps = (donation.received(), donation.checked_in(), donation.erased(), donation.graded())
    await publish_dated(bus, clock, *steps, donation.released())
    await until_state(pool, donation.id, "ready")
    return donation


async def delivered(bus: JetStreamContext, pool: asyncpg.Pool, clock: Clock) -> Donation:
    donation = await ready(bus, pool, clock)
    request_id = uuid.uuid4()
    await publish_dated(bus, clock, donation.requested(request_id))
    await until_state(pool, donation.id, "reserved")
    await publish_dated(bus, clock, donation.purchase(DeviceHandedOver, request_id=request_id))
    await until_state(pool, donation.id, "delivered")
    return donation


async def recycled(bus: JetStreamContext, pool: asyncpg.Pool, clock: Clock) -> Donation:
    donation = Donation()
    await publish_dated(bus, clock, donation.received(), donation.checked_in())
    await publish_dated(bus, clock, donation.workshop(DeviceRecycled, reason="carte mère HS"))
    await until_state(pool, donation.id, "recycled")
    return donation


async def history_rows(pool: asyncpg.Pool, table: str, ids: Sequence[uuid.UUID]) -> int:
    count: int = await pool.fetchval(
        f"SELECT count(*) FROM {table} WHERE device_id = ANY($1::uuid[])", list(ids)
    )
    return count
