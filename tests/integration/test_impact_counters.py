"""The impact figures read daily counters kept by triggers as devices move: after any sequence
of registrations, state changes, weighings, reservations, hand-overs (a device handed over
again after a return included) and archiving, every period's counts equal those computed from
the register at read time, and ``impact_recount()`` rebuilds the very same counters.

Each run works in a schema of its own with inventory's migrations, on the session's
PostgreSQL; the sequences are random but seeded, so a failure is replayed by the next run.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from boucle.devstack.stack import Stack
from boucle.services import migrations_folder
from services.inventory.archive.handlers import archive_histories
from services.inventory.archive.store import ArchiveStore
from services.inventory.impact.counters import COUNTER_TABLES, compact, recount
from services.inventory.impact.figures import Counts, Period, Weighed, counted, impact_figures
from shared.db import create_pool
from shared.migrations import migrate
from tests.support.register import unit_of_work

STATES = ("received", "in_refurbishment", "ready", "reserved", "delivered", "recycled")
TYPES = ("laptop", "smartphone", "tablet")
PLACES = ("Médiathèque de Roubaix", "Mairie de Lille", "Maison de quartier Wazemmes", "")
HOUSEHOLDS = tuple(f"household-{n}" for n in range(6))
START = datetime(2025, 12, 25, 20, 0, tzinfo=UTC)  # around midnight in Paris, a new year
SEEDS = (1, 2, 3, 4)
MOVES = 160


@pytest.fixture
async def register(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    schema = f"impact_{uuid.uuid4().hex[:10]}"
    await migrate(stack.postgres.dsn, schema, migrations_folder("inventory"))
    pool = await create_pool(stack.postgres.dsn, schema, 1, 2)
    yield pool
    await pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await pool.close()


class Moves:
    """Random but plausible writes to the register, as the consumers would make them."""

    def __init__(self, pool: asyncpg.Pool, seed: int) -> None:
        self.pool = pool
        self.random = random.Random(seed)
        self.devices: list[uuid.UUID] = []
        self.active: dict[uuid.UUID, datetime] = {}  # reservation -> when requested
        self.clock = START

    def _later(self) -> datetime:
        self.clock += timedelta(hours=self.random.choice((1, 3, 7, 26, 24 * 20)))
        return self.clock

    async def one(self) -> None:
        moves = [self.register]
        if self.devices:
            moves += [self.change_state, self.weigh, self.reserve, self.reserve]
        if self.active:
            moves += [self.end_reservation, self.end_reservation, self.end_reservation]
        await self.random.choice(moves)()

    async def register(self) -> None:
        device = uuid.uuid4()
        at = self._later()
        await self.pool.execute(
            "INSERT INTO devices (id, label, device_type, state, registered_at, state_since, "
            "origin_place, source, weight_kg) VALUES ($1, $2, $3, 'received', $4, $4, $5, $6, $7)",
            device,
            device.hex[:9].upper(),
            self.random.choice(TYPES),
            at,
            self.random.choice(PLACES),
            self.random.choice(("donation", "donation", "purchase")),
            self.random.choice((None, 1.5, 2.25, 0.2)),
        )
        await self._history(device, at, "received")
        self.devices.append(device)

    async def change_state(self) -> None:
        device, state, at = (
            self.random.choice(self.devices),
            self.random.choice(STATES),
            self._later(),
        )
        await self.pool.execute(
            "UPDATE devices SET state = $2, state_since = $3 WHERE id = $1", device, state, at
        )
        await self._history(device, at, state)

    async def weigh(self) -> None:
        await self.pool.execute(
            "UPDATE devices SET weight_kg = $2 WHERE id = $1",
            self.random.choice(self.devices),
            self.random.choice((None, 0.9, 3.1)),
        )

    async def reserve(self) -> None:
        device, request, at = self.random.choice(self.devices), uuid.uuid4(), self._later()
        busy = await self.pool.fetchval(
            "SELECT 1 FROM reservations WHERE device_id = $1 AND status = 'active'", device
        )
        rejected = bool(busy) or self.random.random() < 0.1
        await self.pool.execute(
            "INSERT INTO reservations (request_id, device_id, household_reference, status, "
            "requested_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6)",
            request,
            device,
            self.random.choice(HOUSEHOLDS),
            "rejected" if rejected else "active",
            at,
            at if rejected else None,
        )
        if not rejected:
            self.active[request] = at

    async def end_reservation(self) -> None:
        request = self.random.choice(sorted(self.active))
        del self.active[request]
        status = self.random.choice(("delivered", "delivered", "expired", "released"))
        at = self._later()
        device = await self.pool.fetchval(
            "UPDATE reservations SET status = $2, ended_at = $3 WHERE request_id = $1 "
            "RETURNING device_id",
            request,
            status,
            at,
        )
        if status == "delivered":
            await self.pool.execute(
                "UPDATE devices SET state = 'delivered', state_since = $2 WHERE id = $1",
                device,
                at,
            )
            await self._history(device, at, "delivered")

    async def _history(self, device: uuid.UUID, at: datetime, state: str) -> None:
        await self.pool.execute(
            "INSERT INTO device_history (device_id, at, state, subject, event_id, producer) "
            "VALUES ($1, $2, $3, 'test.move', $4, 'test')",
            device,
            at,
            state,
            uuid.uuid4(),
        )


async def counted_at_read_time(pool: asyncpg.Pool, period: Period) -> Counts:
    """The same counts, from the register itself: what the counters must always equal."""
    day = "(({at}) AT TIME ZONE 'Europe/Paris')::date"
    within = "($1::date IS NULL OR {day} >= $1) AND ($2::date IS NULL OR {day} <= $2)"
    registered = within.format(day=day.format(at="registered_at"))
    first_handovers = (
        "(SELECT DISTINCT ON (d.id) d.*, " + day.format(at="r.ended_at") + " AS day "
        "FROM reservations r JOIN devices d ON d.id = r.device_id "
        "WHERE r.status = 'delivered' ORDER BY d.id, r.ended_at) f "
        "WHERE " + within.format(day="f.day")
    )
    bounds = (period.start, period.end)

    async def by(key: str, source: str) -> dict[str, int]:
        rows = await pool.fetch(
            f"SELECT {key} AS key, count(*) AS n FROM {source} GROUP BY 1", *bounds
        )
        return {row["key"]: row["n"] for row in rows}

    donated = f"devices WHERE source = 'donation' AND {registered}"
    delivered = await pool.fetch(
        "SELECT device_type, count(*) AS n, count(weight_kg) AS weighed, "
        f"coalesce(sum(weight_kg::float8), 0) AS kg FROM {first_handovers} GROUP BY 1",
        *bounds,
    )
    month = "to_char({}, 'YYYY-MM')"
    households = await pool.fetchval(
        "SELECT count(*) FROM (SELECT household_reference, min("
        + day.format(at="ended_at")
        + ") AS day FROM reservations WHERE status = 'delivered' GROUP BY 1) h WHERE "
        + within.format(day="h.day"),
        *bounds,
    )
    return Counts(
        by_state=await by("state", donated),
        delivered_by_type={row["device_type"]: row["n"] for row in delivered},
        weighed={row["device_type"]: Weighed(row["weighed"], row["kg"]) for row in delivered},
        households=households,
        collected_by_month=await by(month.format(day.format(at="registered_at")), donated),
        delivered_by_month=await by(month.format("f.day"), first_handovers),
        collected_by_place=await by("origin_place", donated),
        delivered_by_place=await by(
            "f.origin_place", first_handovers + " AND f.source = 'donation'"
        ),
    )


def assert_same(kept: Counts, truth: Counts, period: Period) -> None:
    kept_weights = {t: (w.devices, round(w.kg, 6)) for t, w in kept.weighed.items()}
    true_weights = {t: (w.devices, round(w.kg, 6)) for t, w in truth.weighed.items()}
    assert kept._replace(weighed={}) == truth._replace(weighed={}), period
    assert kept_weights == true_weights, period


def periods(moves: Moves) -> list[Period]:
    first, last = START.date(), moves.clock.date()
    chosen = [Period(), Period(start=date(2026, 1, 1)), Period(end=date(2025, 12, 31))]
    chosen.append(Period(start=date(2026, 1, 1), end=date(2026, 2, 28)))
    for _ in range(6):
        start = first + timedelta(days=moves.random.randrange(0, (last - first).days + 1))
        end = start + timedelta(days=moves.random.randrange(0, 90))
        chosen.append(Period(start=start, end=end))
    return chosen


@pytest.mark.parametrize("seed", SEEDS)
async def test_the_counters_equal_the_register_after_any_sequence_of_moves(
    register: asyncpg.Pool, seed: int
) -> None:
    moves = Moves(register, seed)
    delivered_twice = 0
    for step in range(MOVES):
        await moves.one()
        if step == MOVES // 2:  # archived histories do not change what was counted
            await archive_histories(unit_of_work(register, ArchiveStore, moves.clock), 30)
        if moves.random.random() < 0.05:  # some moves folded into the counters, some not
            await compact(register)
    await archive_histories(
        unit_of_work(register, ArchiveStore, moves.clock + timedelta(days=60)), 30
    )
    delivered_twice = await register.fetchval(
        "SELECT count(*) FROM (SELECT device_id FROM reservations WHERE status = 'delivered' "
        "GROUP BY 1 HAVING count(*) > 1) twice"
    )
    archived = await register.fetchval("SELECT count(*) FROM device_history_passive")
    assert archived > 0, "the sequence archived nothing: the passive tier was not exercised"

    async with register.acquire() as connection:
        for period in periods(moves):
            assert_same(
                await counted(connection, period),
                await counted_at_read_time(register, period),
                period,
            )
    everything = await impact_figures(register, Period())
    assert everything.devices_collected > 0 and everything.devices_delivered > 0
    print(f"\nseed {seed}: {len(moves.devices)} devices, {delivered_twice} handed over twice")


async def test_a_recount_rebuilds_exactly_the_counters_the_triggers_kept(
    register: asyncpg.Pool,
) -> None:
    moves = Moves(register, 99)
    for _ in range(MOVES):
        await moves.one()
    await compact(register)
    kept = {table: await _rows(register, table) for table in COUNTER_TABLES}
    await recount(register)
    rebuilt = {table: await _rows(register, table) for table in COUNTER_TABLES}
    for table in COUNTER_TABLES:
        assert rebuilt[table] == kept[table], table
    assert rebuilt["impact_collected"], "nothing was counted"


async def _rows(pool: asyncpg.Pool, table: str) -> list[tuple[object, ...]]:
    """A counter table's rows, those counting nothing left out (a kept counter may fall back
    to zero where a recount has no row), in a stable order."""
    count = "households" if table == "impact_households" else "devices"
    where = "" if "first" in table else f"WHERE {count} <> 0"
    rows = await pool.fetch(f"SELECT * FROM {table} {where}")
    return sorted(
        (tuple(round(v, 6) if isinstance(v, float) else v for v in row.values()) for row in rows),
        key=repr,
    )
