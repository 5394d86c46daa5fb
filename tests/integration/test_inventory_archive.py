"""The archive tier on the real stack: histories of devices delivered or recycled long ago move
to the archive table, and passports and impact figures read them as before; nothing is lost,
nothing is counted twice, and archiving again moves nothing."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import msgspec
import nats
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.inventory import store
from services.inventory.archive.handlers import archive_histories
from services.inventory.archive.store import ArchiveStore
from services.inventory.impact.figures import Period, impact_figures
from services.inventory.rebuild.digest import register_digest
from shared.contracts.purchase import DeviceHandedOver, DeviceReturned
from shared.contracts.refurbishment import DeviceRecycled
from shared.events import Event, utc_now
from shared.web.pages import TIMEZONE
from tests.support.register import POINT, WORKSHOP, Donation, unit_of_work, until_state

# Long enough ago that no other test's devices are that old.
ARCHIVE_AFTER_DAYS = 2000
BOUCLE = Path(sys.executable).with_name("boucle")


@pytest.fixture
async def bus(stack: Stack) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(stack.nats.url)
    yield client.jetstream()
    await client.close()


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


async def delivered(bus: JetStreamContext, pool: asyncpg.Pool, clock: Clock) -> Donation:
    donation = Donation()
    await publish_dated(
        bus,
        clock,
        donation.received(),
        donation.checked_in(),
        donation.erased(),
        donation.graded(),
        donation.released(),
    )
    await until_state(pool, donation.id, "ready")
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


async def ready(bus: JetStreamContext, pool: asyncpg.Pool, clock: Clock) -> Donation:
    donation = Donation()
    await publish_dated(
        bus,
        clock,
        donation.received(),
        donation.checked_in(),
        donation.erased(),
        donation.graded(),
        donation.released(),
    )
    await until_state(pool, donation.id, "ready")
    return donation


async def history_rows(pool: asyncpg.Pool, table: str, ids: Sequence[uuid.UUID]) -> int:
    count: int = await pool.fetchval(
        f"SELECT count(*) FROM {table} WHERE device_id = ANY($1::uuid[])", list(ids)
    )
    return count


async def run_archive_command(stack: Stack, days: int) -> str:
    process = await asyncio.create_subprocess_exec(
        str(BOUCLE),
        "inventory",
        "--database-url",
        stack.postgres.dsn,
        "archive",
        "--older-than-days",
        str(days),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_old_histories_move_to_the_archive_and_every_reader_still_sees_them(
    stack: Stack, bus: JetStreamContext, inventory_pool: asyncpg.Pool, http: httpx.AsyncClient
) -> None:
    old = Clock(days=ARCHIVE_AFTER_DAYS + 30)
    first_day = old.next.astimezone(TIMEZONE).date()
    final_long_ago = [
        await delivered(bus, inventory_pool, old),
        await delivered(bus, inventory_pool, old),
        await recycled(bus, inventory_pool, old),
    ]
    still_active = [
        await ready(bus, inventory_pool, old),  # old, but not at the end of its journey
        await delivered(bus, inventory_pool, Clock(days=3)),  # delivered recently
    ]
    ids = [donation.id for donation in final_long_ago + still_active]
    period = Period(start=first_day, end=first_day + timedelta(days=1))

    passports = [await store.device_by_label(inventory_pool, d.label) for d in final_long_ago]
    figures = await impact_figures(inventory_pool, period)
    digest = await register_digest(inventory_pool, ids)
    active_before = await history_rows(inventory_pool, "device_history", ids)
    assert digest.history_rows == active_before == 7 + 7 + 3 + 5 + 7
    assert figures.devices_collected == 4 and figures.devices_delivered == 2
    assert [place.place_name for place in figures.by_place] == [POINT]

    printed = await run_archive_command(stack, ARCHIVE_AFTER_DAYS)
    assert "archived the histories of 3 device(s)" in printed

    archived = await history_rows(inventory_pool, "device_history_archive", ids)
    assert archived == 7 + 7 + 3
    assert await history_rows(inventory_pool, "device_history", ids) == active_before - archived
    duplicated = await inventory_pool.fetchval(
        "SELECT count(*) FROM device_history h JOIN device_history_archive a USING (event_id)"
    )
    assert duplicated == 0
    assert await register_digest(inventory_pool, ids) == digest
    assert await impact_figures(inventory_pool, period) == figures
    for donation, passport in zip(final_long_ago, passports, strict=True):
        assert await store.device_by_label(inventory_pool, donation.label) == passport
        page = await http.get(f"{stack.url('inventory')}/d/{donation.label}")
        assert page.status_code == 200
        assert POINT in page.text and WORKSHOP in page.text

    again = await archive_histories(unit_of_work(inventory_pool, ArchiveStore), ARCHIVE_AFTER_DAYS)
    assert (again.devices, again.history_rows) == (0, 0)
    assert await register_digest(inventory_pool, ids) == digest


async def test_a_device_returned_after_its_history_was_archived_continues_its_history(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    donation = await delivered(bus, inventory_pool, Clock(days=ARCHIVE_AFTER_DAYS + 10))
    await archive_histories(unit_of_work(inventory_pool, ArchiveStore), ARCHIVE_AFTER_DAYS)
    assert await history_rows(inventory_pool, "device_history", [donation.id]) == 0

    await publish_dated(
        bus, Clock(days=1), donation.purchase(DeviceReturned, reason="ne démarre plus")
    )
    await until_state(inventory_pool, donation.id, "returned")
    device = await store.device_by_label(inventory_pool, donation.label)
    assert device is not None
    assert [step.subject for step in device.history][-3:] == [
        "purchase.reservation.requested",
        "purchase.device.handed_over",
        "purchase.device.returned",
    ]
