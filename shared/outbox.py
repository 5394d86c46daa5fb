"""Outbox: events written in the caller's transaction; the relay publishes them to JetStream."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import asyncpg
import nats.errors
import nats.js.errors
from nats.js import JetStreamContext

from shared.db import TRANSIENT_ERRORS
from shared.events import Event, encode
from shared.logging import get_logger

log = get_logger("boucle.outbox")


async def add_events(connection: asyncpg.Connection, events: Sequence[Event]) -> None:
    """Record ``events`` for publication, in the transaction ``connection`` is in."""
    await connection.executemany(
        "INSERT INTO outbox (event_id, subject, payload, headers) VALUES ($1, $2, $3, $4)",
        [
            (
                event.event_id,
                event.subject,
                encode(event),
                {"Correlation-Id": event.correlation_id} if event.correlation_id else {},
            )
            for event in events
        ],
    )


class Relay:
    """Publishes pending outbox rows in batches; keeps retrying with backoff while NATS is down.

    Several replicas may run: rows are claimed with ``FOR UPDATE SKIP LOCKED``. Pending rows
    are found by status, never by an id watermark (sequences commit out of order).
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        js: JetStreamContext,
        batch_size: int = 256,
        poll_seconds: float = 0.5,
    ) -> None:
        self._pool = pool
        self._js = js
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self.published = 0

    def wake(self) -> None:
        """A hint that rows were just committed."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        backoff = 0.1
        while not self._stopping:
            try:
                sent = await self.publish_batch()
                backoff = 0.1
            except (*TRANSIENT_ERRORS, nats.errors.Error, nats.js.errors.Error) as error:
                log.warning("relay_retrying", error=repr(error), backoff_seconds=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if sent < self._batch_size:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll_seconds)

    async def publish_batch(self) -> int:
        """Claim, publish and mark one batch; return how many rows were sent."""
        async with self._pool.acquire() as connection, connection.transaction():
            rows = await connection.fetch(
                "SELECT event_id, subject, payload, headers FROM outbox WHERE sent_at IS NULL "
                "ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED",
                self._batch_size,
            )
            if not rows:
                return 0
            futures = [
                await self._js.publish_async(
                    row["subject"],
                    row["payload"],
                    headers={**row["headers"], "Nats-Msg-Id": str(row["event_id"])},
                )
                for row in rows
            ]
            acks = await asyncio.wait_for(asyncio.gather(*futures), timeout=10)
            for ack in acks:
                if getattr(ack, "stream", None) is None:
                    raise nats.js.errors.Error(description=f"publish not acknowledged: {ack!r}")
            await connection.execute(
                "UPDATE outbox SET sent_at = clock_timestamp() WHERE event_id = ANY($1::uuid[])",
                [row["event_id"] for row in rows],
            )
        self.published += len(rows)
        return len(rows)
