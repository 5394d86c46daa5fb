"""The register at metropolis scale: passports, coordinator searches and a year's impact
figures read from 1,000,000 devices and 10,000,000 history rows, tiered as in production.

Run with ``python -m tests.benchmarks.bench_inventory_scale`` (``--small`` for a quick run).
The data is generated in PostgreSQL itself (generate_series), on an embedded server of its
own; ``--data`` keeps it in a folder and reuses it on the next run of the same size.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TypeVar

import asyncpg

from boucle.devstack.stack import Stack, any_free_ports
from services.inventory import store
from services.inventory.archive.handlers import archive_histories
from services.inventory.archive.store import ArchiveStore
from services.inventory.impact.figures import Period, impact_figures
from services.inventory.lifecycle.domain import State
from services.inventory.register import oversight
from services.inventory.register.oversight import DeviceFilter
from shared.db import create_pool
from shared.migrations import migrate
from shared.uow import PostgresUnitOfWork
from tests.benchmarks.bench_matching import COMMUNES, POSITIONS, print_machine
from tests.benchmarks.report import percentile, verdict

T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "inventory" / "migrations"
TARGETS = {"passport": 0.020, "coordinator search": 0.100, "impact, a year and a commune": 0.100}
ARCHIVE_AFTER_DAYS = 365
YEAR = 2025
COMMUNE = "Lille"
WORKSHOPS = {"Atelier Fives": "Lille", "Atelier Moulins": "Lille", "Atelier Épeule": "Roubaix"}
# Shares of devices in each state (out of 20): most donations end up delivered.
STATE_SHARES = (["delivered"] * 8 + ["recycled"] * 2 + ["ready"] * 2 + ["in_refurbishment"] * 3
                + ["received", "in_transit", "reserved", "returned", "dismantled"])  # fmt: skip
TYPE_SHARES = ["laptop"] * 9 + ["smartphone"] * 4 + ["tablet"] * 3 + ["desktop"] * 3 + ["monitor"]
# The steps of a journey, taken in turn (a long history loops through reservations).
JOURNEY = (
    ("received", "collection.device.received"),
    ("in_refurbishment", "refurbishment.device.checked_in"),
    ("in_refurbishment", "refurbishment.device.erased"),
    ("in_refurbishment", "refurbishment.device.graded"),
    ("ready", "refurbishment.device.released"),
    ("reserved", "purchase.reservation.requested"),
    ("ready", "inventory.reservation.expired"),
    ("reserved", "purchase.reservation.requested"),
    ("ready", "purchase.reservation.released"),
    ("delivered", "purchase.device.handed_over"),
)


def _sql_array(values: Sequence[str]) -> str:
    return "ARRAY[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def _label(number: int) -> str:
    """A unique code per generated device (hexadecimal digits are Crockford symbols)."""
    return f"{number:08X}0"


GENERATE_DEVICES = f"""
CREATE UNLOGGED TABLE generated AS
SELECT i, state, registered_at,
       least(registered_at + r3 * interval '90 days', now()) AS state_since,
       points[1 + i % cardinality(points)] AS point,
       workshops[1 + i % cardinality(workshops)] AS workshop,
       types[1 + i % cardinality(types)] AS device_type
FROM (SELECT i, ({_sql_array(STATE_SHARES)})[1 + floor(random() * {len(STATE_SHARES)})::int]
             AS state,
             timestamptz '2022-12-01' + random() * interval '1440 days' AS registered_at,
             random() AS r3
      FROM generate_series(1, {{devices}}) AS i) AS draws,
     (SELECT array_agg(name ORDER BY name) FILTER (WHERE kind = 'collection_point') AS points,
             array_agg(name ORDER BY name) FILTER (WHERE kind = 'workshop') AS workshops
      FROM places) AS known,
     (SELECT {_sql_array(TYPE_SHARES)} AS types) AS kinds
"""
INSERT_DEVICES = """
INSERT INTO devices (id, label, device_type, state, registered_at, state_since, place_name,
                     grade, functional_pass, graded_at, specs, origin_place)
