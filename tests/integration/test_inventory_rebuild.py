"""Replay on the real stack: the register rebuilt from the streams, with inventory's own
handlers, into empty tables ends in the same state as the live one."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.inventory.consumers import HANDLERS
from services.inventory.lifecycle.store import LifecycleStore, work_on
from services.inventory.rebuild import reading
from services.inventory.rebuild import replay as rebuild
from services.inventory.rebuild.digest import register_digest
from services.inventory.rebuild.replay import drop_schema, fresh_schema, rebuild_and_compare, replay
from shared.bus import RetryLater
from shared.contracts.collection import PlacePublished, ShipmentDispatched, ShippedDevice
from shared.contracts.inventory import ReservationExpired
from shared.contracts.purchase import (
    DeviceHandedOver,
    DeviceReturned,
    PurchasedDeviceReceived,
    ReservationReleased,
)
from shared.contracts.refurbishment import DeviceGraded, DeviceRecycled
from shared.db import create_pool
from shared.events import Event
from shared.inbox import first_delivery
from shared.labels import generate_code
from shared.uow import Work
from tests.support.register import (
    POINT,
    Donation,
    publish,
    ready_device,
    rejections,
    until_state,
)
from tests.support.waiting import wait_for

SCHEMA = "inventory_rebuild_test"  # never the one `boucle inventory rebuild` uses
ONE_BY_ONE = "inventory_rebuild_test_one_by_one"


async def delivered(bus: JetStreamContext, pool: asyncpg.Pool) -> Donation:
    donation = await ready_device(bus, pool)
    request_id = uuid.uuid4()
    await publish(bus, donation.requested(request_id))
    await until_state(pool, donation.id, "reserved")
    await publish(bus, donation.purchase(DeviceHandedOver, request_id=request_id))
    await until_state(pool, donation.id, "delivered")
    return donation


async def reserved_then_released(bus: JetStreamContext, pool: asyncpg.Pool) -> Donation:
    donation = await ready_device(bus, pool)
    request_id = uuid.uuid4()
    await publish(bus, donation.requested(request_id))
    await until_state(pool, donation.id, "reserved")
    second_request = uuid.uuid4()
    await publish(bus, donation.requested(second_request))

    async def answered_no() -> bool:
        status = await pool.fetchval(
            "SELECT status FROM reservations WHERE request_id = $1", second_request
        )
        return bool(status == "rejected")

    await wait_for(answered_no, within=40)
    await publish(bus, donation.purchase(ReservationReleased, request_id=request_id))
    await until_state(pool, donation.id, "ready")
    return donation


async def with_a_refused_fact(bus: JetStreamContext, pool: asyncpg.Pool) -> Donation:
    """A ready device that a workshop says it erased again: refused, and recorded."""
    donation = await ready_device(bus, pool)
    await publish(bus, donation.erased())

    async def refused() -> bool:
        return bool(await rejections(pool, donation.id))

    await wait_for(refused, within=40)
    return donation


async def recycled(bus: JetStreamContext, pool: asyncpg.Pool) -> Donation:
    donation = Donation()
    await publish(bus, donation.received(), donation.checked_in())
    await publish(bus, donation.workshop(DeviceRecycled, reason="écran cassé"))
    await until_state(pool, donation.id, "recycled")
    return donation


async def test_the_register_rebuilt_from_the_streams_matches_the_live_one(
    stack: Stack, bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donations = [
        await delivered(bus, inventory_pool),
        await reserved_then_released(bus, inventory_pool),
        await with_a_refused_fact(bus, inventory_pool),
        await recycled(bus, inventory_pool),
        await ready_device(bus, inventory_pool),
    ]
    ids = [donation.id for donation in donations]
    try:
        result = await rebuild_and_compare(
            stack.postgres.dsn, stack.nats.url, schema=SCHEMA, keep=True, device_ids=ids
        )
        assert result.live.differing(result.rebuilt) == []
        assert result.matches
        assert result.rebuilt.devices == len(donations)
        assert result.rebuilt.history_rows == result.live.history_rows == 7 + 7 + 5 + 3 + 5
        # (other tests of the session apply some facts without the bus: only ours are checked)
        assert [e for e in result.replayed.never_applicable if e.aggregate_id in ids] == []
        assert await refusals(inventory_pool, "inventory", ids) == await refusals(
            inventory_pool, SCHEMA, ids
        )

        # what the rebuild's handlers announced stays in its own outbox: never published,
        # not even once the live relay has published what inventory announced after it
        later = Donation()
        await publish(bus, later.received())

        async def relayed_since() -> bool:
            return await inventory_pool.fetchval(
                "SELECT count(*) > 0 AND bool_and(sent_at IS NOT NULL) FROM outbox "
                "WHERE convert_from(payload, 'UTF8')::jsonb ->> 'aggregate_id' = $1",
                str(later.id),
            )

        await wait_for(relayed_since, within=40)
        pending, sent = await inventory_pool.fetchrow(
            f"SELECT count(*) FILTER (WHERE sent_at IS NULL), count(sent_at) FROM {SCHEMA}.outbox"
        )
        assert pending > 0 and sent == 0
    finally:
        await drop_schema(stack.postgres.dsn, SCHEMA)


async def test_a_rebuild_read_a_few_events_at_a_time_matches_the_live_register(
    stack: Stack,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Many small fetches per stream, merged, and many small transactions: the same register."""
    monkeypatch.setattr(reading, "FETCH_BATCH", 3)
    monkeypatch.setattr(rebuild, "EVENTS_PER_TRANSACTION", 7)
    donations = [await delivered(bus, inventory_pool), await recycled(bus, inventory_pool)]
    ids = [donation.id for donation in donations]
    result = await rebuild_and_compare(
        stack.postgres.dsn, stack.nats.url, schema=SCHEMA, device_ids=ids
    )
    assert result.live.differing(result.rebuilt) == []
    assert result.matches
    assert result.rebuilt.history_rows == 7 + 3
    assert [e for e in result.replayed.never_applicable if e.aggregate_id in ids] == []
    assert result.events_read > 0 and result.events_per_second > 0


