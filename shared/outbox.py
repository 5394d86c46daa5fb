"""Outbox: events written in the caller's transaction; the relay publishes them to JetStream.

Rows are written through ``add_events``, or ``outbox_values`` for a statement that writes
them with other rows: both note it, and a consumer wakes the relay only after a batch that
wrote some (any other write would wait for the relay's poll)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from uuid import UUID

import asyncpg
import msgspec
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.js.api import PubAck

from shared.db import TRANSIENT_ERRORS
from shared.events import Event, encode
from shared.logging import get_logger

log = get_logger("boucle.outbox")
ACK_CHECK_SECONDS = 0.25  # how often a batch waiting for acks looks at the connection
NATS_CHECK_SECONDS = 0.25  # how often the relay looks whether NATS is back
PUBLISH_MAX_PENDING = 4096  # publications awaiting their ack at once
RELAY_LINGER_SECONDS = 0.05  # under load, how long a batch waits for more rows to join
RELAY_FULL_ENOUGH = 32  # rows in the last batch above which the next one does not wait
RELAY_LOOPS = 2  # batches in flight at once per relay (claimed apart by SKIP LOCKED)
# An outbox row's headers, read as JSON text: msgspec decodes them several times faster than
# the pool's jsonb codec (the json module), once per event published.
_headers_of = msgspec.json.Decoder(dict[str, str]).decode
RETRYABLE_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT_ERRORS, nats.errors.Error)
_events_noted: ContextVar[bool] = ContextVar("outbox_events_noted", default=False)


def forget_noted_events() -> None:
    """From now on, in this task, ``events_noted`` says whether events were written since."""
    _events_noted.set(False)


def events_noted() -> bool:
    return _events_noted.get()


async def add_events(connection: asyncpg.Connection, events: Sequence[Event]) -> None:
    """Record ``events`` for publication, in the transaction ``connection`` is in."""
    _events_noted.set(True)
    await connection.executemany(
        "INSERT INTO outbox (event_id, subject, payload, headers) VALUES ($1, $2, $3, $4)",
        [outbox_values(event) for event in events],
    )


def outbox_values(event: Event) -> tuple[UUID, str, bytes, dict[str, str]]:
    """The outbox row of ``event`` (event_id, subject, payload, headers), for a statement
    that writes it along with other rows."""
    _events_noted.set(True)
    headers = {"Correlation-Id": event.correlation_id} if event.correlation_id else {}
    return event.event_id, event.subject, encode(event), headers


class OwnConnections(msgspec.Struct, frozen=True):
    """How the relay opens connections of its own: a pool of ``size`` connections to the
    service's schema, and NATS."""

    open_pool: Callable[[int], Awaitable[asyncpg.Pool]]
    nats_url: str
    name: str