SELECT md5('device' || i)::uuid, lpad(upper(to_hex(i)), 8, '0') || '0', device_type, state,
       registered_at, state_since,
       CASE WHEN state IN ('received', 'in_transit') THEN point
            WHEN state IN ('delivered', 'returned') THEN '' ELSE workshop END,
       CASE WHEN state IN ('ready', 'reserved', 'delivered')
            THEN (ARRAY['A', 'B', 'B', 'C'])[1 + i % 4] END,
       CASE WHEN state IN ('ready', 'reserved', 'delivered') THEN true END,
       CASE WHEN state IN ('ready', 'reserved', 'delivered') THEN registered_at END,
       jsonb_build_object('brand', 'Lenovo', 'model', 'ThinkPad T480'),
       point
FROM generated
"""
INSERT_HISTORY = f"""
INSERT INTO device_history (device_id, at, state, subject, event_id, producer, place_name,
                            correlation_id)
SELECT md5('device' || g.i)::uuid,
       g.registered_at + (g.state_since - g.registered_at) * (step - 1) / $1::int,
       (journey)[1 + (step - 1) % {len(JOURNEY)}][1],
       (journey)[1 + (step - 1) % {len(JOURNEY)}][2],
       md5('event' || g.i || '-' || step)::uuid,
       split_part((journey)[1 + (step - 1) % {len(JOURNEY)}][2], '.', 1),
       CASE WHEN step = 1 THEN g.point ELSE g.workshop END,
       'journey-' || g.i
FROM generated g, generate_series(1, $1::int) AS step,
     (SELECT ARRAY[{", ".join(f"ARRAY['{s}', '{t}']" for s, t in JOURNEY)}] AS journey) AS j
"""
INSERT_RESERVATIONS = """
INSERT INTO reservations (request_id, device_id, household_reference, status, requested_at,
                          expires_at, ended_at)
SELECT md5('request' || i)::uuid, md5('device' || i)::uuid, 'foyer-' || (i % 400000),
       CASE WHEN state = 'delivered' THEN 'delivered' ELSE 'active' END,
       state_since - interval '3 days',
       CASE WHEN state = 'reserved' THEN now() + interval '72 hours' END,
       CASE WHEN state = 'delivered' THEN state_since END
FROM generated WHERE state IN ('delivered', 'reserved')
"""
# Without its indexes while the rows go in, rebuilt after: the same constraints in the end.
DROP_HISTORY_INDEXES = """
ALTER TABLE device_history DROP CONSTRAINT device_history_device_id_fkey,
                           DROP CONSTRAINT device_history_event_id_key;
DROP INDEX device_history_by_device;
"""
RESTORE_HISTORY_INDEXES = """
ALTER TABLE device_history ADD CONSTRAINT device_history_event_id_key UNIQUE (event_id);
CREATE INDEX device_history_by_device ON device_history (device_id, at);
ALTER TABLE device_history ADD CONSTRAINT device_history_device_id_fkey
    FOREIGN KEY (device_id) REFERENCES devices (id);
"""


async def generate(dsn: str, pool: asyncpg.Pool, devices: int, history: int) -> None:
    """Places, devices, their histories and reservations, then the archive tier as the
    periodic job leaves it (on a connection of its own: no statement timeout)."""
    steps = max(1, history // devices)
    connection = await asyncpg.connect(dsn, server_settings={"search_path": "inventory"})
    try:
        await connection.execute(
            "SET synchronous_commit = off; SET maintenance_work_mem = '512MB'; "
            "SELECT setseed(0.2026)"
        )
        await connection.executemany(
            "INSERT INTO places (source_id, name, commune, kind, updated_at) "
            "VALUES (md5($1)::uuid, $1, $2, $3, now())",
            [(name, commune_of(name), "collection_point") for name in POSITIONS if
             not name.startswith("Atelier")]
            + [(name, commune, "workshop") for name, commune in WORKSHOPS.items()],
        )  # fmt: skip
        # generated in bulk without the impact triggers, then counted once, as
        # `boucle inventory recount` does
        await connection.execute("SET session_replication_role = replica")
        await timed_step("draws", connection.execute(GENERATE_DEVICES.format(devices=int(devices))))
        await timed_step("devices", connection.execute(INSERT_DEVICES))
        await connection.execute(DROP_HISTORY_INDEXES)
        await timed_step("history rows", connection.execute(INSERT_HISTORY, steps))
        await timed_step("history indexes", connection.execute(RESTORE_HISTORY_INDEXES))
        await timed_step("reservations", connection.execute(INSERT_RESERVATIONS))
        await connection.execute("SET session_replication_role = origin")
        await timed_step("impact counters", connection.execute("SELECT impact_recount()"))
        await connection.execute("DROP TABLE generated")
        archived = await timed_step(
            "archive",
            archive_histories(
                PostgresUnitOfWork(pool, ArchiveStore, wake=lambda: None),
                ARCHIVE_AFTER_DAYS,
                batch=2000,
            ),
        )
        print(f"    archived {archived.history_rows:,} rows of {archived.devices:,} devices")
        await timed_step("vacuum analyze", connection.execute("VACUUM ANALYZE"))
        await connection.execute(f"CREATE TABLE generated_size AS SELECT {int(devices)} AS devices")
    finally:
        await connection.close()


def commune_of(place: str) -> str:
    return next(commune for commune in COMMUNES if place.endswith(f"de {commune}"))


async def timed_step(name: str, work: Awaitable[T]) -> T:
    started = time.perf_counter()
    result = await work
    print(f"  generated {name} in {time.perf_counter() - started:.1f} s", flush=True)
    return result


async def print_data_size(pool: asyncpg.Pool) -> None:
    counts = await pool.fetchrow(
        "SELECT (SELECT count(*) FROM devices) AS devices,"
        " (SELECT count(*) FROM device_history) AS active,"
        " (SELECT count(*) FROM device_history_passive) AS archived,"
        " (SELECT count(*) FROM reservations) AS reservations,"
        " pg_database_size(current_database()) AS bytes,"
        " current_setting('shared_buffers') AS shared_buffers,"
        " current_setting('work_mem') AS work_mem"
    )
    assert counts is not None
    print(
        f"Data: {counts['devices']:,} devices, {counts['active'] + counts['archived']:,} history "
        f"rows ({counts['active']:,} active, {counts['archived']:,} archived after "
        f"{ARCHIVE_AFTER_DAYS} days), {counts['reservations']:,} reservations; database "
        f"{counts['bytes'] / 2**30:.2f} GiB; PostgreSQL shared_buffers "
        f"{counts['shared_buffers']}, work_mem {counts['work_mem']}, fsync on"
    )


async def latencies(work: Callable[[int], Awaitable[object]], runs: int) -> list[float]:
    """Seconds taken by each of ``runs`` calls, one after the other (after one warm-up)."""
    await work(0)
    seconds = []
    for run in range(runs):
        started = time.perf_counter()
        await work(run)
        seconds.append(time.perf_counter() - started)
    return seconds


def searches(rng: random.Random) -> list[tuple[str, DeviceFilter]]:
    """What coordinators ask: a stage, a kind at a stage, a commune, the stuck ones, a place."""
    return [
        ("state", DeviceFilter(state=rng.choice(list(State)))),
        ("ready + type", DeviceFilter(state=State.READY, device_type=rng.choice(TYPE_SHARES))),
        ("ready + grade", DeviceFilter(state=State.READY, grade=rng.choice("ABC"))),
        ("commune", DeviceFilter(commune=rng.choice(COMMUNES[:12]))),
        ("stuck", DeviceFilter(state=State.IN_REFURBISHMENT, stuck_days=rng.choice((7, 30)))),
        ("place", DeviceFilter(place=rng.choice(list(WORKSHOPS)))),
        ("no filter", DeviceFilter()),
    ]


class Measures(dict[str, list[float]]):
    """Seconds per call of each measure, and of each kind of search."""

    searches: dict[str, list[float]]


async def measure(pool: asyncpg.Pool, devices: int, runs: int, seed: int) -> Measures:
    rng = random.Random(seed)
    labels = [_label(rng.randint(1, devices)) for _ in range(runs + 1)]
    filters = [rng.choice(searches(rng)) for _ in range(runs + 1)]
    by_kind: dict[str, list[float]] = {}

    async def passport(run: int) -> None:
        assert await store.device_by_label(pool, labels[run]) is not None

    async def search(run: int) -> None:
        kind, where = filters[run]
        started = time.perf_counter()
        await oversight.search_devices(pool, where)
        by_kind.setdefault(kind, []).append(time.perf_counter() - started)

    async def impact(run: int) -> None:
        year = Period(start=date(YEAR, 1, 1), end=date(YEAR, 12, 31))
        figures = await impact_figures(pool, year)
        assert any(commune.commune == COMMUNE for commune in figures.by_commune)

    measures = Measures(
        {
            "passport": await latencies(passport, runs),
            "coordinator search": await latencies(search, runs),
            "impact, a year and a commune": await latencies(impact, max(5, min(20, runs // 20))),
        }
    )
    measures.searches = by_kind
    return measures


def print_measures(measures: Measures) -> bool:
    print(f"  {'measure':<30}{'runs':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  target")
    passed = True
    for name, seconds in measures.items():
        p95 = percentile(seconds, 0.95)
        ok = p95 < TARGETS[name]
        passed &= ok
        print(
            f"  {name:<30}{len(seconds):>6}{percentile(seconds, 0.5) * 1000:>9.1f}"
            f"{p95 * 1000:>9.1f}{max(seconds) * 1000:>9.1f}  p95 < {TARGETS[name] * 1000:.0f} ms: "
            f"{verdict(ok)}"
        )
        if name == "coordinator search":
            kinds = ", ".join(
                f"{kind} {percentile(times, 0.5) * 1000:.0f}/{percentile(times, 0.95) * 1000:.0f}"
                for kind, times in sorted(measures.searches.items())
            )
            print(f"    by search, p50/p95 ms: {kinds}")
    return passed


async def run(dsn: str, devices: int, history: int, runs: int, seed: int) -> bool:
    await migrate(dsn, "inventory", MIGRATIONS)
    pool = await create_pool(dsn, "inventory", 1, 4)
    try:
        generated = await pool.fetchval("SELECT to_regclass('generated_size') IS NOT NULL")
        if not generated:
            if await pool.fetchval("SELECT count(*) FROM devices"):
                raise SystemExit("the data folder holds an unfinished generation: remove it")
            print(f"Generating {devices:,} devices and {history:,} history rows…", flush=True)
            await generate(dsn, pool, devices, history)
        elif (existing := await pool.fetchval("SELECT devices FROM generated_size")) != devices:
            raise SystemExit(f"the data folder holds {existing:,} devices, not {devices:,}")
        await print_data_size(pool)
        measures = await measure(pool, devices, runs, seed)
    finally:
        await pool.close()
    print("Latency, one request at a time, from the service's own queries (asyncpg pool):")
    return print_measures(measures)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=1_000_000)
    parser.add_argument("--history", type=int, default=10_000_000, help="history rows")
    parser.add_argument("--small", action="store_true", help="20,000 devices, 200,000 rows")
    parser.add_argument("--runs", type=int, default=500, help="calls per measure")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--data", type=Path, default=None, help="keep (and reuse) the data here")
    args = parser.parse_args(argv)
    if args.small:
        args.devices, args.history, args.runs = 20_000, 200_000, min(args.runs, 200)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print_machine()
    folder = args.data or Path(tempfile.mkdtemp(prefix="boucle-scale-"))
    stack = Stack(folder, any_free_ports())
    stack.postgres.start()
    try:
        passed = asyncio.run(run(stack.postgres.dsn, args.devices, args.history, args.runs,
                                 args.seed))  # fmt: skip
    finally:
        stack.postgres.stop()
        if args.data is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
