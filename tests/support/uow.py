"""An in-memory unit of work, to run use cases without PostgreSQL: the store is the test's
own fake, announced events and audit lines are kept once the block commits, and an exception
puts the store back as it was (as a rolled-back transaction would)."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Awaitable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

import pytest

from shared.errors import DomainError
from shared.events import Event

Store = TypeVar("Store")


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self, start: datetime | None = None) -> None:
        self.at = start or datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


class FakeWork(Generic[Store]):
    def __init__(self, store: Store, clock: FakeClock) -> None:
        self._store = store
        self._clock = clock
        self.events: list[Event] = []
        self.audit_lines: list[tuple[str, str, str]] = []

    @property
    def store(self) -> Store:
        return self._store

    def now(self) -> datetime:
        return self._clock()

    async def announce(self, *events: Event) -> None:
        self.events.extend(events)

    async def audit(self, actor: str, action: str, subject: str) -> None:
        self.audit_lines.append((actor, action, subject))

    def recorded(self, *events: Event) -> None:
        self.events.extend(events)


class FakeUnitOfWork(Generic[Store]):
    """``events`` and ``audit_lines`` hold what committed transactions recorded, in order;
    ``commits`` and ``rollbacks`` count the transactions."""

    def __init__(self, store: Store, clock: FakeClock | None = None) -> None:
        self.store = store
        self.clock = clock or FakeClock()
        self.events: list[Event] = []
        self.audit_lines: list[tuple[str, str, str]] = []
        self.commits = 0
        self.rollbacks = 0

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[FakeWork[Store]]:
        before = copy.deepcopy(self.store.__dict__)
        work = FakeWork(self.store, self.clock)
        try:
            yield work
        except BaseException:
            self.store.__dict__.clear()
            self.store.__dict__.update(before)
            self.rollbacks += 1
            raise
        self.events.extend(work.events)
        self.audit_lines.extend(work.audit_lines)
        self.commits += 1

    def now(self) -> datetime:
        return self.clock()

    def at_once(self) -> AbstractAsyncContextManager[FakeWork[Store]]:
        """As ``begin``: in memory, a block of one write is all or nothing either way."""
        return self.begin()

    def announced(self, kind: type[Event]) -> list[Event]:
        """The committed events of ``kind``."""
        return [event for event in self.events if isinstance(event, kind)]


def snapshot(store: Any) -> dict[str, str]:
    """What a fake store holds, to compare before and after a refusal."""
    return {key: repr(value) for key, value in vars(store).items()}


async def refused(
    uow: FakeUnitOfWork[Any], code: str, attempt: Awaitable[Any], rolled_back: bool = True
) -> DomainError:
    """``attempt`` is refused with ``code``, and the refusal changed and announced nothing
    (its transaction rolled back, unless it was refused once a reading one had ended)."""
    before, events, rollbacks = snapshot(uow.store), len(uow.events), uow.rollbacks
    with pytest.raises(DomainError) as raised:
        await attempt
    assert raised.value.code == code
    assert snapshot(uow.store) == before
    assert len(uow.events) == events
    assert uow.rollbacks == rollbacks + rolled_back
    return raised.value
