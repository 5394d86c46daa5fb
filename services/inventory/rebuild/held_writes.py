"""A connection for the rebuild that holds back the inserts no handler reads back (history
entries, outbox rows) and sends each kind in one round trip before the commit: the rebuild
applies hundreds of events per transaction, and a round trip per row cost more than the row."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

# Statements that only append rows the handlers never read in the transaction that writes
# them, so that sending them later, in order, changes nothing of what the transaction does.
HELD = ("INSERT INTO device_history ", "INSERT INTO outbox ")


class HeldWrites(asyncpg.Connection):
    """An asyncpg connection that holds the HELD statements within ``holding_writes()``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: dict[str, list[Sequence[Any]]] | None = None

    @asynccontextmanager
    async def holding_writes(self) -> AsyncIterator[None]:
        """Hold the appends made in the block, and send them when it ends (not if it
        raises); meant inside a transaction, whose commit follows."""
        outer, self._held = self._held, {}
        try:
            yield
            held, self._held = self._held, outer
            for query, rows in held.items():
                await super().executemany(query, rows)
        finally:
            self._held = outer

    # asyncpg's own signatures, timeout included
    async def execute(
        self,
        query: str,
        *args: Any,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> str:
        if self._held is not None and args and query.startswith(HELD):
            self._held.setdefault(query, []).append(args)
            return "INSERT 0 1"  # the status it will have: the handlers do not read it
        result: str = await super().execute(query, *args, timeout=timeout)
        return result

    async def executemany(
        self,
        command: str,
        args: Iterable[Sequence[Any]],
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> None:
        if self._held is not None and command.startswith(HELD):
            self._held.setdefault(command, []).extend(args)
            return
        await super().executemany(command, args, timeout=timeout)
