"""Replay: the register rebuilt from the streams inventory consumes, with inventory's own
handlers, into the empty tables of a schema of its own, then compared with the live register.

The streams and the archived events' files (what the streams no longer keep) are the
register's source of truth; the rebuild only reads them and writes its own schema. What its
handlers announce stays in that schema's outbox, which no relay reads: a service's relay
reads its own schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
import uuid
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Sequence,
)
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TypeVar

import asyncpg
import nats
from nats.aio.client import Client

import shared.contracts  # noqa: F401  (registers every event contract)
from services.inventory.archive.event_files import ArchivedMessage, messages_of
from services.inventory.archive.event_store import ArchivedEvents, ArchivedEventsStore
from services.inventory.archive.events import file_intact
from services.inventory.archive.files import at_of
from services.inventory.consumers import HANDLERS
from services.inventory.lifecycle import handlers
from services.inventory.lifecycle.facts import DEVICE_FACTS
from services.inventory.lifecycle.handlers import locked_device
from services.inventory.lifecycle.steps import Step, record_step
from services.inventory.lifecycle.store import LifecycleStore
from services.inventory.rebuild.digest import RegisterDigest, register_digest
from services.inventory.rebuild.held_register import HeldRegister, HeldWork
from services.inventory.rebuild.reading import stored_messages, subject_matches
from services.inventory.reservations import handlers as reservations
from shared.bus import RetryLater
from shared.contracts.collection import DeviceReceived
from shared.contracts.inventory import ReservationExpired
from shared.contracts.purchase import ReservationRequested
from shared.contracts.streams import consumption_of
from shared.db import create_pool
from shared.events import Event, UndecodableEvent, registry
from shared.logging import get_logger
from shared.migrations import migrate
from shared.uow import Work

REBUILD_SCHEMA = "inventory_rebuild"
MIGRATIONS = Path(__file__).parent.parent / "migrations"
CONSUMER = "inventory"
# What inventory consumes; plus its own expiries, decided by the clock, not stated by a fact.
SOURCES = (
    *((stream, consumption_of(CONSUMER, stream).filter_subject)
      for stream in ("COLLECTION", "REFURBISHMENT", "PURCHASE")),
    ("INVENTORY", ReservationExpired.subject),
)  # fmt: skip
# The rebuild is an operator's command, not a request: a statement over the whole rebuilt
# register (its digest at 10,000,000 events) may take minutes.
STATEMENT_TIMEOUT = 3600.0
EVENTS_PER_TRANSACTION = 1000

log = get_logger("boucle.inventory.rebuild")
T = TypeVar("T")
UseCase = Callable[[Work[LifecycleStore], Event], Awaitable[None]]


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


class EventsMissing(LookupError):
    """Events the rebuild needs are in neither an archive file nor the stream."""


async def stored_events(
    client: Client, stream: str, subject: str, archived: Sequence[ArchivedEvents] = ()
) -> AsyncGenerator[StoredEvent, None]:
    """The events of ``stream`` on ``subject`` in stream order: those ``archived`` in files
    (verified first), then those the stream still holds, read after the last archived one.
    A sequence missing from both stops the rebuild, saying which."""
    after = 0
    for part in archived:
        if part.first_sequence != after + 1:
            raise EventsMissing(_missing(stream, after + 1, part.first_sequence - 1))
        async for message in _archived_messages(part):
            if subject_matches(subject, message.subject):
                event = _decoded(message.subject, message.data)
                if event is not None:
                    stored_at = at_of(message.stored_us)
                    yield StoredEvent(stream, message.sequence, stored_at, event)
        after = part.last_sequence
    first = (await client.jetstream().stream_info(stream)).state.first_seq or 0
    if first > after + 1:
        raise EventsMissing(_missing(stream, after + 1, first - 1))
    async for stored in stored_messages(client, stream, subject, after_sequence=after):
        event = _decoded(stored.subject, stored.data)
        if event is not None:
            metadata = stored.metadata
            yield StoredEvent(stream, metadata.sequence.stream, metadata.timestamp, event)


def _missing(stream: str, first: int, last: int) -> str:
    return (
        f"events {first} to {last} of {stream} are in neither an archive file nor the stream "
        "(purged without being archived, or an archive file lost): the register cannot be "
        "rebuilt from them"
    )


def _decoded(subject: str, data: bytes) -> Event | None:
    try:
        return registry.decode(subject, data)
    except UndecodableEvent:
        return None


async def _archived_messages(part: ArchivedEvents) -> AsyncIterator[ArchivedMessage]:
    """The messages of an archive file, once its SHA-256 is the one recorded."""
    if not await file_intact(part):
        raise EventsMissing(
            f"the archive file of {part.stream} events {part.first_sequence} to "
            f"{part.last_sequence} ({part.location}) is missing or not the one archived"
        )
    batches = messages_of(Path(part.location))
    while (batch := await asyncio.to_thread(next, batches, None)) is not None:
        for message in batch:
            yield message


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


async def expire_as_announced(work: Work[LifecycleStore], event: Event) -> None:
    """The reservation inventory once let lapse lapses again, at the same moment."""
    assert isinstance(event, ReservationExpired)
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


# The events a register mostly consists of, applied by inventory's own use cases on a held
# register (``HeldWork``): the same rules and rows as the live consumers, decided in memory,
# so that a chunk costs a few statements instead of three to five round trips an event. The
# rarer events (places, shipments, purchases) go through the live consumers' handlers.
HELD: dict[type[Event], UseCase] = {
    DeviceReceived: handlers.register_received_device,
    ReservationRequested: reservations.answer_reservation_request,
    ReservationExpired: expire_as_announced,
    **dict.fromkeys(DEVICE_FACTS, handlers.apply_device_fact),
}


class Outcome(Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    WAITING = "waiting"
    FAILED = "failed"


async def replay(pool: asyncpg.Pool, events: AsyncIterable[Event]) -> Replayed:
    """Apply ``events`` in order, EVENTS_PER_TRANSACTION at a time in one transaction; one
    that arrives before its prerequisite waits, and is tried again each time another event
    about the same device applies. Only the events waiting are kept."""
    replayed = Replayed()
    waiting: dict[uuid.UUID, list[Event]] = {}
    async with pool.acquire() as connection:
        async for chunk in read_ahead(in_chunks(events, EVENTS_PER_TRANSACTION)):
            await _apply_together(connection, chunk, waiting, replayed)
        for device_id in list(waiting):
            await _retry_one_by_one(connection, device_id, waiting, replayed)
    replayed.never_applicable = [event for events in waiting.values() for event in events]
    return replayed


async def _apply_together(
    connection: asyncpg.Connection,
    events: Sequence[Event],
    waiting: dict[uuid.UUID, list[Event]],
    replayed: Replayed,
) -> None:
    """Apply ``events`` in one transaction. If any of them fails, nothing of them is kept
    and each half is applied again the same way, down to single events: one failing event
    costs a few transactions more, and never loses or doubles the others."""
    if len(events) == 1:
        await _apply_alone_then_the_waiting(connection, events[0], waiting, replayed)
        return
    try:
        async with _transaction(connection):
            attempt = _Attempt(connection, waiting)
            await attempt.apply_in_order(events)
    except Exception as error:  # each half again, in order
        log.debug("rebuild_chunk_halved", events=len(events), error=repr(error))
        half = len(events) // 2
        await _apply_together(connection, events[:half], waiting, replayed)
        await _apply_together(connection, events[half:], waiting, replayed)
        return
    attempt.kept(waiting, replayed)


async def _apply_alone_then_the_waiting(
    connection: asyncpg.Connection,
    event: Event,
    waiting: dict[uuid.UUID, list[Event]],
    replayed: Replayed,
) -> None:
    """An event on its own, then each of its device's waiting events on its own (once it
    applied), so that a failing one is counted, and dropped, alone."""
    outcome = await _apply_alone(connection, event, replayed)
    if outcome is Outcome.WAITING:
        waiting.setdefault(event.aggregate_id, []).append(event)
    elif outcome is Outcome.APPLIED:
        await _retry_one_by_one(connection, event.aggregate_id, waiting, replayed)


async def _retry_one_by_one(
    connection: asyncpg.Connection,
    device_id: uuid.UUID,
    waiting: dict[uuid.UUID, list[Event]],
    replayed: Replayed,
) -> None:
    """Try the device's waiting events again, each in its own transaction, in order, until
    none applies any more."""
    progress = True
    while progress and waiting.get(device_id):
        progress = False
        still: list[Event] = []
        for event in waiting[device_id]:
            if await _apply_alone(connection, event, replayed) is Outcome.WAITING:
                still.append(event)
            else:
                progress = True
        waiting[device_id] = still
    if not waiting.get(device_id):
        waiting.pop(device_id, None)


async def _apply_alone(connection: asyncpg.Connection, event: Event, replayed: Replayed) -> Outcome:
    """``event`` in a transaction of its own, its waiting counted by the caller."""
    try:
        async with _transaction(connection):
            attempt = _Attempt(connection, {})
            outcome = await attempt.apply_one(event)
    except Exception:  # the live consumer sent it to the dead letters
        log.exception("rebuild_event_failed", subject=event.subject, event_id=str(event.event_id))
        replayed.failed += 1
        return Outcome.FAILED
    attempt.kept({}, replayed)
    return outcome


@contextlib.asynccontextmanager
async def _transaction(connection: asyncpg.Connection) -> AsyncIterator[None]:
    """A transaction whose commit does not wait for its flush to disk: a rebuild that stops
    for any reason (a server crash too) is run again from an empty schema, so the rebuilt
    tables need no durability, and a flush per chunk was waited for on a busy disk."""
    async with connection.transaction():
        await connection.execute("SET LOCAL synchronous_commit TO off")
        yield


class _Attempt:
    """What one transaction applies: events by inventory's use cases on a register held in
    memory (the rarer kinds by the live consumers' handlers on the tables), the events left
    waiting, and the counts; kept only once it commits."""

    def __init__(self, connection: asyncpg.Connection, waiting: dict[uuid.UUID, list[Event]]):
        self.connection = connection
        self.register = HeldRegister(connection, CONSUMER)
        self.work = HeldWork(self.register)
        self.before = waiting  # as the committed transactions left it
        self.waiting: dict[uuid.UUID, list[Event]] = {}  # the devices whose list changed
        self.done: set[uuid.UUID] = set()  # events applied, before or in this transaction
        self.applied = 0
        self.duplicates = 0

    async def apply_in_order(self, events: Sequence[Event]) -> None:
        """Apply ``events``, set aside those that must wait, and try a device's waiting
        ones again each time an event about it applies; then write it all."""
        waited = [e for event in events for e in self.before.get(event.aggregate_id, ())]
        await self._read(events, waited)
        for position, event in enumerate(events):
            outcome = await self._apply(event, events[position + 1 :])
            if outcome is Outcome.WAITING:
                self._waiting(event.aggregate_id).append(event)
            elif outcome is Outcome.APPLIED:
                await self._retry_waiting(event.aggregate_id)
        await self.register.flush()

    async def apply_one(self, event: Event) -> Outcome:
        """Apply ``event`` alone, and write it."""
        await self._read([event], [])
        outcome = await self._apply(event, ())
        await self.register.flush()
        return outcome

    def kept(self, waiting: dict[uuid.UUID, list[Event]], replayed: Replayed) -> None:
        """Once committed: the waiting events and counts as this transaction left them."""
        for device_id, events in self.waiting.items():
            if events:
                waiting[device_id] = events
            else:
                waiting.pop(device_id, None)
        replayed.applied += self.applied
        replayed.duplicates += self.duplicates

    async def _read(self, events: Sequence[Event], waited: Sequence[Event]) -> None:
        """What the events will ask for, read at once: whether they were applied, their
        devices (and labels), the reservation requests they name."""
        self.done |= await self.register.already_applied([*events, *waited])
        await self._read_devices(events)

    async def _read_devices(self, events: Sequence[Event]) -> None:
        """Up to the first rarer event (which writes what is held, then forgets it)."""
        held = list(itertools.takewhile(lambda event: type(event) in HELD, events))
        waited = [e for event in held for e in self.before.get(event.aggregate_id, ())]
        await self.register.read(
            (event.aggregate_id for event in held),
            (event.label for event in held if isinstance(event, DeviceReceived)),
            (
                request_id
                for event in (*held, *waited)
                if isinstance(request_id := getattr(event, "request_id", None), uuid.UUID)
            ),
        )

    async def _apply(self, event: Event, rest: Sequence[Event]) -> Outcome:
        if event.event_id in self.done:
            self.duplicates += 1
            return Outcome.DUPLICATE
        use_case = HELD.get(type(event))
        try:
            if use_case is not None:
                await use_case(self.work, event)  # a waiting one has changed nothing
            else:
                await self._apply_live(event, rest)
        except RetryLater:
            return Outcome.WAITING
        self.register.applied(event)
        self.done.add(event.event_id)
        self.applied += 1
        return Outcome.APPLIED

    async def _apply_live(self, event: Event, rest: Sequence[Event]) -> None:
        """A rarer event, by the live handler, on the tables brought up to date: what is
        held is written first, and what the following events ask for is read afterwards."""
        await self.register.flush()
        self.register.forget()
        async with self.connection.transaction():  # a savepoint: waiting leaves nothing
            await HANDLERS[type(event)](self.connection, event)
        await self._read_devices(rest)

    async def _retry_waiting(self, device_id: uuid.UUID) -> None:
        """Try the device's waiting events again, in order, until none applies any more."""
        progress = True
        while progress and self._waiting_of(device_id):
            progress = False
            still: list[Event] = []
            for event in self._waiting_of(device_id):
                if await self._apply(event, ()) is Outcome.WAITING:
                    still.append(event)
                else:
                    progress = True
            self.waiting[device_id] = still

    def _waiting_of(self, device_id: uuid.UUID) -> list[Event]:
        if device_id in self.waiting:
            return self.waiting[device_id]
        return self.before.get(device_id, [])

    def _waiting(self, device_id: uuid.UUID) -> list[Event]:
        if device_id not in self.waiting:
            self.waiting[device_id] = list(self.before.get(device_id, ()))
        return self.waiting[device_id]


async def read_ahead(items: AsyncIterable[T]) -> AsyncIterator[T]:
    """``items``, the next one read while the caller works on the one it was given, never
    more than one ahead: reading the streams goes on while a chunk waits for PostgreSQL."""
    iterator = aiter(items)

    async def following() -> tuple[T] | None:
        async for item in iterator:
            return (item,)
        return None

    reading = asyncio.ensure_future(following())
    try:
        while (read := await reading) is not None:
            reading = asyncio.ensure_future(following())
            yield read[0]
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading


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
    rebuilt_pool = await create_pool(dsn, schema, 1, 2, statement_timeout=STATEMENT_TIMEOUT)
    live_pool = await create_pool(dsn, live_schema, 1, 2, statement_timeout=STATEMENT_TIMEOUT)
    client = await nats.connect(nats_url, name="boucle-inventory-rebuild")
    async with live_pool.acquire() as connection:
        archived = await ArchivedEventsStore(connection).files()
    streams = [
        stored_events(client, stream, subject, [a for a in archived if a.stream == stream])
        for stream, subject in SOURCES
    ]
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
