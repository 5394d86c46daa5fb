"""JetStream: connect with reconnect, ensure streams and the DLQ, run durable pull consumers."""

from __future__ import annotations

import asyncio
import contextlib
from asyncio import FIRST_COMPLETED
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig

from shared.contracts.streams import DLQ_STREAM, DLQ_SUBJECTS, STREAMS, Consumption
from shared.db import TRANSIENT_ERRORS, database_answers, transaction
from shared.events import Event, EventRegistry, UndecodableEvent, utc_now
from shared.inbox import first_deliveries, first_delivery
from shared.logging import contextvars, get_logger
from shared.outbox import events_noted, forget_noted_events
from shared.pulls import Pulls

log = get_logger("boucle.bus")
NATS_ERRORS = (nats.errors.Error, nats.js.errors.Error)
RETRYABLE_ERRORS: tuple[type[BaseException], ...] = (*NATS_ERRORS, *TRANSIENT_ERRORS)
CONSUMER_CHECK_SECONDS = 5.0  # how long a consumer stays idle before checking it still exists
CONSUMER_CHECK_TIMEOUT = 2.0
FETCH_BATCH = 128  # messages applied together, in one transaction, at most
BATCHES_IN_HAND = 4  # fetched batches being applied at once
FETCH_LINGER_SECONDS = 0.03  # once one message is in hand, how long others may gather
PULL_WAIT_SECONDS = 1.0  # how long the loop waits for a message before looking around
ENSURE_STREAM_ATTEMPTS = 5
ENSURE_STREAM_BACKOFF = 0.5  # seconds, times the attempt
# What ``ensure_streams`` sets on a stream; a stream differing in any of them is updated.
MANAGED_STREAM_FIELDS = ("subjects", "storage", "num_replicas", "duplicate_window", "description")


class RetryLater(Exception):
    """The event arrived before its prerequisite: redeliver it later."""


Handler = Callable[[asyncpg.Connection, Event], Awaitable[None]]
BatchHandler = Callable[[asyncpg.Connection, list[Event]], Awaitable[None]]


@dataclass(frozen=True)
class Batched:
    """A handler given all the new events of a batch at once, in order, so that it writes
    their effects with one statement per kind of row instead of one per event; applying a
    list must have the effects of applying its events one after the other."""

    apply: BatchHandler


async def connect(url: str, name: str, attempts: int = 60) -> Client:
    """Connect to ``url`` (several servers: comma-separated), retrying at start; once
    connected the client reconnects forever by itself."""
    for attempt in range(1, attempts + 1):
        try:
            return await nats.connect(
                servers=[server.strip() for server in url.split(",")],
                name=name,
                allow_reconnect=True,
                max_reconnect_attempts=-1,
                reconnect_time_wait=0.5,
                connect_timeout=2,
                error_cb=_log_error,
                disconnected_cb=_log_disconnected,
                reconnected_cb=_log_reconnected,
            )
        except (*NATS_ERRORS, OSError) as error:
            if attempt == attempts:
                raise
            log.warning("nats_connect_retrying", error=repr(error), attempt=attempt)
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


async def _log_error(error: Exception) -> None:
    log.warning("nats_error", error=repr(error))


async def _log_disconnected() -> None:
    log.warning("nats_disconnected")


async def _log_reconnected() -> None:
    log.info("nats_reconnected")


async def ensure_streams(js: JetStreamContext, replicas: int = 1) -> None:
    """Create or update the four context streams and the DLQ (all file storage)."""
    configs = [
        StreamConfig(
            name=stream.name,
            subjects=list(stream.subjects),
            storage=StorageType.FILE,
            num_replicas=replicas,
            duplicate_window=120.0,
            description=stream.description,
        )
        for stream in STREAMS
    ]
    configs.append(
        StreamConfig(
            name=DLQ_STREAM,
            subjects=list(DLQ_SUBJECTS),
            storage=StorageType.FILE,
            num_replicas=replicas,
            description="Advisories of messages that exhausted deliveries or were terminated.",
        )
    )
    for config in configs:
        for attempt in range(1, ENSURE_STREAM_ATTEMPTS + 1):
            try:
                await _ensure_stream(js, config)
                break
            except nats.errors.TimeoutError:
                # a cluster busy electing, or every replica of every service starting at once
                if attempt == ENSURE_STREAM_ATTEMPTS:
                    raise
                log.warning("stream_ensure_retrying", stream=config.name, attempt=attempt)
                await asyncio.sleep(ENSURE_STREAM_BACKOFF * attempt)


