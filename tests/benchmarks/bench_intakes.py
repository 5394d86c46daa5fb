"""Intakes per second, time until visible in inventory and idle memory of a whole embedded stack."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import resource
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import msgspec
import nats

from boucle.devstack.nats import EmbeddedNats
from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from services.collection_point.labels.store import LabelStore
from services.collection_point.store import PointStore
from shared.config import SERVICES
from shared.db import create_pool
from shared.labels import generate_code
from tests.benchmarks import machine
from tests.benchmarks.floors import RawLimits, http_stack_cpu, print_floors, traffic
from tests.benchmarks.httpload import post_request, run_load, run_open_loop
from tests.benchmarks.limits import (
    FETCH_BATCH,
    Limit,
    jetstream_deliveries,
    jetstream_publishes,
    postgres_commits,
)
from tests.benchmarks.report import (
    CLIENT,
    FLUSHES,
    MACHINE,
    TARGET_RATE,
    Level,
    print_cpu,
    print_levels,
    print_machine,
    print_memory,
    print_targets,
    target_cpu_ms,
)
from tests.benchmarks.sampling import SAMPLES_PER_SECOND, Profile, print_profiles, sample
from tests.support.stacks import running_stack, token_for

DRAIN_POLL = 0.25

VISIBILITY_SQL = """
SELECT extract(epoch FROM i.processed_at - o.created_at)::float8 AS visible,
       extract(epoch FROM o.sent_at - o.created_at)::float8 AS relayed,
       o.xmin::text AS relay_transaction, i.processed_at
FROM collection.outbox o
LEFT JOIN inventory.inbox i ON i.event_id = o.event_id AND i.consumer = 'inventory'
WHERE o.subject = 'collection.device.received' AND o.created_at BETWEEN $1 AND $2
"""
PENDING_SQL = """
SELECT count(*) FROM collection.outbox o
WHERE o.subject = 'collection.device.received' AND o.created_at BETWEEN $1 AND $2
  AND NOT EXISTS (SELECT 1 FROM inventory.inbox i
                  WHERE i.consumer = 'inventory' AND i.event_id = o.event_id)
