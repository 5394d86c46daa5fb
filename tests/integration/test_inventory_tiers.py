"""The three tiers on the real stack: histories go active → passive → archived (a Parquet file,
the month dropped from the database) → restored, and at every step the passports, the
impact figures, the register's digest and the rebuild from the streams give the same
answers; no history row is lost or counted twice."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import httpx
import nats
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.inventory import store
from services.inventory.archive.handlers import archive_histories
from services.inventory.archive.store import ArchiveStore
from services.inventory.archive.tiers import TierRefused, archive_due, move_month, restore_month
from services.inventory.impact.figures import Period, impact_figures
from services.inventory.rebuild.digest import register_digest
from services.inventory.rebuild.replay import drop_schema, rebuild_and_compare
from shared.web.pages import TIMEZONE
from tests.support.commands import boucle_inventory
from tests.support.journeys import Clock, delivered, recycled
from tests.support.register import POINT, WORKSHOP, unit_of_work

# Older than any other test's devices (the archive tests' are 2,000 days old): the months
# moved here hold only this module's devices.
DAYS_AGO = 3300
PASSIVE_AFTER_DAYS = 3000
REBUILD_SCHEMA = "inventory_rebuild_tiers"


@pytest.fixture
async def bus(stack: Stack) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(stack.nats.url)
    yield client.jetstream()
    await client.close()


async def boucle_tier(stack: Stack, *args: str) -> tuple[int, str, str]:
    return await boucle_inventory(stack, "tier", *args)


async def rows_by_tier(pool: asyncpg.Pool, ids: Sequence[uuid.UUID]) -> tuple[int, int]:
    """History rows of ``ids`` in the active and the passive tables."""
    row = await pool.fetchrow(
        "SELECT (SELECT count(*) FROM device_history WHERE device_id = ANY($1::uuid[])), "
        "(SELECT count(*) FROM device_history_passive WHERE device_id = ANY($1::uuid[]))",
        list(ids),
    )
    assert row is not None
    return row[0], row[1]


def damage(path: Path) -> None:
    """One byte of the file's middle flipped."""
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))


async def month_of_journeys(pool: asyncpg.Pool, ids: Sequence[uuid.UUID]) -> date:
    months = await pool.fetch(
        "SELECT DISTINCT tier_month(state_since) AS month FROM devices WHERE id = ANY($1)",
        list(ids),
    )
    assert len(months) == 1, "the journeys all ended in one month"
    month: date = months[0]["month"]
    return month


