"""SQL of the archived events: which files hold which stream sequences, and what purging them
from the streams freed."""

from __future__ import annotations

from datetime import date

import asyncpg
import msgspec

from shared.rows import rows_as

_COLUMNS = (
    "stream, first_sequence, last_sequence, month, events, location, bytes, file_sha256, "
    "events_sha256"
)


class ArchivedEvents(msgspec.Struct, frozen=True, kw_only=True):
    """A file of archived events: the stream sequences it holds, where it is, its digests."""

    stream: str
    first_sequence: int
    last_sequence: int
    month: date  # the month the stream stored them in (UTC)
    events: int
    location: str
    bytes: int
    file_sha256: str
    events_sha256: str


class ArchivedEventsStore:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def try_lock_stream(self, stream: str) -> bool:
        """One archiving of a stream at a time, for this transaction (False: another is at
        it)."""
        taken: bool = await self.connection.fetchval(
            "SELECT pg_try_advisory_xact_lock(hashtext('tier-events:' || $1))", stream
        )
        return taken

    async def last_archived(self, stream: str) -> int:
        """The last stream sequence archived (0: none)."""
        last: int = await self.connection.fetchval(
            "SELECT coalesce(max(last_sequence), 0) FROM tier_archived_events WHERE stream = $1",
            stream,
        )
        return last

    async def record(self, archived: ArchivedEvents) -> None:
        await self.connection.execute(
            f"INSERT INTO tier_archived_events ({_COLUMNS}) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            *msgspec.structs.astuple(archived),
        )

    async def files(self, stream: str | None = None) -> list[ArchivedEvents]:
        """The files of ``stream`` (of every stream when None), in stream order."""
        return rows_as(
            ArchivedEvents,
            await self.connection.fetch(
                f"SELECT {_COLUMNS} FROM tier_archived_events "
                "WHERE $1::text IS NULL OR stream = $1 ORDER BY stream, first_sequence",
                stream,
            ),
        )

    async def record_purge(self, stream: str, purged_before: int, freed_bytes: int) -> None:
        await self.connection.execute(
            "INSERT INTO tier_stream_purges (stream, purged_before, freed_bytes) "
            "VALUES ($1, $2, $3) ON CONFLICT (stream) DO UPDATE SET "
            "purged_before = excluded.purged_before, "
            "freed_bytes = tier_stream_purges.freed_bytes + excluded.freed_bytes",
            stream,
            purged_before,
            freed_bytes,
        )