async def _ensure_stream(js: JetStreamContext, wanted: StreamConfig) -> None:
    """Create the stream, or update it only where it differs from ``wanted`` (an update is
    a write to the cluster's meta layer, and every process of every service comes here)."""
    try:
        info = await js.stream_info(wanted.name or "")
    except nats.js.errors.NotFoundError:
        with contextlib.suppress(nats.js.errors.BadRequestError):
            await js.add_stream(wanted)  # may race with another service: both succeed
        return
    for name in MANAGED_STREAM_FIELDS:
        value = getattr(wanted, name)  # unset (None or 0): the server's default stands
        if value and getattr(info.config, name) != value:
            await js.update_stream(wanted)
            return


class Consumer:
    """A durable pull consumer that applies each event once, then acks after the commit.

    A fetched batch is applied in one transaction (the inbox rows with the effects) and
    acknowledged at once; a batch that fails is rolled back and applied again in halves,
    down to one event per transaction, so that one failing event only delays, naks or
    terminates itself, and the events around it are still applied a few at a time."""

    def __init__(
        self,
        client: Client,
        pool: asyncpg.Pool,
        consumption: Consumption,
        registry: EventRegistry,
        handler: Handler | Batched,
        max_deliver: int = 8,
        ack_wait: float = 30.0,
        concurrency: int = 8,
        after_commit: Callable[[], None] | None = None,
        observe_lag: Callable[[str, float], None] | None = None,
    ) -> None:
        self._client = client
        self._pool = pool
        self._consumption = consumption
        self._registry = registry
        self._handler = handler
        self._max_deliver = max_deliver
        self._ack_wait = ack_wait
        self._slots = asyncio.Semaphore(concurrency)
        self._after_commit = after_commit
        self._observe_lag = observe_lag
        self._stopping = asyncio.Event()
        self.applied = 0

    @property
    def name(self) -> str:
        return self._consumption.consumer

    def stop(self) -> None:
        """Finish the messages in hand and leave the loop (within the fetch timeout)."""
        self._stopping.set()

    async def run(self) -> None:
        """Fetch and apply until stopped; any failure re-subscribes after a pause, never exits."""
        backoff = 0.2
        while not self._stopping.is_set():
            pulls: Pulls | None = None
            try:
                pulls = await self._subscribe()
                log.info("consumer_subscribed", consumer=self.name)
                backoff = 0.2
                await self._fetch_and_apply(pulls)
            except asyncio.CancelledError:
                raise
            except RETRYABLE_ERRORS as error:
                log.warning("consumer_retrying", consumer=self.name, error=repr(error))
            except Exception:  # a bug must not silently end consumption for good
                log.exception("consumer_failed", consumer=self.name)
            finally:
                if pulls is not None:
                    with contextlib.suppress(Exception):
                        await pulls.stop()
            await self._pause(backoff)
            backoff = min(backoff * 2, 5.0)

    async def _fetch_and_apply(self, pulls: Pulls) -> None:
        """Take batches while earlier ones are being applied (a few at once): waiting for
        each batch to be done before taking the next one left the consumer behind under
        load. Every batch in hand is finished before leaving, whatever ends the loop."""
        loop = asyncio.get_running_loop()
        checked = loop.time()
        in_hand: set[asyncio.Task[None]] = set()
        try:
            while not self._stopping.is_set():
                if len(in_hand) >= BATCHES_IN_HAND:
                    _, in_hand = await asyncio.wait(in_hand, return_when=FIRST_COMPLETED)
                if not await pulls.wait(PULL_WAIT_SECONDS):
                    # nothing to do (or NATS away: the client reconnects)
                    if pulls.trouble or loop.time() - checked >= CONSUMER_CHECK_SECONDS:
                        checked = loop.time()
                        await self._check_consumer()
                    continue
                if pulls.in_hand < FETCH_BATCH:
                    # let others gather: each batch costs a transaction and a flush however
                    # small it is (they keep arriving meanwhile)
                    await self._pause(FETCH_LINGER_SECONDS)
                in_hand.add(asyncio.create_task(self.apply_batch(await pulls.take())))
        finally:
            if in_hand:
                await asyncio.gather(*in_hand, return_exceptions=True)

    async def apply_batch(self, messages: list[Msg]) -> None:
        """Apply fetched messages in one transaction (in halves if that fails)."""
        decoded = [
            (message, event)
            for message in messages
            if (event := await self._decoded_or_terminated(message)) is not None
        ]
        if decoded:
            async with self._slots:
                await self._apply_or_halve(decoded)

    async def _check_consumer(self) -> None:
        """Idle for a while: make sure the durable consumer still exists on the server.

        A consumer deleted (or lost with the server's storage) makes fetches time out as if
        there were nothing to do; ``NotFoundError`` here makes ``run`` subscribe again, which
        re-creates it (the inbox absorbs what it delivers a second time).
        """
        if not self._client.is_connected:
            return
        await self._client.jetstream().consumer_info(
            self._consumption.stream, self.name, timeout=CONSUMER_CHECK_TIMEOUT
        )

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _subscribe(self) -> Pulls:
        """The durable consumer, created when it is not there (an existing one is used as it
        is), and its messages asked for."""
        config = ConsumerConfig(
            durable_name=self.name,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_deliver=self._max_deliver,
            ack_wait=self._ack_wait,
            filter_subject=self._consumption.filter_subject,
            max_ack_pending=10_000,
        )
        stream, js = self._consumption.stream, self._client.jetstream()
        try:
            await js.consumer_info(stream, self.name)
        except nats.js.errors.NotFoundError:
            await js.add_consumer(stream, config)
        pulls = Pulls(self._client, stream, self.name, FETCH_BATCH)
        await pulls.start()
        return pulls

    async def _apply_or_halve(self, chunk: list[tuple[Msg, Event]]) -> None:
        """Apply ``chunk`` in one transaction; if anything fails, every effect is rolled
        back and each half is tried the same way, in order, down to single events (which
        are nak'ed or terminated on their own): a failing event costs a few transactions
        more, not one per event of its batch."""
        if len(chunk) == 1:
            await self._guarded(*chunk[0])
            return
        try:
            await self._apply_chunk(chunk)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.info("chunk_halved", consumer=self.name, events=len(chunk), error=repr(error))
            half = len(chunk) // 2
            await self._apply_or_halve(chunk[:half])
            await self._apply_or_halve(chunk[half:])
        else:
            await self._acknowledge(chunk)

    async def _apply_chunk(self, chunk: list[tuple[Msg, Event]]) -> None:
        """Apply every event of ``chunk`` this consumer has not applied yet, in one
        transaction; any failure (a ``RetryLater`` too) rolls the whole chunk back."""
        applied: list[Event] = []
        forget_noted_events()
        async with transaction(self._pool) as connection:
            new = await first_deliveries(connection, self.name, [event for _, event in chunk])
            for message, event in chunk:
                if event.event_id in new:
                    new.discard(event.event_id)  # the same event twice in hand: applied once
                    if not isinstance(self._handler, Batched):
                        _bind(self.name, message, event)
                        await self._handler(connection, event)
                    applied.append(event)
            if isinstance(self._handler, Batched) and applied:
                contextvars.clear_contextvars()
                contextvars.bind_contextvars(consumer=self.name)
                await self._handler.apply(connection, applied)
        self._count_applied(applied)

    def _count_applied(self, events: list[Event]) -> None:
        self.applied += len(events)
        if self._observe_lag is not None:
            now, consumer = utc_now(), f"{self.name}/{self._consumption.stream}"
            for event in events:
                self._observe_lag(consumer, (now - event.occurred_at).total_seconds())

    async def _acknowledge(self, chunk: list[tuple[Msg, Event]]) -> None:
        """After the commit: wake the relay once if the chunk wrote events (an empty claim
        costs the relay a transaction), ack every message, then one line for the chunk (a
        line per event cost as much as applying it)."""
        self._wake_relay()
        acknowledged: list[str] = []
        for message, event in chunk:
            try:
                await message.ack()
            except NATS_ERRORS as error:
                # the message comes back and the inbox absorbs it
                _bind(self.name, message, event)
                log.warning("ack_failed", error=repr(error))
            else:
                acknowledged.append(str(event.event_id))
        contextvars.clear_contextvars()
        log.info("events_applied", consumer=self.name, event_ids=acknowledged)

    def _wake_relay(self) -> None:
        if self._after_commit is not None and events_noted():
            self._after_commit()

    async def _guarded(self, message: Msg, event: Event | None = None) -> None:
        try:
            await self.handle(message, event)
        except NATS_ERRORS as error:
            # the ack itself failed: the message comes back and the inbox absorbs it
            log.warning("ack_failed", consumer=self.name, error=repr(error))
        except Exception:  # not acked: JetStream redelivers it after the ack wait
            log.exception("event_handling_failed", consumer=self.name)

    async def _decoded_or_terminated(self, message: Msg) -> Event | None:
        """The message's event; an undecodable message is terminated (it goes to the DLQ)."""
        try:
            return self._registry.decode(message.subject, message.data)
        except UndecodableEvent as error:
            _bind(self.name, message, None)
            log.error("event_undecodable", error=str(error), stream_seq=_sequence(message))
            try:
                await message.term()
            except NATS_ERRORS as failure:  # not terminated: it comes back and is met again
                log.warning("ack_failed", error=repr(failure))
            return None

    async def handle(self, message: Msg, event: Event | None = None) -> None:
        """Decode, apply once, ack after commit; nak with delay on transient trouble."""
        _bind(self.name, message, event)
        if event is None:
            try:
                event = self._registry.decode(message.subject, message.data)
            except UndecodableEvent as error:
                log.error("event_undecodable", error=str(error), stream_seq=_sequence(message))
                await message.term()
                return
            contextvars.bind_contextvars(event_id=str(event.event_id))
        delivered = message.metadata.num_delivered if message.metadata else 1
        try:
            await self._apply_once(message, event)
        except RetryLater as reason:
            log.info("event_deferred", reason=str(reason), delivered=delivered)
            await message.nak(delay=min(2.0 * delivered, 30.0))
            return
        except TRANSIENT_ERRORS as error:
            log.warning("event_retrying", error=repr(error), delivered=delivered)
            await message.nak(delay=min(1.0 * delivered, 30.0))
            return
        except Exception:
            log.exception("event_failed", delivered=delivered)
            await message.nak(delay=min(2.0 * delivered, 30.0))
            return
        self._wake_relay()
        await message.ack()
        log.info("event_applied")

    async def _apply_once(self, message: Msg, event: Event) -> None:
        """Apply ``event`` in one transaction unless this consumer already did.

        While the database cannot be reached at all, the message stays in hand (its ack
        deadline pushed back) instead of being nak'ed: an outage must not use up the
        delivery budget and send good events to the DLQ. Other transient errors (the
        database answers: serialization failure, deadlock…) propagate and are nak'ed.
        """
        backoff = 0.2
        while True:
            applied = False
            forget_noted_events()
            try:
                async with transaction(self._pool) as connection:
                    if await first_delivery(connection, self.name, event):
                        if isinstance(self._handler, Batched):
                            await self._handler.apply(connection, [event])
                        else:
                            await self._handler(connection, event)
                        applied = True
            except TRANSIENT_ERRORS as error:
                if self._stopping.is_set() or await database_answers(self._pool):
                    raise
                log.warning("event_waiting_for_database", error=repr(error))
                with contextlib.suppress(*NATS_ERRORS, TimeoutError):
                    await message.in_progress()
                await self._pause(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if applied:
                self._count_applied([event])
            return


def _bind(consumer: str, message: Msg, event: Event | None) -> None:
    """The context of the log lines about ``message`` (and of its handler's lines)."""
    headers = message.headers or {}
    contextvars.clear_contextvars()
    context = {
        "consumer": consumer,
        "subject": message.subject,
        "correlation_id": headers.get("Correlation-Id", ""),
    }
    if event is not None:
        context["event_id"] = str(event.event_id)
    contextvars.bind_contextvars(**context)


def _sequence(message: Msg) -> int | None:
    try:
        return message.metadata.sequence.stream
    except (AttributeError, ValueError, nats.errors.Error):
        return None