async def test_histories_go_through_every_tier_and_every_reader_gives_the_same_answers(
    stack: Stack,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    old = Clock(days=DAYS_AGO)
    first_day = old.next.astimezone(TIMEZONE).date()
    ended = [
        await delivered(bus, inventory_pool, old),
        await delivered(bus, inventory_pool, old),
        await recycled(bus, inventory_pool, old),
    ]
    ids = [donation.id for donation in ended]
    month = await month_of_journeys(inventory_pool, ids)
    period = Period(start=first_day, end=first_day + timedelta(days=1))
    year = Period(start=first_day - timedelta(days=200), end=first_day + timedelta(days=165))

    async def answers() -> tuple[object, ...]:
        return (
            [await store.device_by_label(inventory_pool, d.label) for d in ended],
            await impact_figures(inventory_pool, period),
            await impact_figures(inventory_pool, year),
            await register_digest(inventory_pool, ids),
        )

    before = await answers()
    digest = before[-1]
    assert digest.history_rows == 7 + 7 + 3  # type: ignore[attr-defined]
    assert before[1].devices_collected == 3 and before[1].devices_delivered == 2  # type: ignore[attr-defined]
    assert await rows_by_tier(inventory_pool, ids) == (17, 0)

    # active → passive
    await archive_histories(unit_of_work(inventory_pool, ArchiveStore), PASSIVE_AFTER_DAYS)
    assert await rows_by_tier(inventory_pool, ids) == (0, 17)
    assert await answers() == before

    with pytest.raises(asyncpg.ReadOnlySQLTransactionError):  # the passive tier is read-only
        await inventory_pool.execute(
            "UPDATE device_history_passive SET state = 'ready' WHERE device_id = $1", ids[0]
        )

    # passive → archived, by the command
    code, out, err = await boucle_tier(stack, "move", f"{month:%Y-%m}", "--folder", str(tmp_path))
    assert code == 0, err
    assert f"archived 17 history rows of 3 device(s) of {month:%Y-%m}" in out
    assert "100%" in err  # the progress bar reached its end
    parquet = tmp_path / f"device_history_{month:%Y-%m}.parquet"
    assert parquet.read_bytes()[:4] == b"PAR1"
    assert await rows_by_tier(inventory_pool, ids) == (0, 0)
    partition = await inventory_pool.fetchval(
        "SELECT to_regclass($1)", f"device_history_passive_{month:%Y_%m}"
    )
    assert partition is None  # the month left the database
    assert await answers() == before
    for donation in ended:
        page = await http.get(f"{stack.url('inventory')}/d/{donation.label}")
        assert page.status_code == 200
        assert POINT in page.text and WORKSHOP in page.text
    try:
        rebuilt = await rebuild_and_compare(
            stack.postgres.dsn, stack.nats.url, schema=REBUILD_SCHEMA, device_ids=ids
        )
    finally:
        await drop_schema(stack.postgres.dsn, REBUILD_SCHEMA)
    assert rebuilt.live.differing(rebuilt.rebuilt) == []
    assert rebuilt.live.history_rows == rebuilt.rebuilt.history_rows == 17

    # Boucle's own footprint shows the archived month, on the page and in the open data
    own = (await http.get(f"{stack.url('inventory')}/api/v1/open-data/footprint.json")).json()
    size = await asyncio.to_thread(lambda: parquet.stat().st_size)
    assert own["archived_months"] >= 1 and own["archive_file_bytes"] >= size
    assert own["database_bytes"] > own["active_history_bytes"] > 0
    assert own["stream_bytes"] > 0 and own["events_per_day"] is not None
    assert own["saved_bytes"] > 0 and own["kg_co2e_per_year"] > 0
    page = await http.get(f"{stack.url('inventory')}/impact")
    assert 'id="empreinte-boucle"' in page.text and 'id="footprint-archive"' in page.text
    shown = re.search(r'id="footprint-archive" value="\d+">([^<]*)</data>', page.text)
    assert shown and re.fullmatch(r"[\d\s\u202f,.]+ Mo", shown.group(1)), shown
    assert f"archive ({own['archived_months']} mois)</th>" in page.text
    exported = await http.get(f"{stack.url('inventory')}/api/v1/open-data/footprint.csv")
    assert f"archive_file_bytes,{own['archive_file_bytes']}," in exported.text

    code, out, _ = await boucle_tier(stack, "verify", f"{month:%Y-%m}", "--folder", str(tmp_path))
    assert code == 0 and "file intact, rows intact" in out
    code, out, _ = await boucle_tier(stack, "status")
    assert code == 0 and f"{month:%Y-%m}  archived" in out

    # archived → restored (passive again), the file gone
    code, out, err = await boucle_tier(stack, "restore", f"{month:%Y-%m}")
    assert code == 0, err
    assert f"restored 17 history rows of {month:%Y-%m}" in out
    assert not parquet.exists()
    assert await rows_by_tier(inventory_pool, ids) == (0, 17)
    assert (
        await inventory_pool.fetchval("SELECT count(*) FROM tier_archived WHERE month = $1", month)
        == 0
    )
    duplicated = await inventory_pool.fetchval(
        "SELECT count(*) FROM (SELECT event_id FROM device_history_all "
        "WHERE device_id = ANY($1) GROUP BY 1 HAVING count(*) > 1) twice",
        ids,
    )
    assert duplicated == 0
    assert await answers() == before


async def test_a_damaged_file_is_found_and_never_restored(
    stack: Stack, bus: JetStreamContext, inventory_pool: asyncpg.Pool, tmp_path: Path
) -> None:
    old = Clock(days=DAYS_AGO + 62)  # a month of its own
    donation = await delivered(bus, inventory_pool, old)
    month = await month_of_journeys(inventory_pool, [donation.id])
    uow = unit_of_work(inventory_pool, ArchiveStore)
    await archive_histories(uow, PASSIVE_AFTER_DAYS)
    before = await store.device_by_label(inventory_pool, donation.label)
    archived = await move_month(uow, month, tmp_path)
    assert archived is not None
    with pytest.raises(TierRefused) as again:
        await move_month(uow, month, tmp_path)
    assert again.value.code == "tier.archived"

    intact = await asyncio.to_thread(Path(archived.location).read_bytes)
    damage(Path(archived.location))
    code, out, err = await boucle_tier(stack, "verify", f"{month:%Y-%m}")
    assert code == 1 and "file DAMAGED" in out, err
    with pytest.raises(TierRefused) as refused:
        await restore_month(uow, month)
    assert refused.value.code == "tier.damaged"
    assert await rows_by_tier(inventory_pool, [donation.id]) == (0, 0)  # nothing half-restored
    assert (
        await inventory_pool.fetchval("SELECT count(*) FROM tier_archived WHERE month = $1", month)
        == 1
    )
    assert before is not None and len(before.history) == 7

    await asyncio.to_thread(Path(archived.location).write_bytes, intact)  # mended
    assert await restore_month(uow, month) == 7
    assert await store.device_by_label(inventory_pool, donation.label) == before


async def test_a_month_with_journeys_still_active_is_not_archived(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool, tmp_path: Path
) -> None:
    old = Clock(days=DAYS_AGO + 124)
    moved = await delivered(bus, inventory_pool, old)
    late = await recycled(bus, inventory_pool, old)
    month = await month_of_journeys(inventory_pool, [moved.id, late.id])
    uow = unit_of_work(inventory_pool, ArchiveStore)
    await archive_histories(uow, PASSIVE_AFTER_DAYS)
    await inventory_pool.execute(  # as if the late one had not been moved yet
        "WITH back AS (DELETE FROM device_history_passive WHERE device_id = $1 RETURNING *) "
        "INSERT INTO device_history (device_id, at, state, subject, event_id, producer, "
        "place_name, correlation_id) SELECT device_id, at, state, subject, event_id, producer, "
        "place_name, correlation_id FROM back",
        late.id,
    )
    with pytest.raises(TierRefused) as refused:
        await move_month(uow, month, tmp_path)
    assert refused.value.code == "tier.still_active"
    assert await rows_by_tier(inventory_pool, [moved.id]) == (0, 7)
    assert not await asyncio.to_thread(lambda: list(tmp_path.iterdir()))

    await archive_histories(uow, PASSIVE_AFTER_DAYS)  # the late one's turn: then the month
    assert await rows_by_tier(inventory_pool, [late.id]) == (0, 3)
    moved = await move_month(uow, month, tmp_path)
    assert moved is not None and moved.rows == 7 + 3
    assert await restore_month(uow, month) == 7 + 3


async def test_the_periodic_job_archives_the_months_due_and_only_those(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool, tmp_path: Path
) -> None:
    donation = await delivered(bus, inventory_pool, Clock(days=DAYS_AGO + 186))
    month = await month_of_journeys(inventory_pool, [donation.id])
    uow = unit_of_work(inventory_pool, ArchiveStore)
    await archive_histories(uow, PASSIVE_AFTER_DAYS)
    before = await store.device_by_label(inventory_pool, donation.label)
    # months whose end is more than 100 whole months ago: this module's (about 108 months
    # old), not the other tests' (at most about 66)
    archived = await archive_due(uow, 100, tmp_path)
    try:
        months = {done.month for done in archived}
        assert month in months
        assert all(_months_ago(done) > 100 for done in months)
        assert await rows_by_tier(inventory_pool, [donation.id]) == (0, 0)
        assert await store.device_by_label(inventory_pool, donation.label) == before
        assert await archive_due(uow, 100, tmp_path) == []  # nothing more is due
    finally:
        for done in archived:  # the other tests find the register as they left it
            await restore_month(uow, done.month)
    assert await rows_by_tier(inventory_pool, [donation.id]) == (0, 7)


def _months_ago(month: date) -> int:
    today = date.today()
    return (today.year - month.year) * 12 + today.month - month.month