async def test_a_rebuild_leaves_no_schema_behind_unless_asked(
    stack: Stack, inventory_pool: asyncpg.Pool
) -> None:
    result = await rebuild_and_compare(
        stack.postgres.dsn, stack.nats.url, schema=SCHEMA, device_ids=[]
    )
    assert result.live.devices == result.rebuilt.devices == 0
    exists = await inventory_pool.fetchval(
        "SELECT true FROM information_schema.schemata WHERE schema_name = $1", SCHEMA
    )
    assert exists is None


async def replayed_alone(dsn: str, events: list[Event]) -> tuple[rebuild.Replayed, asyncpg.Pool]:
    """``events`` replayed into an empty schema of their own, whose pool is returned open."""
    await fresh_schema(dsn, SCHEMA)
    pool = await create_pool(dsn, SCHEMA, 1, 2)

    async def stream() -> AsyncIterator[Event]:
        for event in events:
            yield event

    return await replay(pool, stream()), pool


async def test_an_event_that_fails_or_waits_within_a_chunk_loses_or_doubles_none_of_the_others(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk is one transaction: one event in it that cannot apply (a handler failing, a
    device never registered, a fact ahead of its device) rolls it back, and the chunk is
    applied again in halves; every other event is applied exactly once, in order."""
    donations = [Donation() for _ in range(8)]
    journeys = [donation.made_ready() for donation in donations]
    broken = journeys[2][3]  # its grading fails in the handler: the device stays ungraded
    grade = rebuild.HELD[DeviceGraded]

    async def failing_on_the_broken_one(work: Work[LifecycleStore], event: Event) -> None:
        if event.event_id == broken.event_id:
            raise ValueError("a handler failing on one event")
        await grade(work, event)

    monkeypatch.setitem(rebuild.HELD, DeviceGraded, failing_on_the_broken_one)
    monkeypatch.setattr(rebuild, "EVENTS_PER_TRANSACTION", 16)
    early, late = journeys[5][0], journeys[5][1]  # checked in before it is received
    journeys[5][0:2] = [late, early]
    never_registered = Donation().checked_in()
    events = [event for journey in journeys for event in journey]
    events[9:9] = [never_registered, journeys[0][2]]  # and an event delivered twice

    replayed, pool = await replayed_alone(stack.postgres.dsn, events)
    try:
        assert (replayed.applied, replayed.duplicates, replayed.failed) == (38, 1, 1)
        # the broken device's release waits for its grading, forever
        assert replayed.never_applicable == [never_registered, journeys[2][4]]
        states = dict(await pool.fetch("SELECT id, state FROM devices"))
        assert states == {
            donation.id: "in_refurbishment" if donation is donations[2] else "ready"
            for donation in donations
        }
        steps = dict(
            await pool.fetch("SELECT device_id, count(*) FROM device_history GROUP BY device_id")
        )
        assert steps == {
            donation.id: 3 if donation is donations[2] else 5 for donation in donations
        }
        assert await pool.fetchval("SELECT count(*) FROM inbox") == 38
    finally:
        await pool.close()
        await drop_schema(stack.postgres.dsn, SCHEMA)


async def applied_one_by_one(dsn: str, events: list[Event]) -> asyncpg.Pool:
    """``events`` applied as the live consumers apply them, by inventory's own handlers (an
    expiry as announced, on the work of a PostgreSQL transaction), one transaction each; one
    that must wait is tried again after each event that applied."""
    await fresh_schema(dsn, ONE_BY_ONE)
    pool = await create_pool(dsn, ONE_BY_ONE, 1, 2)
    waiting: list[Event] = []

    async def applied(event: Event) -> bool:
        try:
            async with pool.acquire() as connection, connection.transaction():
                if not await first_delivery(connection, "inventory", event):
                    return True
                if isinstance(event, ReservationExpired):
                    await rebuild.expire_as_announced(work_on(connection), event)
                else:
                    await HANDLERS[type(event)](connection, event)
        except RetryLater:
            return False
        return True

    for event in events:
        if not await applied(event):
            waiting.append(event)
            continue
        progress = True
        while progress and waiting:
            still = [w for w in waiting if not await applied(w)]
            progress, waiting = len(still) < len(waiting), still
    return pool


async def test_a_chunk_applied_in_memory_leaves_the_register_the_live_handlers_leave(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every kind of event inventory applies, the rarer ones (a place, a shipment, a
    purchase) amid the others about the same devices, early, refused, twice: replayed in one
    chunk, the register, its reservations and refusals are those the live handlers leave."""
    monkeypatch.setattr(rebuild, "EVENTS_PER_TRANSACTION", 1000)
    shipped, returned, refused = Donation(), Donation(), Donation()
    first, second, third, fourth = (uuid.uuid4() for _ in range(4))
    place = PlacePublished(
        producer="collection_point", aggregate_id=uuid.uuid4(), place_name=POINT, commune="Lille"
    )
    shipment = ShipmentDispatched(
        producer="collection_point",
        aggregate_id=uuid.uuid4(),
        collection_point_id=uuid.uuid4(),
        workshop_id=uuid.uuid4(),
        devices=[ShippedDevice(device_id=d.id, label=d.label) for d in (shipped, returned)],
        dispatched_at=datetime.now(UTC),
    )
    bought = PurchasedDeviceReceived(
        producer="group_purchase",
        aggregate_id=uuid.uuid4(),
        label=generate_code(),
        device_type="laptop",
        campaign_id=uuid.uuid4(),
        request_id=uuid.uuid4(),
        household_reference="M-TEST234",
    )
    early = returned.received()

    def expired(donation: Donation, request_id: uuid.UUID) -> ReservationExpired:
        return ReservationExpired(
            producer="inventory",
            aggregate_id=donation.id,
            correlation_id=donation.correlation_id,
            request_id=request_id,
        )

    events = [
        shipped.received(),
        *refused.made_ready(),
        refused.erased(),  # refused: the device is ready
        returned.checked_in(),  # before the device is received: waits
        early,
        place,
        shipment,  # refused for the device in refurbishment already
        shipped.checked_in(),
        shipped.erased(),
        shipped.graded(),
        shipped.released(),
        shipped.requested(first),
        returned.erased(),
        returned.graded(),
        returned.released(),
        shipped.requested(second),  # rejected: reserved already
        shipped.purchase(ReservationReleased, request_id=first),
        early,  # twice
        bought,
        returned.requested(third),
        returned.purchase(DeviceHandedOver, request_id=third),
        returned.purchase(DeviceReturned),
        expired(shipped, first),  # ended otherwise (released): changes nothing
        expired(shipped, fourth),  # before its request: waits
        shipped.requested(fourth),
    ]
    one_by_one = await applied_one_by_one(stack.postgres.dsn, events)
    replayed, pool = await replayed_alone(stack.postgres.dsn, events)
    try:
        assert (replayed.applied, replayed.duplicates, replayed.failed) == (len(events) - 1, 1, 0)
        live, rebuilt = await register_digest(one_by_one), await register_digest(pool)
        assert live.differing(rebuilt) == []
        assert rebuilt.devices == 4
        assert rebuilt.history_rows == live.history_rows == 9 + 5 + 8 + 2 + 1  # + the expiry
        assert (
            await pool.fetchval("SELECT state FROM devices WHERE id = $1", shipped.id) == "ready"
        )  # again, once its last reservation lapsed
        for query in (
            "SELECT request_id, device_id, status, reason FROM reservations ORDER BY 1",
            "SELECT device_id, event_id, state, reason_code, reason_values "
            "FROM rejected_transitions ORDER BY 2",
            "SELECT id, state, version, refurbishment_facts_seen, specs, place_name, "
            "origin_place, source FROM devices ORDER BY 1",
            "SELECT subject, count(*) FROM outbox GROUP BY 1 ORDER BY 1",
            "SELECT event_id FROM inbox ORDER BY 1",
            "SELECT name, commune FROM places ORDER BY 1",
        ):
            assert await pool.fetch(query) == await one_by_one.fetch(query), query
        assert await pool.fetchval("SELECT count(*) FROM rejected_transitions") == 2
    finally:
        await pool.close()
        await one_by_one.close()
        await drop_schema(stack.postgres.dsn, SCHEMA)
        await drop_schema(stack.postgres.dsn, ONE_BY_ONE)


async def refusals(pool: asyncpg.Pool, schema: str, ids: list[uuid.UUID]) -> set[tuple[str, str]]:
    rows = await pool.fetch(
        f"SELECT event_id::text, reason FROM {schema}.rejected_transitions "
        "WHERE device_id = ANY($1::uuid[])",
        ids,
    )
    return {(row["event_id"], row["reason"]) for row in rows}
