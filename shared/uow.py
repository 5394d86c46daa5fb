"""The unit of work: the one transaction a use case runs in.

A use case is given a ``UnitOfWork`` and never the pool. ``async with uow.begin() as work``
opens a transaction; inside it the use case reads and writes through ``work.store`` (the
feature's store, bound to that transaction), announces facts with ``work.announce`` (outbox
rows in the same transaction), writes the audit trail with ``work.audit`` and asks
``work.now()`` for the time. Leaving the block commits; an exception rolls everything back,
events and audit lines included. Once a transaction that announced something has committed,
the outbox relay is woken: no route wakes it by hand.

``PostgresUnitOfWork`` is the real one; ``tests/support/uow.py`` has an in-memory one that
runs the same use cases without PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Generic, Protocol, TypeVar

import asyncpg

from shared import audit
from shared.db import connection_of, transaction
from shared.events import Clock, Event, utc_now
from shared.outbox import add_events

Store = TypeVar("Store", covariant=True)
Built = TypeVar("Built")


class Work(Protocol[Store]):
    """What a use case holds while its transaction is open."""

    @property
    def store(self) -> Store: ...

    def now(self) -> datetime: ...

    async def announce(self, *events: Event) -> None:
        """Record ``events`` for publication once (and only if) the transaction commits."""

    async def audit(self, actor: str, action: str, subject: str) -> None:
        """Add a line to the audit trail, in the same transaction."""


class UnitOfWork(Protocol[Store]):
    """What a use case is given: a way to open its transaction."""

    def begin(self) -> AbstractAsyncContextManager[Work[Store]]: ...


class PostgresWork(Generic[Built]):
    def __init__(self, connection: asyncpg.Connection, store: Built, clock: Clock) -> None:
        self.connection = connection
        self._store = store
        self._clock = clock
        self.announced = 0

    @property
    def store(self) -> Built:
        return self._store

    def now(self) -> datetime:
        return self._clock()

    async def announce(self, *events: Event) -> None:
        if events:
            await add_events(self.connection, events)
            self.announced += len(events)

    async def audit(self, actor: str, action: str, subject: str) -> None:
        await audit.record(self.connection, actor, action, subject)

    def recorded(self, *events: Event) -> None:
        """``events`` were written to the outbox by one of the store's own statements (a
        write made of one statement, see ``PostgresUnitOfWork.at_once``): the relay is woken
        for them as for announced ones."""
        self.announced += len(events)


class PostgresUnitOfWork(Generic[Built]):
    """Transactions on ``pool``, each with the store ``store_of`` builds on its connection;
    ``wake`` (the relay's) is called after a commit that announced events."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        store_of: Callable[[asyncpg.Connection], Built],
        wake: Callable[[], None],
        clock: Clock = utc_now,
    ) -> None:
        self.pool = pool
        self._store_of = store_of
        self._wake = wake
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    def begin(self) -> AbstractAsyncContextManager[PostgresWork[Built]]:
        return self._working(transaction(self.pool))

    def at_once(self) -> AbstractAsyncContextManager[PostgresWork[Built]]:
        """The store on a pooled connection outside any transaction, each statement
        committing on its own: for a hot path whose write is one statement that records its
        own events (no BEGIN nor COMMIT round trip). The relay is woken after a block in which
        ``work.recorded`` was told of events."""
        return self._working(connection_of(self.pool))

    @asynccontextmanager
    async def _working(
        self, holding: AbstractAsyncContextManager[asyncpg.Connection]
    ) -> AsyncIterator[PostgresWork[Built]]:
        """A work on the connection ``holding`` holds; once let go (committed), the relay is
        woken if the work announced anything."""
        async with holding as connection:
            work = PostgresWork(connection, self._store_of(connection), self._clock)
            yield work
        if work.announced:
            self._wake()