"""


# --- the stack's processes ---------------------------------------------------------------


def stack_processes(stack: Stack) -> dict[str, int]:
    pids = {name: process.pid for name, process in stack.services.items()}
    if isinstance(stack.nats, EmbeddedNats) and stack.nats.process is not None:
        pids["nats-server"] = stack.nats.process.pid
    if stack.postgres.process is not None:
        pids["postgresql"] = stack.postgres.process.pid
    return pids


def counters(stack: Stack) -> dict[str, float]:
    """CPU seconds used so far by each process tree, this client and the machine; disk flushes."""
    totals = {name: machine.cpu_seconds(pid) for name, pid in stack_processes(stack).items()}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    totals[CLIENT] = usage.ru_utime + usage.ru_stime
    totals[MACHINE] = machine.busy_seconds()
    totals[FLUSHES] = machine.disk_flushes()
    return totals


# --- one concurrency level ---------------------------------------------------------------


def intake_request_factory(
    stack: Stack, token: str, point: uuid.UUID, labels: Iterator[str], keyed: bool
) -> Callable[[], bytes]:
    address = urlsplit(stack.url("collection_point"))
    host, port = address.hostname or "127.0.0.1", address.port or 80
    base = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    encoder = msgspec.json.Encoder()

    def make() -> bytes:
        label = next(labels, None)
        if label is None:
            raise RuntimeError("More intakes than labels printed: raise --labels.")
        body = {
            "label": label,
            "device_type": "laptop",
            "collection_point_id": point,
            "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
        }
        headers = {**base, "Idempotency-Key": uuid.uuid4().hex} if keyed else base
        return post_request(host, port, "/api/v1/intakes", headers, encoder.encode(body))

    return make


async def database_now(connection: asyncpg.Connection) -> datetime.datetime:
    now: datetime.datetime = await connection.fetchval("SELECT clock_timestamp()")
    return now


async def drain(
    connection: asyncpg.Connection, since: datetime.datetime, until: datetime.datetime, limit: float
) -> int:
    """Wait (at most ``limit`` seconds) until inventory applied every event of the window."""
    pending = 0
    for _ in range(max(1, int(limit / DRAIN_POLL))):
        pending = await connection.fetchval(PENDING_SQL, since, until)
        if pending == 0:
            return 0
        await asyncio.sleep(DRAIN_POLL)
    return int(pending)


async def run_level(
    stack: Stack,
    connection: asyncpg.Connection,
    make_request: Callable[[], bytes],
    connections: int,
    args: argparse.Namespace,
    offered_rate: float = 0.0,
) -> Level:
    """One load on collection_point: closed loop, or open loop at ``offered_rate`` a second."""
    address = urlsplit(stack.url("collection_point"))
    host, port = address.hostname or "127.0.0.1", address.port or 80
    since = await database_now(connection)
    before = counters(stack)
    if offered_rate:
        load = await run_open_loop(
            host, port, make_request, connections, offered_rate, args.seconds
        )
    else:
        load = await run_load(host, port, make_request, connections, args.seconds)
    after = counters(stack)
    until = await database_now(connection)
    per_second = {k: (after[k] - before[k]) / load.seconds for k in after}
    level = Level(connections, load, per_second, offered_rate)
    level.not_visible = await drain(connection, since, until, args.drain_seconds)
    applied = counters(stack)
    level.until_applied = {k: applied[k] - before[k] for k in applied}
    await measure_visibility(connection, level, since, until)
    return level


async def measure_visibility(
    connection: asyncpg.Connection, level: Level, since: datetime.datetime, until: datetime.datetime
) -> None:
    rows = await connection.fetch(VISIBILITY_SQL, since, until)
    level.visible = [row["visible"] for row in rows if row["visible"] is not None]
    level.relayed = [row["relayed"] for row in rows if row["relayed"] is not None]
    level.after_sent = [
        row["visible"] - row["relayed"]
        for row in rows
        if row["visible"] is not None and row["relayed"] is not None
    ]
    level.relay_batches = len({row["relay_transaction"] for row in rows if row["relayed"]})
    applied = [row["processed_at"] for row in rows if row["processed_at"] is not None]
    if applied:
        span = max((max(applied) - since).total_seconds(), level.load.seconds)
        level.visible_rate = len(applied) / span


# --- the run -----------------------------------------------------------------------------


async def create_point(dsn: str, labels: int) -> tuple[uuid.UUID, list[str]]:
    """A point, and a batch of ``labels`` labels printed for it (intakes need real labels)."""
    point = CollectionPoint(
        id=uuid.uuid4(),
        name="Médiathèque banc d'essai",
        kind="library",
        address="1 rue de la mesure",
        postcode="59000",
        commune="Lille",
    )
    pool = await create_pool(dsn, "collection", 1, 1)
    try:
        async with pool.acquire() as connection:
            await PointStore(connection).upsert_point(point)
            codes = list({generate_code() for _ in range(labels)})
            taken = set(
                await LabelStore(connection).insert_batch(uuid.uuid4(), point.id, "bench", codes)
            )
    finally:
        await pool.close()
    return point.id, [code for code in codes if code not in taken]


async def raw_limits(stack: Stack, args: argparse.Namespace) -> RawLimits:
    """The bare servers' rates, and the CPU each spent on one operation."""
    print(f"Raw limits ({args.raw_seconds:g} s each; µs = the server's CPU for one)")
    pids = stack_processes(stack)
    postgres_cpu = partial(machine.cpu_seconds, pids["postgresql"])
    nats_cpu = partial(machine.cpu_seconds, pids["nats-server"])
    commits: list[Limit] = []
    for connections in args.pg_connections:
        commit = await postgres_commits(
            stack.postgres.dsn, connections, args.raw_seconds, postgres_cpu
        )
        print(
            f"  PostgreSQL one-row INSERT commits, {connections} connections: "
            f"{commit.per_second:,.0f}/s, {commit.cpu_each * 1e6:.0f} µs"
        )
        commits.append(commit)
    publication = await jetstream_publishes(stack.nats.url, args.raw_seconds, nats_cpu)
    print(
        "  JetStream publish_async pipelined, file storage, sync always: "
        f"{publication.per_second:,.0f}/s, {publication.cpu_each * 1e6:.0f} µs"
    )
    messages = max(1000, round(publication.per_second * args.raw_seconds))
    delivery = await jetstream_deliveries(stack.nats.url, messages, nats_cpu)
    print(
        f"  JetStream deliveries to a pull consumer, fetched {FETCH_BATCH} at most, each acked: "
        f"{delivery.per_second:,.0f}/s, {delivery.cpu_each * 1e6:.0f} µs"
    )
    cheapest = min(commits, key=lambda limit: limit.cpu_each)  # commits grouped at one flush
    fastest = max(commits, key=lambda limit: limit.per_second)
    return RawLimits(Limit(fastest.per_second, cheapest.cpu_each), publication, delivery)


