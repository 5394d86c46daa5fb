"""Limits per caller (an address, a login) kept in bounded memory that a flood of new callers
cannot use to make the process forget whom it holds back."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Entry = TypeVar("Entry")

# How many of the least recently seen callers are looked at to make room for a new one: a
# bound, so that a table full of callers held back costs the same as any other.
LOOKED_AT_FOR_ROOM = 16


class CallerTable(Generic[Key, Entry]):
    """What is known of at most ``size`` callers.

    To make room for a newcomer, a caller least recently seen that is not held back is
    forgotten. A caller still held back (``held(key, entry, now)``) is never forgotten before
    its hold ends; while every caller looked at is held back, the newcomer is not recorded."""

    def __init__(self, size: int, held: Callable[[Key, Entry, float], bool]) -> None:
        self._size = size
        self._held = held
        self._entries: OrderedDict[Key, Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> Entry | None:
        return self._entries.get(key)

    def put(self, key: Key, entry: Entry, now: float) -> bool:
        """Remember ``entry`` as the latest about ``key``; False if there was no room for it."""
        full = key not in self._entries and len(self._entries) >= self._size
        if full and not self._make_room(now):
            return False
        self._entries[key] = entry
        self._entries.move_to_end(key)
        return True

    def forget(self, key: Key) -> None:
        self._entries.pop(key, None)

    def _make_room(self, now: float) -> bool:
        for _ in range(min(LOOKED_AT_FOR_ROOM, len(self._entries))):
            key, entry = next(iter(self._entries.items()))
            if not self._held(key, entry, now):
                del self._entries[key]
                return True
            self._entries.move_to_end(key)  # kept; the next look starts further on
        return False


class RequestRate:
    """At most ``per_minute`` requests in any minute per caller, a burst of that many
    included (the generic cell rate algorithm: one number per caller)."""

    WINDOW = 60.0

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        max_callers: int = 100_000,
    ) -> None:
        self._interval = self.WINDOW / per_minute
        self._clock = clock
        # When each caller's allowance is used up if it sends nothing more.
        self._spent_until: CallerTable[str, float] = CallerTable(max_callers, self._held)

    def wait_seconds(self, caller: str) -> int:
        """0 if ``caller`` may send a request now (it is counted), else the whole seconds
        until it may."""
        now = self._clock()
        spent_until = max(self._spent_until.get(caller) or now, now) + self._interval
        over = spent_until - now - self.WINDOW
        if over > 0:
            return math.ceil(over)
        self._spent_until.put(caller, spent_until, now)
        return 0

    def _held(self, caller: str, spent_until: float, now: float) -> bool:
        return spent_until + self._interval - now > self.WINDOW
