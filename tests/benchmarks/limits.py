"""Raw limits underneath: one-row commits in PostgreSQL, durable publishes to JetStream and
deliveries from it; each with the CPU the server spent on one (its floor in an intake)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import asyncpg
import nats
import nats.js.errors
from nats.js.api import PubAck, StorageType, StreamConfig

SCRATCH_SCHEMA = "bench_scratch"
BENCH_STREAM = "BENCH"
BENCH_PAYLOAD = b"x" * 420  # about the size of a collection.device.received body
CpuClock = Callable[[], float]  # CPU seconds the server used so far


@dataclass(frozen=True)
class Limit:
    per_second: float
    cpu_each: float  # the server's CPU seconds per operation


PUBLISH_WINDOW = 4096  # what the services allow in flight (publish_async_max_pending)
FETCH_BATCH = 128  # what the services' consumers fetch at most


async def postgres_commits(dsn: str, connections: int, seconds: float, cpu: CpuClock) -> Limit:
    """``connections`` clients each committing one-row INSERTs (autocommit) for ``seconds``."""
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE")
        await admin.execute(f"CREATE SCHEMA {SCRATCH_SCHEMA}")
        await admin.execute(
            f"CREATE TABLE {SCRATCH_SCHEMA}.commits ("
            "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "at timestamptz NOT NULL DEFAULT clock_timestamp())"
        )
        clients = [await asyncpg.connect(dsn) for _ in range(connections)]
        try:
            deadline = time.perf_counter() + seconds
            started, used = time.perf_counter(), cpu()
            counts = await asyncio.gather(*(_insert_until(c, deadline) for c in clients))
            return _limit(sum(counts), time.perf_counter() - started, cpu() - used)
        finally:
            await asyncio.gather(*(client.close() for client in clients))
    finally:
        await admin.execute(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE")
        await admin.close()


async def _insert_until(connection: asyncpg.Connection, deadline: float) -> int:
    count = 0
    while time.perf_counter() < deadline:
        await connection.execute(f"INSERT INTO {SCRATCH_SCHEMA}.commits DEFAULT VALUES")
        count += 1
    return count


@contextlib.asynccontextmanager
async def scratch_stream(url: str) -> AsyncIterator[nats.js.JetStreamContext]:
    """A file-storage stream of its own for ``bench.>``, deleted afterwards."""
    client = await nats.connect(url, name="boucle-bench")
    js = client.jetstream(publish_async_max_pending=PUBLISH_WINDOW)
    try:
        with contextlib.suppress(nats.js.errors.NotFoundError):
            await js.delete_stream(BENCH_STREAM)
        await js.add_stream(
            StreamConfig(name=BENCH_STREAM, subjects=["bench.>"], storage=StorageType.FILE)
        )
        yield js
    finally:
        with contextlib.suppress(Exception):
            await js.delete_stream(BENCH_STREAM)
        await client.close()


async def jetstream_publishes(url: str, seconds: float, cpu: CpuClock) -> Limit:
    """Pipelined ``publish_async`` into a file-storage scratch stream, acks awaited."""
    async with scratch_stream(url) as js:
        started, used = time.perf_counter(), cpu()
        acked = await _publish_until(js, started + seconds)
        return _limit(acked, time.perf_counter() - started, cpu() - used)


async def jetstream_deliveries(url: str, messages: int, cpu: CpuClock) -> Limit:
    """``messages`` published to a scratch stream, then fetched by a durable pull consumer
    and acknowledged one by one, as the services' consumers do: deliveries (and acks) a
    second, publishing not counted in the time."""
    async with scratch_stream(url) as js:
        acks = [await js.publish_async("bench.intake", BENCH_PAYLOAD) for _ in range(messages)]
        await asyncio.wait_for(asyncio.gather(*acks), timeout=60)
        subscription = await js.pull_subscribe("bench.>", durable="bench", stream=BENCH_STREAM)
        started, used = time.perf_counter(), cpu()
        delivered = 0
        while delivered < messages:
            for message in await subscription.fetch(batch=FETCH_BATCH, timeout=5):
                await message.ack()
                delivered += 1
        return _limit(delivered, time.perf_counter() - started, cpu() - used)


async def _publish_until(js: nats.js.JetStreamContext, deadline: float) -> int:
    futures: list[asyncio.Future[PubAck]] = []
    while time.perf_counter() < deadline:
        futures.append(await js.publish_async("bench.intake", BENCH_PAYLOAD))
    acks = await asyncio.wait_for(asyncio.gather(*futures), timeout=60)
    return sum(1 for ack in acks if ack.stream == BENCH_STREAM)


def _limit(operations: int, seconds: float, cpu_seconds: float) -> Limit:
    return Limit(operations / seconds, cpu_seconds / operations if operations else float("nan"))
