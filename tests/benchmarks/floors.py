"""What one intake cannot cost less than with this design, on this machine: how many commits,
publications and deliveries it causes, each at the CPU the bare server spent on one in the
same run, and one request through Litestar's layers without server or database."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from nats.js import JetStreamContext

from shared.contracts.streams import CONSUMERS, STREAMS
from tests.benchmarks.bench_http_stack import intake_app, microseconds_per_request
from tests.benchmarks.limits import Limit

# the next transaction id: only transactions that write get one (and flush at commit)
NEXT_TRANSACTION_SQL = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
HTTP_RUNS = 3
HTTP_REQUESTS = 600


@dataclass(frozen=True)
class Traffic:
    """Counters of the servers: writing transactions, publications, deliveries."""

    commits: int
    publications: int
    deliveries: int

    def __sub__(self, other: Traffic) -> Traffic:
        return Traffic(
            self.commits - other.commits,
            self.publications - other.publications,
            self.deliveries - other.deliveries,
        )


@dataclass(frozen=True)
class RawLimits:
    commit: Limit
    publication: Limit
    delivery: Limit


async def traffic(connection: asyncpg.Connection, js: JetStreamContext) -> Traffic:
    commits = await connection.fetchval(NEXT_TRANSACTION_SQL)
    publications = sum([(await js.stream_info(stream.name)).state.last_seq for stream in STREAMS])
    deliveries = 0
    for consumption in CONSUMERS:
        info = await js.consumer_info(consumption.stream, consumption.consumer)
        deliveries += info.delivered.consumer_seq if info.delivered else 0
    return Traffic(commits, publications, deliveries)


async def http_stack_cpu() -> float:
    """CPU seconds of one intake request through Litestar's layers (best of a few runs)."""
    with (
        tempfile.TemporaryDirectory() as keys,
        open(os.devnull, "w") as log_sink,  # noqa: ASYNC230 (the null device never blocks)
    ):
        app, token = intake_app(Path(keys), log_sink)
        runs = [await microseconds_per_request(app, token, HTTP_REQUESTS) for _ in range(HTTP_RUNS)]
    return min(runs) / 1e6


def print_floors(
    limits: RawLimits, caused: Traffic, intakes: int, http_cpu: float, measured_ms: float
) -> float:
    """One line per floor, then their sum against the budget; returns the sum (ms)."""
    rows = [
        ("Litestar's layers, one request in process", http_cpu, 1.0, "request"),
        (
            "PostgreSQL, a one-row commit",
            limits.commit.cpu_each,
            caused.commits / intakes,
            "commits",
        ),
        (
            "nats-server, a publication (sync always)",
            limits.publication.cpu_each,
            caused.publications / intakes,
            "publications",
        ),
        (
            "nats-server, a delivery and its ack",
            limits.delivery.cpu_each,
            caused.deliveries / intakes,
            "deliveries",
        ),
    ]
    total = 0.0
    for title, cpu_each, count, unit in rows:
        floor = cpu_each * count * 1000
        total += floor
        print(f"  {title:<44}{cpu_each * 1e6:>7.0f} µs × {count:>5.2f} {unit:<13}= {floor:.2f} ms")
    print(
        f"  {'sum of the floors':<44}{'':>30}= {total:.2f} ms of the {measured_ms:.2f} ms measured "
        "(the rest: the services' own Python, granian, asyncpg and nats-py, and PostgreSQL's "
        "statements)"
    )
    return total
