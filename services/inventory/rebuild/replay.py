"""Replay: the register rebuilt from the streams inventory consumes, with inventory's own
handlers, into the empty tables of a schema of its own, then compared with the live register.

The streams keep every event (no retention limit), so they are the register's source of
truth; the rebuild only reads them and writes its own schema. What its handlers announce
stays in that schema's outbox, which no relay reads: a service's relay reads its own schema.
"""

from __future__ import annotations

import heapq
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TypeVar, cast

import asyncpg
import nats
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

import shared.contracts  # noqa: F401  (registers every event contract)
from services.inventory.consumers import HANDLERS
from services.inventory.lifecycle.handlers import locked_device
from services.inventory.lifecycle.steps import Step, record_step
from services.inventory.lifecycle.store import work_on
from services.inventory.rebuild.digest import RegisterDigest, register_digest
from services.inventory.rebuild.held_writes import HeldWrites
from shared.bus import RetryLater
from shared.contracts.inventory import ReservationExpired
from shared.contracts.streams import consumption_of
from shared.db import create_pool
from shared.events import Event, UndecodableEvent, registry
from shared.inbox import first_deliveries, first_delivery
from shared.logging import get_logger
from shared.migrations import migrate

REBUILD_SCHEMA = "inventory_rebuild"
MIGRATIONS = Path(__file__).parent.parent / "migrations"
CONSUMER = "inventory"
# What inventory consumes; plus its own expiries, decided by the clock, not stated by a fact.
SOURCES = (
    *((stream, consumption_of(CONSUMER, stream).filter_subject)
      for stream in ("COLLECTION", "REFURBISHMENT", "PURCHASE")),
    ("INVENTORY", ReservationExpired.subject),
)  # fmt: skip
FETCH_BATCH = 256
FETCH_TIMEOUT = 5.0
# A stream's reader may wait for hours while the merge takes the others' earlier events; it is
# deleted at the end, or this long after a rebuild that died.
READER_INACTIVE_THRESHOLD = 24 * 3600.0
EVENTS_PER_TRANSACTION = 500

log = get_logger("boucle.inventory.rebuild")
T = TypeVar("T")


@dataclass(frozen=True)
class StoredEvent:
    """An event as a stream keeps it: where, in which position, since when."""

    stream: str
    sequence: int
    stored_at: datetime
    event: Event


@dataclass
class Replayed:
    applied: int = 0
    duplicates: int = 0
    failed: int = 0
    never_applicable: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class Rebuild:
    live: RegisterDigest
    rebuilt: RegisterDigest
    replayed: Replayed
    events_read: int
    seconds: float  # reading and applying them

    @property
    def events_per_second(self) -> float:
        return self.events_read / self.seconds if self.seconds > 0 else 0.0

    @property
    def matches(self) -> bool:
        return self.live.value == self.rebuilt.value


async def stored_events(
    js: JetStreamContext, stream: str, subject: str
) -> AsyncGenerator[StoredEvent, None]:
    """The events of ``stream`` on ``subject`` stored when reading starts, in stream order,
    FETCH_BATCH at a time by a short-lived consumer that acknowledges nothing (the durable
    consumers are untouched): at most one batch is held at a time."""
    config = ConsumerConfig(
        ack_policy=AckPolicy.NONE,
        deliver_policy=DeliverPolicy.ALL,
        inactive_threshold=READER_INACTIVE_THRESHOLD,
        mem_storage=True,
    )
    subscription = await js.pull_subscribe(subject, stream=stream, config=config)
    try:
        info = await subscription.consumer_info()
        remaining = info.num_pending or 0
        while remaining > 0:
            messages = await subscription.fetch(
                batch=min(FETCH_BATCH, remaining), timeout=FETCH_TIMEOUT
            )
            remaining -= len(messages)
            for message in messages:
                try:
                    event = registry.decode(message.subject, message.data)
                except UndecodableEvent:
                    continue
                metadata = message.metadata
                yield StoredEvent(stream, metadata.sequence.stream, metadata.timestamp, event)
    finally:
        await subscription.unsubscribe()


async def in_arrival_order(
    streams: Sequence[AsyncIterator[StoredEvent]],
) -> AsyncIterator[StoredEvent]:
    """The streams merged in the order they stored their events: the order the live
    consumers met them in, give or take their concurrency (which the handlers tolerate).

    A lazy merge: it holds the next event of each stream and nothing more, and asks a stream
    for its next one only once the one it held is passed on. Within a stream, the stream's
    own order stands (were its clock ever to go back)."""
    heads: list[tuple[datetime, str, int, int, StoredEvent]] = []
    for position, events in enumerate(streams):
        first = await anext(events, None)
        if first is not None:
            heads.append((first.stored_at, first.stream, first.sequence, position, first))
    heapq.heapify(heads)
    while heads:
        position, stored = heads[0][3], heads[0][4]
        yield stored
        following = await anext(streams[position], None)
        if following is None:
            heapq.heappop(heads)
        else:
            key = (following.stored_at, following.stream, following.sequence)
            heapq.heapreplace(heads, (*key, position, following))


