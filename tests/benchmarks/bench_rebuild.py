"""Replay at scale: ``boucle inventory rebuild`` over streams holding N events, its rate and
its peak memory, which stays flat however long the streams are.

Run with ``python -m tests.benchmarks.bench_rebuild`` (``--events`` for another size,
``--events 100000 --events 1000000`` to compare sizes; ``BOUCLE_BENCH_REBUILD_EVENTS`` says
the same). Each size runs on an embedded PostgreSQL and NATS of its own, without the
services: the live register stays empty (so the command reports that the registers differ),
only the rebuild reads the streams. The events are the journeys of ``--devices`` donations
to a ready device, then reservations asked and released in turn on those devices, so that
the rebuilt register has a fixed size and only the streams grow. Publishing them is set-up,
not what is measured: this benchmark's own nats-server does not fsync each message (the
stack's do), and says so. Each size prints the raw limits of its servers measured in the
same run, the rebuild's rate and peak RSS, and the CPU each process spent per event. When
the largest size run is under 10,000,000, it prints how long 10,000,000 would take at the
rate measured, and the command that runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import nats

from boucle.devstack.nats import EmbeddedNats
from boucle.devstack.stack import Stack, any_free_ports
from shared.bus import ensure_streams
from shared.contracts.purchase import ReservationReleased
from shared.events import Event, encode
from tests.benchmarks import machine
from tests.benchmarks.bench_matching import print_machine
from tests.benchmarks.limits import FETCH_BATCH, jetstream_deliveries, postgres_commits
from tests.support.register import Donation
from tests.support.stacks import running

PUBLISHING_WINDOW = 20_000  # acknowledgements awaited at most at a time
# The benchmark's own nats-server writes the streams without an fsync per message (its
# default, every 2 minutes): publishing is set-up here, not what is measured, and the
# stack's servers (``sync_interval: always``) took a fsync per event.
SETUP_SYNC_INTERVAL = "2m"
TARGET_EVENTS = 10_000_000
RAW_SECONDS = 5.0  # time per raw limit
RAW_DELIVERIES = 20_000
SIZE_VARIABLE = "BOUCLE_BENCH_REBUILD_EVENTS"  # sizes, comma-separated, as --events


def donations_made_ready(donations: list[Donation]) -> Iterator[Event]:
    for donation in donations:
        yield donation.received()
        yield donation.checked_in()
        yield donation.erased()
        yield donation.graded()
        yield donation.released()


def reservations(donations: list[Donation]) -> Iterator[Event]:
    """Each ready device reserved for a request, then released by it, again and again."""
    while True:
        for donation in donations:
            request_id = uuid.uuid4()
            yield donation.requested(request_id)
            yield donation.purchase(ReservationReleased, request_id=request_id)


async def publish_all(nats_url: str, events: int, devices: int) -> float:
    """Publish ``events`` events, pipelined, and return how long it took: donations up to
    ready first, then reservations once the streams hold them all (the streams store in
    parallel: a reservation published right after its device's release could be stored
    before it, and refused)."""
    donations = [Donation() for _ in range(min(devices, max(1, events // 5)))]
    client = await nats.connect(nats_url)
    try:
        js = client.jetstream(publish_async_max_pending=PUBLISHING_WINDOW)
        await ensure_streams(js)
        started = time.perf_counter()
        left = events
        for phase in (donations_made_ready(donations), reservations(donations)):
            for event in itertools.islice(phase, left):
                headers = {"Nats-Msg-Id": str(event.event_id)}
                await js.publish_async(event.subject, encode(event), headers=headers)
                left -= 1
            await asyncio.wait_for(js.publish_async_completed(), timeout=300)
        return time.perf_counter() - started
    finally:
        await client.close()


def rebuild(database_url: str, nats_url: str) -> tuple[float, str]:
    """Run the command as an operator does; its wall time and its output."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "boucle.cli", "inventory", "--database-url", database_url]
    completed = subprocess.run(
        [*command, "rebuild", "--nats-url", nats_url], capture_output=True, text=True
    )
    if completed.returncode not in (0, 1):  # 1: the (empty) live register differs
        raise RuntimeError(f"the rebuild failed:\n{completed.stdout}\n{completed.stderr}")
    return time.perf_counter() - started, completed.stdout


def one_size(events: int, devices: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="boucle-bench-rebuild-") as folder:
        stack = Stack(Path(folder), any_free_ports())
        assert isinstance(stack.nats, EmbeddedNats)
        stack.nats.sync_interval = SETUP_SYNC_INTERVAL
        with running(stack, with_services=False):
            figures = measured(stack, events, devices)
            used = sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file())
            print(f"  disk used by the streams and the databases: {used / 2**30:,.2f} GiB")
            return figures


