"""The counter's intakes that arrive together, written by one statement (a group commit).

At a busy counter, or at many counters at once, requests arrive while the database is still
writing earlier ones. Each request waits for its own answer as before, but those that
arrived meanwhile are written together by the next statement: one round trip and one flush
to disk for all of them instead of one each. A request that finds a writer free is written
at once, alone: nothing ever waits for company.

The statement for several intakes writes what each request's own statement would
(``IntakeStore.record_intakes``). When it fails for one of them (a key already used, a
constraint), it wrote nothing, and each intake is then written on its own, so that each
request gets its own answer. A lost connection or a database too slow to answer fails them
all, as it would have failed each: the request tries once more, or answers 503."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Sequence

import asyncpg

from services.collection_point.store import IntakeRecord, IntakeRecording, IntakeStore
from shared.db import TRANSIENT_ERRORS, DatabaseBusy, connection_of
from shared.events import Clock, utc_now
from shared.uow import PostgresUnitOfWork

WRITERS = 1  # one statement in flight at a time: while it runs, the next requests gather
MOST_AT_ONCE = 64  # intakes in one statement

Waiting = tuple[IntakeRecord, "asyncio.Future[IntakeRecording]"]


class IntakeRecorder:
    """Writes the intakes given to ``record`` on ``pool``, together when they arrive
    together; ``seconds`` bounds each statement (the counter fails fast)."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        seconds: float | None,
        writers: int = WRITERS,
        most_at_once: int = MOST_AT_ONCE,
    ) -> None:
        self._pool = pool
        self._seconds = seconds
        self._most_writers = writers
        self._most_at_once = most_at_once
        self._waiting: list[Waiting] = []
        self._writing = 0  # writers at work, counted as they start and stop
        self._writers: set[asyncio.Task[None]] = set()  # kept from the garbage collector
        self.statements = 0
        """Statements written, to compare with the intakes they wrote."""
        self.intakes = 0
        """Intakes given to a statement (whatever it answered)."""

    async def record(self, record: IntakeRecord) -> IntakeRecording:
        """What ``IntakeStore.record_intake`` answers for ``record``, and raises."""
        future: asyncio.Future[IntakeRecording] = asyncio.get_running_loop().create_future()
        self._waiting.append((record, future))
        if self._writing < self._most_writers:
            self._writing += 1
            # a context of its own: the writer works for many requests, logs as none of them
            writer = asyncio.create_task(self._write_waiting(), context=contextvars.Context())
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)
        return await future

    async def _write_waiting(self) -> None:
        batch: Sequence[Waiting] = ()
        try:
            while self._waiting:
                batch = self._waiting[: self._most_at_once]
                del self._waiting[: self._most_at_once]
                try:
                    await self._write(batch)
                except Exception as error:  # said to each request of the batch not answered
                    _fail(batch, error)
                    if isinstance(error, TimeoutError):  # stuck: those waiting would wait again
                        waiting, self._waiting = self._waiting, []
                        _fail(waiting, DatabaseBusy("the database did not answer in time"))
        finally:
            # stopped with the loop ending the process: whether the statement ran is unknown
            _fail(batch, TimeoutError("the database's answer was not read"))
            self._writing -= 1  # at once, not in a later callback: a request arriving
            # meanwhile would otherwise count this writer, and wait for it in vain

    async def _write(self, batch: Sequence[Waiting]) -> None:
        async with connection_of(self._pool) as connection:
            store = IntakeStore(connection, self._seconds)
            self.statements += 1
            self.intakes += len(batch)
            if len(batch) == 1:
                await _each_alone(store, batch)
                return
            try:
                outcomes = await store.record_intakes([record for record, _ in batch])
            except TRANSIENT_ERRORS:
                raise
            except asyncpg.PostgresError:  # nothing written: each alone gets its own answer
                self.statements += len(batch)
                await _each_alone(store, batch)
                return
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)


def _fail(batch: Sequence[Waiting], error: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(error)


async def _each_alone(store: IntakeStore, batch: Sequence[Waiting]) -> None:
    """Each intake in its own statement; a lost connection ends them all (raised)."""
    for record, future in batch:
        try:
            outcome = await store.record_intake(record)
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:
            if not future.done():
                future.set_exception(error)
        else:
            if not future.done():
                future.set_result(outcome)


class RecordingUnitOfWork(PostgresUnitOfWork[IntakeStore]):
    """The intakes' unit of work, whose counter writes go through ``recorder``."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        store_of: Callable[[asyncpg.Connection], IntakeStore],
        wake: Callable[[], None],
        recorder: IntakeRecorder,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(pool, store_of, wake, clock)
        self._recorder = recorder

    async def record(self, record: IntakeRecord) -> IntakeRecording:
        """Write ``record`` with the others arriving now; the relay is woken when it was."""
        recorded = await self._recorder.record(record)
        if recorded.inserted:
            self._wake()
        return recorded
