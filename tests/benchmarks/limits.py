"""Raw limits underneath: one-row commits in PostgreSQL, durable publishes to JetStream."""

from __future__ import annotations

import asyncio
import contextlib
import time

import asyncpg
import nats
import nats.js.errors
from nats.js.api import PubAck, StorageType, StreamConfig

SCRATCH_SCHEMA = "bench_scratch"
BENCH_STREAM = "BENCH"
BENCH_PAYLOAD = b"x" * 420  # about the size of a collection.device.received body
PUBLISH_WINDOW = 4096  # what the services allow in flight (publish_async_max_pending)


async def postgres_commits_per_second(dsn: str, connections: int, seconds: float) -> float:
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
            started = time.perf_counter()
            counts = await asyncio.gather(*(_insert_until(c, deadline) for c in clients))
            return sum(counts) / (time.perf_counter() - started)
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


async def jetstream_publishes_per_second(url: str, seconds: float) -> float:
    """Pipelined ``publish_async`` into a file-storage scratch stream, acks awaited."""
    client = await nats.connect(url, name="boucle-bench")
    js = client.jetstream(publish_async_max_pending=PUBLISH_WINDOW)
    try:
        with contextlib.suppress(nats.js.errors.NotFoundError):
            await js.delete_stream(BENCH_STREAM)
        await js.add_stream(
            StreamConfig(name=BENCH_STREAM, subjects=["bench.>"], storage=StorageType.FILE)
        )
        started = time.perf_counter()
        acked = await _publish_until(js, started + seconds)
        return acked / (time.perf_counter() - started)
    finally:
        with contextlib.suppress(Exception):
            await js.delete_stream(BENCH_STREAM)
        await client.close()


async def _publish_until(js: nats.js.JetStreamContext, deadline: float) -> int:
    futures: list[asyncio.Future[PubAck]] = []
    while time.perf_counter() < deadline:
        futures.append(await js.publish_async("bench.intake", BENCH_PAYLOAD))
    acks = await asyncio.wait_for(asyncio.gather(*futures), timeout=60)
    return sum(1 for ack in acks if ack.stream == BENCH_STREAM)
