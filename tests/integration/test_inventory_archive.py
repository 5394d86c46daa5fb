"""The archive tier on the real stack: histories of devices delivered or recycled long ago move
to the archive table, and passports and impact figures read them as before; nothing is lost,
nothing is counted twice, and archiving again moves nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import httpx
import nats
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.inventory import store
from services.inventory.archive.handlers import archive_histories
from services.inventory.archive.store import ArchiveStore
from services.inventory.impact.figures import Period, impact_figures
from services.inventory.rebuild.digest import register_digest
from shared.contracts.purchase import DeviceReturned
from shared.web.pages import TIMEZONE
from tests.support.commands import boucle_inventory
from tests.support.journeys import Clock, delivered, history_rows, publish_dated, ready, recycled
from tests.support.register import POINT, WORKSHOP, unit_of_work, until_state

# Long enough ago that no other test's devices are that old.
ARCHIVE_AFTER_DAYS = 2000


@pytest.fixture
async def bus(stack: Stack) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(stack.nats.url)
    yield client.jetstream()
    await client.close()


async def run_archive_command(stack: Stack, days: int) -> str:
    code, out, err = await boucle_inventory(stack, "archive", "--older-than-days", str(days))
    assert code == 0, err
    return out


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

    archived = await history_rows(inventory_pool, "device_history_passive", ids)
    assert archived == 7 + 7 + 3
    assert await history_rows(inventory_pool, "device_history", ids) == active_before - archived
    duplicated = await inventory_pool.fetchval(
        "SELECT count(*) FROM device_history h JOIN device_history_passive a USING (event_id)"
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
