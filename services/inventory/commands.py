"""``boucle inventory archive``, ``tier``, ``recount`` and ``rebuild``: maintenance of the
register from the command line, against the database (and bus) of a running stack."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import resource
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TypeVar

import asyncpg
import nats
import uvloop

from services.inventory.archive.event_store import ArchivedEventsStore
from services.inventory.archive.events import archive_events_due, verify_event_files
from services.inventory.archive.handlers import archive_histories
from services.inventory.archive.store import ArchiveStore
from services.inventory.archive.tiers import (
    TierRefused,
    month_of,
    move_month,
    restore_month,
    verify_month,
)
from services.inventory.impact.counters import recount
from services.inventory.rebuild.replay import EventsMissing, rebuild_and_compare
from shared.config import load_settings
from shared.db import create_pool
from shared.uow import PostgresUnitOfWork, UnitOfWork

SHOWN_DIFFERENCES = 10
S = TypeVar("S")


def run_inventory_command(args: argparse.Namespace, local_dsn: str, local_nats_url: str) -> int:
    """``local_dsn`` and ``local_nats_url``: the servers of ``boucle up``, used when neither an
    option nor the environment names others."""
    dsn = args.database_url or os.environ.get("BOUCLE_DATABASE_URL") or local_dsn
    try:
        if args.action == "archive":
            days = args.older_than_days
            if days is None:
                days = load_settings(service="inventory").inventory.passive_after_days
            return asyncio.run(_archive(dsn, days))
        if args.action == "recount":
            return asyncio.run(_recount(dsn))
        nats_url = args.nats_url or os.environ.get("BOUCLE_NATS_URL") or local_nats_url
        if args.action == "tier":
            return _tier(args, dsn, nats_url)
        return uvloop.run(_rebuild(dsn, nats_url, args.keep))  # as the services run
    except OSError as error:
        print(f"cannot reach the servers ({error}): is `boucle up` running?", file=sys.stderr)
        return 2
    except EventsMissing as missing:
        print(f"cannot rebuild: {missing}", file=sys.stderr)
        return 2


@contextlib.asynccontextmanager
async def _register(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """The register's database, for an operator's command: its statements may take an hour."""
    pool = await create_pool(dsn, "inventory", 1, 2, statement_timeout=3600)
    try:
        yield pool
    finally:
        await pool.close()


def _unit(pool: asyncpg.Pool, store_of: Callable[[asyncpg.Connection], S]) -> UnitOfWork[S]:
    """Transactions of a command: nothing it does announces events, no relay to wake."""
    return PostgresUnitOfWork(pool, store_of, wake=lambda: None)


async def _archive(dsn: str, days: int) -> int:
    async with _register(dsn) as pool:
        archived = await archive_histories(_unit(pool, ArchiveStore), days)
    print(
        f"archived the histories of {archived.devices} device(s) delivered, recycled or "
        f"dismantled more than {days} days ago ({archived.history_rows} history rows)"
    )
    return 0


def _tier(args: argparse.Namespace, dsn: str, nats_url: str) -> int:
    tiers = load_settings(service="inventory").inventory
    folder = args.folder or Path(tiers.archive_folder or args.data / "archive")
    try:
        if args.step == "events":
            days = args.older_than_days
            if days is None and not tiers.stream_max_age_days:
                print(
                    "boucle inventory tier events: the streams keep every event "
                    "(BOUCLE_STREAM_MAX_AGE_DAYS is 0); say how old with --older-than-days",
                    file=sys.stderr,
                )
                return 2
            days = tiers.stream_max_age_days if days is None else max(days, 0)
            return asyncio.run(_events(dsn, nats_url, days, folder))
        if args.step == "verify-events":
            return asyncio.run(_verify_events(dsn))
        if args.step != "status" and args.month is None:
            print(f"boucle inventory tier {args.step}: which month (YYYY-MM)?", file=sys.stderr)
            return 2
        return asyncio.run(_tier_step(dsn, args.step, args.month, folder, tiers.passive_tablespace))
    except TierRefused as refused:
        print(str(refused), file=sys.stderr)
        return 1


async def _verify_events(dsn: str) -> int:
    async with _register(dsn) as pool:
        verified = await verify_event_files(_unit(pool, ArchivedEventsStore))
    for check in verified:
        part = check.archived
        print(
            f"{part.stream} {part.first_sequence:,} to {part.last_sequence:,} "
            f"({part.month:%Y-%m}): file {'intact' if check.file_intact else 'DAMAGED'}, "
            f"events {'intact' if check.events_intact else 'DIFFERENT'} ({part.location})"
        )
    if not verified:
        print("no archived events")
    return 0 if all(check.intact for check in verified) else 1


async def _events(dsn: str, nats_url: str, days: int, folder: Path) -> int:
    async with _register(dsn) as pool:
        client = await nats.connect(nats_url, name="boucle-inventory-tier", allow_reconnect=False)
        try:
            bar = ProgressBar(unit="events")
            uow = _unit(pool, ArchivedEventsStore)
            streams = await archive_events_due(uow, client, days, folder, bar)
            bar.close()
        finally:
            await client.close()
    for stream in streams:
        events = sum(part.events for part in stream.files)
        print(
            f"{stream.stream:<14} {events:>10,} events archived in {len(stream.files)} file(s); "
            f"the stream starts at {stream.first_sequence:,}, {stream.freed_bytes:,} bytes freed"
        )
    return 0


async def _tier_step(dsn: str, step: str, month_text: str, folder: Path, space: str) -> int:
    async with _register(dsn) as pool:
        uow = _unit(pool, ArchiveStore)
        if step == "status":
            async with uow.begin() as work:
                passive = await work.store.passive_months()
                archived = await work.store.archived_months()
            for part in passive:
                print(f"{part.month:%Y-%m}  passive   {part.bytes:>14,} bytes in the database")
            for done in archived:
                print(
                    f"{done.month:%Y-%m}  archived  {done.bytes:>14,} bytes in {done.location} "
                    f"({done.rows:,} rows, {done.database_bytes:,} bytes in the database before)"
                )
            async with _unit(pool, ArchivedEventsStore).begin() as work:
                event_files = await work.store.files()
            for kept in event_files:
                print(
                    f"{kept.month:%Y-%m}  events    {kept.bytes:>14,} bytes in {kept.location} "
                    f"({kept.stream} {kept.first_sequence:,} to {kept.last_sequence:,}, "
                    f"{kept.events:,} events)"
                )
            return 0
        month = month_of(month_text)
        bar = ProgressBar()
        if step == "move":
            moved = await move_month(uow, month, folder, bar)
            bar.close()
            if moved is None:
                print(f"{month:%Y-%m} held no passive history: its empty partition was dropped")
                return 0
            print(
                f"archived {moved.rows:,} history rows of {moved.devices:,} device(s) of "
                f"{month:%Y-%m} into {moved.location} ({moved.bytes:,} bytes; "
                f"{moved.database_bytes:,} bytes freed in the database), "
                f"sha256 {moved.file_sha256}"
            )
            return 0
        if step == "restore":
            restored = await restore_month(uow, month, space, bar)
            bar.close()
            print(f"restored {restored:,} history rows of {month:%Y-%m} to the passive tier")
            return 0
        verification = await verify_month(uow, month)
        print(
            f"{month:%Y-%m}: file {'intact' if verification.file_intact else 'DAMAGED'}, "
            f"rows {'intact' if verification.rows_intact else 'DIFFERENT'} "
            f"({verification.location})"
        )
        return 0 if verification.intact else 1


class ProgressBar:
    """A step's progress on standard error, redrawn in place: ``export [#####-----] 50%``."""

    WIDTH = 30

    def __init__(self, unit: str = "rows") -> None:
        self.shown = ""
        self.unit = unit

    def __call__(self, step: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = round(share * self.WIDTH)
        line = (
            f"{step:<8}[{'#' * filled}{'-' * (self.WIDTH - filled)}] {share:4.0%} "
            f"{done:,}/{total:,} {self.unit}"
        )
        if line != self.shown:
            print(f"\r{line}", end="", file=sys.stderr, flush=True)
            self.shown = line

    def close(self) -> None:
        if self.shown:
            print(file=sys.stderr)


async def _recount(dsn: str) -> int:
    async with _register(dsn) as pool:
        rows = await recount(pool)
    print("impact counters computed afresh: " + ", ".join(f"{t} {n}" for t, n in rows.items()))
    return 0


def peak_rss_kib(usage: resource.struct_rusage) -> int:
    """This process's peak resident memory. Linux's ``ru_maxrss`` keeps, across the exec
    that started the command, the peak of the process that spawned it (a benchmark holding
    a million events, say): the high-water mark of the command's own memory says better."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return usage.ru_maxrss  # in KiB on Linux
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found[1]) if found else usage.ru_maxrss


async def _rebuild(dsn: str, nats_url: str, keep: bool) -> int:
    result = await rebuild_and_compare(dsn, nats_url, keep=keep)
    replayed = result.replayed
    print(
        f"events read: {result.events_read}; applied {replayed.applied}, already applied "
        f"{replayed.duplicates}, failed {replayed.failed}, "
        f"never applicable {len(replayed.never_applicable)}"
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"replayed in {result.seconds:.1f} s: {result.events_per_second:,.0f} events/s; "
        f"peak memory (RSS) {peak_rss_kib(usage) / 1024:,.0f} MiB; "
        f"CPU {usage.ru_utime + usage.ru_stime:.1f} s"
    )
    for name, digest in (("live", result.live), ("rebuilt", result.rebuilt)):
        print(
            f"{name:>8}: {digest.devices} devices, {digest.history_rows} history rows, "
            f"digest {digest.value}"
        )
    if result.matches:
        print("the rebuilt register matches the live one")
        return 0
    differing = result.live.differing(result.rebuilt)
    print(f"the registers differ on {len(differing)} device(s), for example:")
    for device_id in differing[:SHOWN_DIFFERENCES]:
        print(f"  {device_id}")
    return 1
