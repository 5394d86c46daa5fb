"""Outbox: events written in the caller's transaction; the relay publishes them to JetStream."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import asyncpg
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import PubAck

from shared.db import TRANSIENT_ERRORS
from shared.events import Event, encode
from shared.logging import get_logger

log = get_logger("boucle.outbox")
ACK_CHECK_SECONDS = 0.25  # how often a batch waiting for acks looks at the connection
NATS_CHECK_SECONDS = 0.25  # how often the relay looks whether NATS is back
RETRYABLE_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT_ERRORS, nats.errors.Error)


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
        ack_timeout: float = 10.0,
    ) -> None:
        self._pool = pool
        self._js = js
        self._client: Client | None = getattr(js, "_nc", None)
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._ack_timeout = ack_timeout
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()
        self.published = 0

    def wake(self) -> None:
        """A hint that rows were just committed."""
        self._wake.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()

    async def run(self) -> None:
        """Publish until stopped; no failure ends the loop (rows stay pending meanwhile)."""
        backoff = 0.1
        while not self._stopped.is_set():
            if not self._connected():
                await self._wait_for_nats()
                continue
            self._wake.clear()  # a wake-up during the batch triggers the next one at once
            try:
                sent = await self.publish_batch()
                backoff = 0.1
            except asyncio.CancelledError:
                raise
            except RETRYABLE_ERRORS as error:
                log.warning("relay_retrying", error=repr(error), backoff_seconds=backoff)
                await self._pause(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            except Exception:  # a bug must not silently stop every publication for good
                log.exception("relay_failed", backoff_seconds=backoff)
                await self._pause(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if sent < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll_seconds)

    def _connected(self) -> bool:
        return self._client is None or self._client.is_connected

    async def _wait_for_nats(self) -> None:
        """Publishing while disconnected would only fill the reconnect buffer with copies
        whose acks may never come: the rows stay pending until the client is back."""
        log.warning("relay_waiting_for_nats")
        while not self._connected() and not self._stopped.is_set():
            await self._pause(NATS_CHECK_SECONDS)
        if not self._stopped.is_set():
            log.info("relay_resuming")

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), seconds)

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
            acks = await self._publish(rows)
            for ack in acks:
                if getattr(ack, "stream", None) is None:
                    raise nats.js.errors.Error(description=f"publish not acknowledged: {ack!r}")
            await connection.execute(
                "UPDATE outbox SET sent_at = clock_timestamp() WHERE event_id = ANY($1::uuid[])",
                [row["event_id"] for row in rows],
            )
        self.published += len(rows)
        return len(rows)

    async def _publish(self, rows: Sequence[asyncpg.Record]) -> list[PubAck]:
        """Publish ``rows`` pipelined and wait for every acknowledgement.

        Gives up early when the connection drops or is replaced meanwhile: acks of messages
        written to a dead socket never come, and waiting for them would stall the relay.
        Every future left pending is cancelled, or it would hold one of the client's
        ``publish_async`` slots for good and, once they are all taken, block the relay.
        """
        futures: list[asyncio.Future[PubAck]] = []
        pending_before = self._pending_publishes()
        reconnects = self._reconnects()
        try:
            for row in rows:
                futures.append(
                    await self._js.publish_async(
                        row["subject"],
                        row["payload"],
                        wait_stall=self._ack_timeout,
                        headers={**row["headers"], "Nats-Msg-Id": str(row["event_id"])},
                    )
                )
            return await self._acks(futures, reconnects)
        finally:
            for future in futures:
                if not future.cancel() and not future.cancelled():
                    future.exception()  # resolved: mark a failure as seen (no asyncio warning)
            self._cancel_orphans(pending_before, futures)

    async def _acks(self, futures: list[asyncio.Future[PubAck]], reconnects: int) -> list[PubAck]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._ack_timeout
        waiting: set[asyncio.Future[PubAck]] = set(futures)
        while waiting:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{len(waiting)} publications not acknowledged in time")
            _, waiting = await asyncio.wait(waiting, timeout=min(ACK_CHECK_SECONDS, remaining))
            if waiting and self._reconnects() != reconnects:
                raise nats.errors.ConnectionReconnectingError()
        return [future.result() for future in futures]

    def _reconnects(self) -> int:
        """Changes whenever the connection is lost or replaced."""
        if self._client is None:
            return 0
        if not self._client.is_connected:
            return -1
        return int(self._client.stats.get("reconnects", 0))

    def _pending_publishes(self) -> dict[str, asyncio.Future[PubAck]]:
        futures = getattr(self._js, "_publish_async_futures", None)
        return dict(futures) if isinstance(futures, dict) else {}

    def _cancel_orphans(
        self, before: dict[str, asyncio.Future[PubAck]], ours: list[asyncio.Future[PubAck]]
    ) -> None:
        """A ``publish_async`` that raised after registering its future never returned it."""
        known = {id(future) for future in (*before.values(), *ours)}
        for future in self._pending_publishes().values():
            if id(future) not in known:
                future.cancel()
