"""Sign-in attempts limited per login and per address, with the time left to wait."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from shared.limits import CallerTable


class SignInThrottle:
    """Failed attempts in a sliding window; a success forgets the login's failures.

    Kept in the memory of the issuing process: several replicas each count on their own,
    which multiplies the allowance by the number of replicas but still stops guessing. At
    most ``max_keys`` logins and addresses are tracked; a flood of new ones makes the least
    recent that are not locked out forgotten, never one that is locked out."""

    def __init__(
        self,
        per_login: int = 5,
        per_address: int = 20,
        window_seconds: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self._limits = {"login": per_login, "address": per_address}
        self._window = window_seconds
        self._clock = clock
        self._failures: CallerTable[tuple[str, str], deque[float]]
        self._failures = CallerTable(max_keys, self._locked)

    def wait_seconds(self, login: str, address: str) -> int:
        """0 if an attempt may be made now, else the whole seconds until it may."""
        now = self._clock()
        waits = [0.0]
        for key in (("login", login), ("address", address)):
            failures = self._recent(key, now)
            if len(failures) >= self._limits[key[0]]:
                waits.append(failures[0] + self._window - now)
        return math.ceil(max(waits))

    def failed(self, login: str, address: str) -> None:
        now = self._clock()
        for key in (("login", login), ("address", address)):
            failures = self._recent(key, now)
            failures.append(now)
            self._failures.put(key, failures, now)

    def succeeded(self, login: str) -> None:
        self._failures.forget(("login", login))

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        """The failures of ``key`` still in the window; only the last ``limit`` matter."""
        failures = self._failures.get(key)
        if failures is None:
            failures = deque(maxlen=self._limits[key[0]])
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        return failures

    def _locked(self, key: tuple[str, str], _: deque[float], now: float) -> bool:
        return len(self._recent(key, now)) >= self._limits[key[0]]