def measured(stack: Stack, events: int, devices: int) -> dict[str, float]:
    publishing = asyncio.run(publish_all(stack.nats.url, events, devices))
    print(
        f"{events:,} events published in {publishing:.1f} s "
        f"({events / publishing:,.0f} events/s, pipelined {PUBLISHING_WINDOW:,} deep; set-up: "
        f"this nats-server syncs its streams to disk every {SETUP_SYNC_INTERVAL}, not on "
        f"every message like the stack's)"
    )
    servers = servers_of(stack)
    asyncio.run(print_raw_limits(stack, servers))
    used = {name: machine.cpu_seconds(pid) for name, pid in servers.items()}
    seconds, output = rebuild(stack.postgres.dsn, stack.nats.url)
    used = {name: machine.cpu_seconds(pid) - used[name] for name, pid in servers.items()}
    read = re.search(r"events read: (\d+); applied (\d+)", output)
    rate = re.search(r"([\d,]+) events/s; peak memory \(RSS\) ([\d,]+) MiB", output)
    busy = re.search(r"replayed in ([\d.]+) s.*; CPU ([\d.]+) s", output)
    if read is None or rate is None or busy is None:
        raise RuntimeError(f"unexpected output of the rebuild:\n{output}")
    figures = {
        "read": float(read[1]),
        "applied": float(read[2]),
        "events/s": float(rate[1].replace(",", "")),
        "peak MiB": float(rate[2].replace(",", "")),
        "CPU share": float(busy[2]) / float(busy[1]),
    }
    print(
        f"  rebuild: {int(figures['read']):,} events read, {int(figures['applied']):,} applied, "
        f"{figures['events/s']:,.0f} events/s, peak RSS {figures['peak MiB']:,.0f} MiB "
        f"(the command: {seconds:.1f} s in all, its CPU {figures['CPU share']:.0%} of the "
        "replay's time: it waited the rest, for PostgreSQL's answers, NATS or a free core)"
    )
    each = {"the command": float(busy[2]), **used}
    per_event = ", ".join(
        f"{name} {cpu / figures['read'] * 1e6:,.0f} µs" for name, cpu in each.items()
    )
    print(
        f"  CPU per event read: {per_event} (the command's includes its start, migrations "
        "and digests)"
    )
    return figures


def servers_of(stack: Stack) -> dict[str, int]:
    pids = {}
    if stack.postgres.process is not None:
        pids["PostgreSQL"] = stack.postgres.process.pid
    if isinstance(stack.nats, EmbeddedNats) and stack.nats.process is not None:
        pids["nats-server"] = stack.nats.process.pid
    return pids


async def print_raw_limits(stack: Stack, servers: dict[str, int]) -> None:
    """The bare servers' rates on this machine now, beside which the rebuild's rate reads."""
    postgres = postgres_commits(
        stack.postgres.dsn, 1, RAW_SECONDS, lambda: machine.cpu_seconds(servers["PostgreSQL"])
    )
    commits = await postgres
    deliveries = await jetstream_deliveries(
        stack.nats.url, RAW_DELIVERIES, lambda: machine.cpu_seconds(servers["nats-server"])
    )
    print(
        f"  raw limits: PostgreSQL one-row INSERT commits, one connection, "
        f"{commits.per_second:,.0f}/s ({commits.cpu_each * 1e6:.0f} µs of its CPU each); "
        f"JetStream deliveries to a pull consumer fetching {FETCH_BATCH}, each acked, "
        f"{deliveries.per_second:,.0f}/s ({deliveries.cpu_each * 1e6:.0f} µs each)"
    )


def not_run(largest: int, rate: float) -> str:
    """Why the target size was not measured, how long it would take, and how to run it."""
    return (
        f"{TARGET_EVENTS:,} events: not run here. At the {rate:,.0f} events/s measured at "
        f"{largest:,} events its replay would take {TARGET_EVENTS / rate / 60:,.0f} min (the "
        "peak RSS stays that of a chunk: compare the sizes above). To run it: "
        f"`.venv/bin/python -m tests.benchmarks.bench_rebuild --events {TARGET_EVENTS}` "
        "(its streams and databases take the disk said above, times the sizes' ratio)."
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--events", type=int, action="append", help="events in the streams (10,000,000)"
    )
    parser.add_argument("--devices", type=int, default=10_000, help="donated devices (10,000)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from_environment = [int(size) for size in os.environ.get(SIZE_VARIABLE, "").split(",") if size]
    sizes = args.events or from_environment or [TARGET_EVENTS]
    print_machine()
    results = [one_size(events, args.devices) for events in sizes]
    complete = all(result["read"] == events for result, events in zip(results, sizes, strict=True))
    print(f"Every event read: {'yes' if complete else 'NO'}")
    if len(results) > 1:
        peaks = ", ".join(
            f"{events:,}: {r['peak MiB']:,.0f} MiB"
            for r, events in zip(results, sizes, strict=True)
        )
        print(f"Peak RSS by size: {peaks}")
    if max(sizes) < TARGET_EVENTS:
        largest = max(sizes)
        print(not_run(largest, results[sizes.index(largest)]["events/s"]))
    return 0 if complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