async def profile(
    stack: Stack,
    connection: asyncpg.Connection,
    make_request: Callable[[], bytes],
    args: argparse.Namespace,
    limits: RawLimits,
) -> None:
    """A closed loop like the measured ones while py-spy samples the services; what it
    caused in the servers; the floors that follow."""
    client = await nats.connect(stack.nats.url, name="boucle-bench-counters")
    try:
        js = client.jetstream()
        before = await traffic(connection, js)
        level, profiles = await _sampled_level(stack, connection, make_request, args)
        caused = await traffic(connection, js) - before
    finally:
        await client.close()
    intakes = level.load.accepted
    print(
        f"\nWhere the CPU goes: {args.profile_connections} connections, closed loop, "
        f"{args.seconds:g} s, {intakes} intakes, py-spy sampling each service "
        f"{SAMPLES_PER_SECOND} times a second without stopping it, a sample kept when a thread "
        "holds the GIL (Python stacks: the C inside a call counts as the calling function; "
        "granian's threads, nats-server and PostgreSQL are not sampled)"
    )
    cpu_ms = {name: level.cpu_per_intake(name) for name in profiles}
    print_profiles(profiles, cpu_ms, args.profile_top)
    print(
        f"\nWhat one intake caused in the servers (until inventory applied it): "
        f"{caused.commits / intakes:.2f} writing transactions, "
        f"{caused.publications / intakes:.2f} publications, "
        f"{caused.deliveries / intakes:.2f} deliveries; PostgreSQL "
        f"{level.cpu_per_intake('postgresql'):.2f} ms and nats-server "
        f"{level.cpu_per_intake('nats-server'):.2f} ms of CPU per intake in this load"
    )
    budget = target_cpu_ms()
    print(f"Floors of an intake (this design, this machine, this run), against {budget:.1f} ms")
    print_floors(limits, caused, intakes, await http_stack_cpu(), level.stack_cpu_per_intake())


async def _sampled_level(
    stack: Stack,
    connection: asyncpg.Connection,
    make_request: Callable[[], bytes],
    args: argparse.Namespace,
) -> tuple[Level, dict[str, Profile]]:
    pids = {name: process.pid for name, process in stack.services.items()}
    with tempfile.TemporaryDirectory(prefix="boucle-profile-") as folder:
        sampling = asyncio.create_task(sample(pids, args.seconds, Path(folder)))
        level = await run_level(stack, connection, make_request, args.profile_connections, args)
        return level, await sampling


async def benchmark(stack: Stack, args: argparse.Namespace) -> None:
    await asyncio.sleep(args.settle)
    print(f"\nIdle memory, {args.settle:g} s after start (MB = 10^6 bytes)")
    memory_used = print_memory(stack_processes(stack))
    print()
    limits = await raw_limits(stack, args)
    point, labels = await create_point(stack.postgres.dsn, args.labels)
    token = token_for(stack, "coordinator")
    make_request = intake_request_factory(stack, token, point, iter(labels), args.idempotency_key)
    connection = await asyncpg.connect(stack.postgres.dsn)
    try:
        levels = [
            await run_level(stack, connection, make_request, connections, args)
            for connections in args.levels
        ]
        rate = args.open_share * max(level.sustained_rate for level in levels)
        open_loops = [
            await run_level(stack, connection, make_request, args.open_connections, args, rate)
        ]
        if args.target_loop:  # the targets' own rate, whatever the closed loops reached
            open_loops.append(
                await run_level(
                    stack, connection, make_request, args.target_connections, args, TARGET_RATE
                )
            )
    finally:
        await connection.close()
    print(
        f"\nIntakes over HTTP/1.1 keep-alive, {args.seconds:g} s per level, Idempotency-Key "
        f"{'sent' if args.idempotency_key else 'not sent'}; visible = inbox.processed_at − "
        "outbox.created_at; relay = outbox.sent_at − created_at; batch = mean rows per relay batch"
    )
    print(
        f"Then an open loop below saturation: {args.open_share:.0%} of the best sustained rate "
        f"due at fixed times over {args.open_connections} connections"
        + (
            f", and {TARGET_RATE:,.0f}/s (the target rate) over {args.target_connections}"
            if args.target_loop
            else ""
        )
        + "; an open loop's HTTP latency counts from the moment each request was due"
    )
    levels.extend(open_loops)
    print_levels(levels)
    print(
        "\nCPU per process tree: % of a CPU during the load (machine = all CPUs busy, others = "
        f"machine − ours, of {machine.machine().usable_cpus * 100}%); ms per intake from the "
        "start of the load until inventory applied every intake accepted in it"
    )
    print_cpu(levels)
    best = max(level.sustained_rate for level in levels if not level.offered_rate)
    print(
        f"\nRatios: best sustained {best:,.0f} intakes/s ÷ PostgreSQL commits/s = "
        f"{best / limits.commit.per_second:.2f}; ÷ JetStream publishes/s = "
        f"{best / limits.publication.per_second:.2f}"
    )
    print("\nAfter the load")
    print_memory(stack_processes(stack))
    print("\nTargets")
    print_targets(levels, memory_used)
    if args.profile:
        connection = await asyncpg.connect(stack.postgres.dsn)
        try:
            await profile(stack, connection, make_request, args, limits)
        finally:
            await connection.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per level")
    parser.add_argument("--levels", type=_integers, default=[8, 32, 64], help="e.g. 8,32,64")
    parser.add_argument(
        "--open-share", type=float, default=0.5, help="open loop's rate, share of the best"
    )
    parser.add_argument("--open-connections", type=int, default=32)
    parser.add_argument(
        "--target-loop",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f"an open loop at the target rate, {TARGET_RATE:,.0f}/s",
    )
    parser.add_argument("--target-connections", type=int, default=64)
    parser.add_argument(
        "--profile", action=argparse.BooleanOptionalAction, default=True, help="py-spy, floors"
    )
    parser.add_argument("--profile-connections", type=int, default=32)
    parser.add_argument("--profile-top", type=int, default=8, help="entries per list")
    parser.add_argument("--raw-seconds", type=float, default=5.0, help="time per raw limit")
    parser.add_argument("--pg-connections", type=_integers, default=[10, 64])
    parser.add_argument("--drain-seconds", type=float, default=60.0, help="bounded wait")
    parser.add_argument("--settle", type=float, default=5.0, help="idle time before memory")
    parser.add_argument("--idempotency-key", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--labels", type=int, default=300_000, help="labels printed ahead, one per intake"
    )
    return parser.parse_args(argv)


def _integers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print_machine()
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="boucle-bench-") as folder,
        running_stack(Path(folder)) as stack,
    ):
        print(f"Stack ready in {time.perf_counter() - started:.1f} s ({', '.join(SERVICES)})")
        asyncio.run(benchmark(stack, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