def applies(event: Event) -> bool:
    """Whether the register does anything with ``event`` (a stream carries more)."""
    return type(event) in HANDLERS or isinstance(event, ReservationExpired)


class Outcome(Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    WAITING = "waiting"
    FAILED = "failed"


async def apply_once(connection: HeldWrites, event: Event) -> Outcome:
    """Apply ``event`` as the live consumer does (inbox row and effects together), inside a
    savepoint so that a deferred or failing event leaves nothing behind."""
    try:
        async with connection.transaction(), connection.holding_writes():
            if not await first_delivery(connection, CONSUMER, event):
                return Outcome.DUPLICATE
            await _handle(connection, event)
    except RetryLater:
        return Outcome.WAITING
    except Exception:  # the live consumer sent it to the dead letters
        log.exception("rebuild_event_failed", subject=event.subject, event_id=str(event.event_id))
        return Outcome.FAILED
    return Outcome.APPLIED


async def _handle(connection: asyncpg.Connection, event: Event) -> None:
    if isinstance(event, ReservationExpired):
        await expire_as_announced(connection, event)
    else:
        await HANDLERS[type(event)](connection, event)


async def expire_as_announced(connection: asyncpg.Connection, event: ReservationExpired) -> None:
    """The reservation inventory once let lapse lapses again, at the same moment."""
    work = work_on(connection)
    if await work.store.reservation_status(event.request_id) is None:
        raise RetryLater(f"reservation request {event.request_id} has not been applied yet")
    device = await locked_device(work.store, event)
    reservation = device.lifecycle.reservation
    if reservation is None or reservation.request_id != event.request_id:
        return  # ended otherwise in the meantime
    after = device.lifecycle.expire_reservation(max(event.occurred_at, reservation.expires_at))
    assert after is not None
    await record_step(work, device, after, Step.of(event), device.place_name)
    await work.store.end_reservation(event.request_id, "expired", event.occurred_at)


async def replay(pool: asyncpg.Pool, events: AsyncIterable[Event]) -> Replayed:
    """Apply ``events`` in order, EVENTS_PER_TRANSACTION at a time in one transaction; one
    that arrives before its prerequisite waits, and is tried again each time another event
    about the same device applies. Only the events waiting are kept."""
    replayed = Replayed()
    waiting: dict[uuid.UUID, list[Event]] = defaultdict(list)
    async with pool.acquire() as acquired:
        connection = cast(HeldWrites, acquired)
        async for chunk in in_chunks(events, EVENTS_PER_TRANSACTION):
            await _apply_in_order(connection, chunk, waiting, replayed)
        async with connection.transaction():
            for device_id in list(waiting):
                await _retry_waiting(connection, device_id, waiting, replayed)
    replayed.never_applicable = [event for events in waiting.values() for event in events]
    return replayed


async def _apply_in_order(
    connection: HeldWrites,
    events: Sequence[Event],
    waiting: dict[uuid.UUID, list[Event]],
    replayed: Replayed,
) -> None:
    """Apply ``events`` in order: an event about a device whose events wait on its own (it
    may let them apply), the runs of events between such ones together."""
    rest = events
    while rest:
        run = next((i for i, event in enumerate(rest) if event.aggregate_id in waiting), len(rest))
        await _apply_together(connection, rest[:run], waiting, replayed)
        await _apply_together(connection, rest[run : run + 1], waiting, replayed)
        rest = rest[run + 1 :]


async def _apply_together(
    connection: HeldWrites,
    events: Sequence[Event],
    waiting: dict[uuid.UUID, list[Event]],
    replayed: Replayed,
) -> None:
    """Apply ``events`` in one transaction, without a savepoint each. If any of them fails
    or must wait, nothing of them is kept and each half is applied again the same way, down
    to single events, which apply, wait or fail on their own: one such event costs a few
    transactions more, and never loses or doubles the others."""
    if len(events) <= 1:
        for event in events:
            async with connection.transaction():
                await _apply_and_retry(connection, event, waiting, replayed)
        return
    try:
        async with connection.transaction(), connection.holding_writes():
            new = await first_deliveries(connection, CONSUMER, events)
            applied = len(new)
            for event in events:
                if event.event_id in new:
                    new.discard(event.event_id)  # the same event twice: applied once
                    await _handle(connection, event)
    except Exception as error:  # RetryLater too: each half again, in order
        log.debug("rebuild_chunk_halved", events=len(events), error=repr(error))
        half = len(events) // 2
        await _apply_in_order(connection, events[:half], waiting, replayed)
        await _apply_in_order(connection, events[half:], waiting, replayed)
        return
    replayed.applied += applied
    replayed.duplicates += len(events) - applied


async def in_chunks(items: AsyncIterable[T], size: int) -> AsyncIterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), read as they are needed."""
    chunk: list[T] = []
    async for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def _apply_and_retry(
    connection: HeldWrites,
    event: Event,
    waiting: dict[uuid.UUID, list[Event]],
    replayed: Replayed,
) -> None:
    outcome = await apply_once(connection, event)
    _count(outcome, replayed)
    if outcome is Outcome.WAITING:
        waiting[event.aggregate_id].append(event)
    elif outcome is Outcome.APPLIED and event.aggregate_id in waiting:
        await _retry_waiting(connection, event.aggregate_id, waiting, replayed)


async def _retry_waiting(
    connection: HeldWrites,
    device_id: uuid.UUID,
    waiting: dict[uuid.UUID, list[Event]],
    replayed: Replayed,
) -> None:
    """Try the device's waiting events again, in order, until none applies any more."""
    progress = True
    while progress and waiting.get(device_id):
        progress = False
        still: list[Event] = []
        for event in waiting[device_id]:
            outcome = await apply_once(connection, event)
            if outcome is Outcome.WAITING:
                still.append(event)
                continue
            _count(outcome, replayed)
            progress = True
        waiting[device_id] = still
    if not waiting.get(device_id):
        waiting.pop(device_id, None)