class Relay:
    """Publishes pending outbox rows in batches; keeps retrying with backoff while NATS is down.

    Several replicas may run, and each runs several loops: rows are claimed with
    ``FOR UPDATE SKIP LOCKED``, so that one loop publishes its batch while another marks
    the batch it has just published. Pending rows are found by status, never by an id
    watermark (sequences commit out of order).

    Given ``own`` connections, the relay works on a thread of its own, with its own event
    loop, database pool and NATS connection: on the service's event loop, busy with HTTP
    requests, every step of a batch (each read of acknowledgements too) waited for a whole
    turn of that loop, and events waited seconds in the outbox under load. Without, it runs
    on the caller's loop and connections.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        client: Client,
        batch_size: int = 256,
        poll_seconds: float = 0.5,
        ack_timeout: float = 10.0,
        loops: int = RELAY_LOOPS,
        own: OwnConnections | None = None,
        observe_age: Callable[[float], None] | None = None,
    ) -> None:
        self._observe_age = observe_age
        self._shared_pool = pool
        self._shared_client = client
        self._pool = pool
        self._client: Client = client
        self._js = client.jetstream(publish_async_max_pending=PUBLISH_MAX_PENDING)
        self._shared_js = self._js
        self._own = own
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._ack_timeout = ack_timeout
        self._loops = max(1, loops)
        self._wakes: list[asyncio.Event] = []
        self._stopped = asyncio.Event()
        self._stopping = False
        self._publishing = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None  # where the relay runs
        self._wake_pending = False
        self._idle_loops = 0  # loops waiting for a hint (or the poll interval)
        self._hint = False  # rows were committed since a loop last looked
        self.published = 0

    def wake(self) -> None:
        """A hint that rows were just committed (from any thread)."""
        self._hint = True  # seen by a loop about to wait, without a call across threads
        loop = self._loop
        if loop is None or self._wake_pending or not self._idle_loops:
            return
        self._wake_pending = True
        if _running_loop() is loop:
            self._wake_all()
        else:
            with contextlib.suppress(RuntimeError):  # that loop has just closed
                loop.call_soon_threadsafe(self._wake_all)

    def _wake_all(self) -> None:
        self._wake_pending = False
        for wake in self._wakes:
            wake.set()

    def stop(self) -> None:
        self._stopping = True
        loop = self._loop
        if loop is None:
            return
        if _running_loop() is loop:
            self._stop_here()
        else:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._stop_here)

    def _stop_here(self) -> None:
        self._stopped.set()
        self._wake_all()

    async def run(self) -> None:
        """Publish until stopped; no failure ends the loops (rows stay pending meanwhile)."""
        own = self._own
        if own is None:
            await self._run_here(None, self._shared_client)
            return
        caller = asyncio.get_running_loop()
        finished: asyncio.Future[None] = caller.create_future()

        def done() -> None:
            if not finished.done():
                finished.set_result(None)

        def main() -> None:
            loop = _new_event_loop()
            try:
                loop.run_until_complete(self._run_on_thread(own))
            except BaseException as error:  # logged; the caller's task ends with the thread
                log.error("relay_thread_failed", error=repr(error))
            finally:
                loop.close()
                with contextlib.suppress(RuntimeError):
                    caller.call_soon_threadsafe(done)

        thread = threading.Thread(target=main, name="outbox-relay", daemon=True)
        thread.start()
        try:
            await asyncio.shield(finished)
        except asyncio.CancelledError:
            self.stop()
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(finished), 2.0)
            raise

    async def _run_on_thread(self, own: OwnConnections) -> None:
        from shared.bus import connect  # the bus needs nothing from here: no import cycle

        self._stopped = asyncio.Event()
        self._publishing = asyncio.Lock()
        self._loop = asyncio.get_running_loop()
        if self._stopping:
            return
        client: Client | None = None
        while client is None:
            try:
                client = await connect(own.nats_url, own.name, attempts=10)
            except Exception as error:  # NATS away since the start: keep trying
                log.warning("relay_connect_retrying", error=repr(error))
                await self._pause(1.0)
                if self._stopped.is_set():
                    return
        try:
            await self._run_here(await self._open_pool(own), client)
        finally:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(3):
                    await client.close()

    async def _run_here(self, own: asyncpg.Pool | None, client: Client) -> None:
        """The loops, on the running event loop, with ``own`` pool when given."""
        self._loop = asyncio.get_running_loop()
        self._pool = own or self._shared_pool
        self._client = client
        self._js = (
            self._shared_js
            if client is self._shared_client
            else client.jetstream(publish_async_max_pending=PUBLISH_MAX_PENDING)
        )
        if self._stopping:
            self._stopped.set()
        try:
            await asyncio.gather(*(self._loop_batches(asyncio.Event()) for _ in range(self._loops)))
        finally:
            self._pool = self._shared_pool
            if own is not None:
                try:
                    await asyncio.wait_for(own.close(), 1.0)
                except Exception:  # a connection still busy: close them all at once
                    own.terminate()

    async def _open_pool(self, own: OwnConnections) -> asyncpg.Pool | None:
        """The relay's own small pool; ``None`` (use the shared pool) if it cannot open."""
        try:
            return await own.open_pool(self._loops)
        except Exception as error:  # keep publishing through the shared pool
            log.warning("relay_pool_unavailable", error=repr(error))
            return None

    async def _loop_batches(self, wake: asyncio.Event) -> None:
        self._wakes.append(wake)
        backoff = 0.1
        while not self._stopped.is_set():
            if not self._connected():
                await self._wait_for_nats()
                continue
            wake.clear()  # a wake-up during the batch triggers the next one at once
            self._hint = False
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
                self._idle_loops += 1
                try:
                    if self._hint:
                        wake.set()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), self._poll_seconds)
                finally:
                    self._idle_loops -= 1
                if wake.is_set() and 0 < sent < RELAY_FULL_ENOUGH:
                    # rows keep coming, a few at a time: let more gather (fewer, fuller
                    # batches); a batch that was full enough goes on at once
                    await self._pause(RELAY_LINGER_SECONDS)

    def _connected(self) -> bool:
        return bool(self._client.is_connected)

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
                "SELECT event_id, subject, payload, headers::text AS headers, "
                "extract(epoch FROM clock_timestamp() - created_at)::float8 AS age "
                "FROM outbox WHERE sent_at IS NULL "
                "ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED",
                self._batch_size,
            )
            if not rows:
                return 0
            claimed = time.monotonic()
            acks = await self._publish(rows)
            for ack in acks:
                if getattr(ack, "stream", None) is None:
                    raise nats.js.errors.Error(description=f"publish not acknowledged: {ack!r}")
            await connection.execute(
                "UPDATE outbox SET sent_at = clock_timestamp() WHERE event_id = ANY($1::uuid[])",
                [row["event_id"] for row in rows],
            )
        self.published += len(rows)
        if self._observe_age is not None:
            publishing = time.monotonic() - claimed
            for row in rows:
                self._observe_age(row["age"] + publishing)
        return len(rows)

    async def _publish(self, rows: Sequence[asyncpg.Record]) -> list[PubAck]:
        """Publish ``rows`` pipelined and wait for every acknowledgement.

        Gives up early when the connection drops or is replaced meanwhile: acks of messages
        written to a dead socket never come, and waiting for them would stall the relay.
        Every future left pending is cancelled, or it would hold one of the client's
        ``publish_async`` slots for good and, once they are all taken, block the relay.
        The loops publish one at a time (waiting for acks overlaps): a future registered
        by a ``publish_async`` that then raised is recognised as an orphan that way.
        """
        futures: list[asyncio.Future[PubAck]] = []
        try:
            async with self._publishing:
                if not self._connected():
                    raise nats.errors.ConnectionReconnectingError()
                reconnects = self._reconnects()
                pending_before = self._pending_publishes()
                try:
                    for row in rows:
                        headers = _headers_of(row["headers"])
                        headers["Nats-Msg-Id"] = str(row["event_id"])
                        futures.append(
                            await self._js.publish_async(
                                row["subject"],
                                row["payload"],
                                wait_stall=self._stall_limit(),
                                headers=headers,
                            )
                        )
                except BaseException:
                    self._cancel_orphans(pending_before, futures)
                    raise
            return await self._acks(futures, reconnects)
        finally:
            for future in futures:
                if not future.cancel() and not future.cancelled():
                    future.exception()  # resolved: mark a failure as seen (no asyncio warning)

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

    def _stall_limit(self) -> float | None:
        """How long a publication may wait for one of the client's ``publish_async`` slots:
        none when one is free (nats-py runs a bounded wait as a task and a timer of its own,
        on every publication), the ack timeout when they are all taken."""
        slots = getattr(self._js, "_publish_async_pending_semaphore", None)
        if isinstance(slots, asyncio.Semaphore) and not slots.locked():
            return None
        return self._ack_timeout

    def _reconnects(self) -> int:
        """Changes whenever the connection is lost or replaced."""
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


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop
