"""The three data tiers measured: the bytes each takes and the read time of a passport and of
a year's impact figures in each (active, passive, archived as Parquet files).

Run with ``python -m tests.benchmarks.bench_tiers`` (20,000 devices and 200,000 history rows;
``--full`` for 1,000,000 devices and 10,000,000 rows, which takes a while). The register is
generated as ``bench_inventory_scale`` generates it (histories of journeys ended more than a
year ago already passive), then every passive month but the last is archived into a folder.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import asyncpg

from boucle.devstack.stack import Stack, any_free_ports
from services.inventory import store
from services.inventory.archive.store import ArchiveStore
from services.inventory.archive.tiers import move_month, restore_month
from services.inventory.impact.figures import Period, impact_figures
from shared.db import create_pool
from shared.migrations import migrate
from shared.uow import PostgresUnitOfWork
from tests.benchmarks.bench_inventory_scale import MIGRATIONS, YEAR, generate, latencies
from tests.benchmarks.bench_matching import print_machine
from tests.benchmarks.report import percentile

LABELS_IN = {
    "active": "SELECT d.label FROM devices d WHERE EXISTS "
    "(SELECT 1 FROM device_history h WHERE h.device_id = d.id) ORDER BY random() LIMIT $1",
    "passive": "SELECT d.label FROM devices d WHERE d.id IN (SELECT device_id FROM "
    "device_history_passive) ORDER BY random() LIMIT $1",
    "archived": "SELECT d.label FROM devices d WHERE d.id IN (SELECT device_id FROM "
    "tier_archived_devices) ORDER BY random() LIMIT $1",
}


async def tier_bytes(pool: asyncpg.Pool) -> dict[str, int]:
    row = await pool.fetchrow(
        "SELECT pg_total_relation_size('device_history') AS active, "
        "coalesce((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
        "WHERE inhparent = 'device_history_passive'::regclass), 0)::bigint AS passive, "
        "(SELECT coalesce(sum(bytes), 0)::bigint FROM tier_archived) AS archived, "
        "(SELECT coalesce(sum(database_bytes), 0)::bigint FROM tier_archived) AS before, "
        "(SELECT count(*) FROM device_history) AS active_rows, "
        "(SELECT count(*) FROM device_history_passive) AS passive_rows, "
        "(SELECT coalesce(sum(rows), 0)::bigint FROM tier_archived) AS archived_rows"
    )
    assert row is not None
    return dict(row)


def print_bytes(sizes: dict[str, int]) -> None:
    for tier in ("active", "passive", "archived"):
        rows = sizes[f"{tier}_rows"]
        per_row = sizes[tier] / rows if rows else 0
        print(
            f"  {tier:<9}{rows:>12,} rows {sizes[tier] / 2**20:>10.1f} MiB "
            f"({per_row:.0f} bytes a row)"
        )
    if sizes["before"]:
        print(
            f"  the archived months took {sizes['before'] / 2**20:.1f} MiB in the database, "
            f"{sizes['archived'] / 2**20:.1f} MiB as files "
            f"({sizes['before'] / max(sizes['archived'], 1):.1f} times less)"
        )


async def read_times(pool: asyncpg.Pool, runs: int) -> None:
    print(f"  {'read':<28}{'runs':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for tier, query in LABELS_IN.items():
        labels = [row["label"] for row in await pool.fetch(query, runs + 1)]
        if not labels:
            print(f"  passport, {tier:<18} (no device in this tier)")
            continue

        async def passport(run: int, labels: list[str] = labels) -> None:
            assert await store.device_by_label(pool, labels[run % len(labels)]) is not None

        show(f"passport, {tier}", await latencies(passport, runs))

    async def year(run: int) -> None:
        await impact_figures(pool, Period(start=date(YEAR, 1, 1), end=date(YEAR, 12, 31)))

    show("impact figures, a year", await latencies(year, max(5, runs // 20)))


def show(name: str, seconds: list[float]) -> None:
    print(
        f"  {name:<28}{len(seconds):>6}{percentile(seconds, 0.5) * 1000:>9.1f}"
        f"{percentile(seconds, 0.95) * 1000:>9.1f}{max(seconds) * 1000:>9.1f}",
        flush=True,
    )


async def run(dsn: str, devices: int, history: int, runs: int, folder: Path) -> None:
    await migrate(dsn, "inventory", MIGRATIONS)
    pool = await create_pool(dsn, "inventory", 1, 4, statement_timeout=3600)
    uow = PostgresUnitOfWork(pool, ArchiveStore, wake=lambda: None)
    try:
        print(f"Generating {devices:,} devices and {history:,} history rows…", flush=True)
        await generate(dsn, pool, devices, history)
        print("Active and passive (before archiving):")
        print_bytes(await tier_bytes(pool))
        async with uow.begin() as work:
            months = [passive.month for passive in await work.store.passive_months()]
        started = time.perf_counter()
        for month in months[:-1]:  # the last month stays passive
            await move_month(uow, month, folder)
        print(
            f"Archived {len(months) - 1} month(s) as Parquet (zstd) in "
            f"{time.perf_counter() - started:.1f} s:"
        )
        await pool.execute("VACUUM ANALYZE")
        sizes = await tier_bytes(pool)
        print_bytes(sizes)
        print("Read time in each tier, one request at a time:")
        await read_times(pool, runs)
        if len(months) > 1:
            started = time.perf_counter()
            restored = await restore_month(uow, months[0])
            print(
                f"Restored {months[0]:%Y-%m} ({restored:,} rows) in "
                f"{time.perf_counter() - started:.1f} s"
            )
    finally:
        await pool.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="1,000,000 devices, 10,000,000 rows")
    parser.add_argument("--runs", type=int, default=200, help="calls per measure")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    devices, history = (1_000_000, 10_000_000) if args.full else (20_000, 200_000)
    print_machine()
    folder = Path(tempfile.mkdtemp(prefix="boucle-tiers-"))
    stack = Stack(folder / "stack", any_free_ports())
    stack.postgres.start()
    try:
        asyncio.run(run(stack.postgres.dsn, devices, history, args.runs, folder / "archive"))
    finally:
        stack.postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