def _count(outcome: Outcome, replayed: Replayed) -> None:
    if outcome is Outcome.APPLIED:
        replayed.applied += 1
    elif outcome is Outcome.DUPLICATE:
        replayed.duplicates += 1
    elif outcome is Outcome.FAILED:
        replayed.failed += 1


async def fresh_schema(dsn: str, schema: str) -> None:
    """``schema`` emptied and migrated like inventory's own."""
    await drop_schema(dsn, schema)
    await migrate(dsn, schema, MIGRATIONS)


async def drop_schema(dsn: str, schema: str) -> None:
    """Drop a rebuilt schema (and refuse any other: the live ones are never touched)."""
    if not schema.startswith(REBUILD_SCHEMA):
        raise ValueError(f"a rebuild drops only schemas named {REBUILD_SCHEMA}…, not {schema}")
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await connection.close()


async def rebuild_and_compare(
    dsn: str,
    nats_url: str,
    live_schema: str = "inventory",
    schema: str = REBUILD_SCHEMA,
    keep: bool = False,
    device_ids: Sequence[uuid.UUID] | None = None,
) -> Rebuild:
    """Rebuild the register into ``schema`` from the streams, then compare its digest with
    the live one (of ``device_ids`` only, when given). The rebuilt schema is dropped at the
    end unless ``keep``."""
    await fresh_schema(dsn, schema)
    rebuilt_pool = await create_pool(dsn, schema, 1, 2, connection_class=HeldWrites)
    live_pool = await create_pool(dsn, live_schema, 1, 2)
    client = await nats.connect(nats_url, name="boucle-inventory-rebuild")
    js = client.jetstream()
    streams = [stored_events(js, stream, subject) for stream, subject in SOURCES]
    try:
        live = await register_digest(live_pool, device_ids)
        read = _Counted(stored.event async for stored in in_arrival_order(streams))
        started = time.perf_counter()
        replayed = await replay(rebuilt_pool, read)
        seconds = time.perf_counter() - started
        rebuilt = await register_digest(rebuilt_pool, device_ids)
    finally:
        for events in streams:
            await events.aclose()  # their consumers deleted, even when the replay failed
        await client.close()
        await rebuilt_pool.close()
        await live_pool.close()
        if not keep:
            await drop_schema(dsn, schema)
    return Rebuild(
        live=live, rebuilt=rebuilt, replayed=replayed, events_read=read.count, seconds=seconds
    )


class _Counted:
    """The events inventory applies, out of those read, counted as they pass."""

    def __init__(self, events: AsyncIterator[Event]) -> None:
        self.events = events
        self.count = 0

    async def __aiter__(self) -> AsyncIterator[Event]:
        async for event in self.events:
            if applies(event):
                self.count += 1
                yield event
