"""SQL of the passive and archived tiers: finished journeys' histories moved to the passive
tier a batch at a time; a passive month exported, recorded as archived and dropped, or
restored from its file."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import asyncpg
import msgspec

from services.inventory.archive.files import COLUMNS, RowsDigest
from shared.rows import row_as, rows_as

# Devices whose state is final since before the cutoff and whose history is still active,
# after the keyset cursor of the run (the partial index devices_ended_by_time, in order),
# locked so that no fact about them applies meanwhile (a fact that comes later — a device
# returned — adds its step to the active table). The states are spelled as in that index.
_MOVE_BATCH = """
WITH chosen AS (
    SELECT d.id, d.state_since FROM devices d
    WHERE d.state IN ('delivered', 'recycled', 'dismantled') AND d.state_since < $1
      AND (d.state_since, d.id) > ($2::timestamptz, $3::uuid)
      AND EXISTS (SELECT 1 FROM device_history h WHERE h.device_id = d.id)
    ORDER BY d.state_since, d.id LIMIT $4
    FOR UPDATE OF d SKIP LOCKED
), moved AS (
    DELETE FROM device_history h
    WHERE h.device_id = ANY((SELECT array_agg(id) FROM chosen)::uuid[])
    RETURNING h.id, h.device_id, h.at, h.state, h.subject, h.event_id, h.producer,
              h.place_name, h.correlation_id
), archived AS (
    INSERT INTO device_history_passive (id, device_id, at, state, subject, event_id, producer,
                                        place_name, correlation_id, ended_month)
    SELECT m.id, m.device_id, m.at, m.state, m.subject, m.event_id, m.producer, m.place_name,
           m.correlation_id, tier_month(c.state_since)
    FROM moved m JOIN chosen c ON c.id = m.device_id
    RETURNING device_id
)
SELECT (SELECT count(*) FROM archived) AS rows,
       (SELECT count(*) FROM chosen) AS devices,
       (SELECT state_since FROM chosen ORDER BY state_since DESC, id DESC LIMIT 1) AS last_at,
       (SELECT id FROM chosen ORDER BY state_since DESC, id DESC LIMIT 1) AS last_id
"""


class Moved(msgspec.Struct, frozen=True, kw_only=True):
    """What one batch moved: its devices, their history rows, and the last device (the
    cursor of the next batch)."""

    rows: int
    devices: int
    last_at: datetime | None
    last_id: uuid.UUID | None


# The passive partitions of the months the journeys ended in whose histories are to move (a
# walk of the ended devices by their index, a look into each one's history), but a month
# already archived (a journey cannot end in it any more: see the settings' rule).
_ENSURE_PARTITIONS = """
SELECT tier_passive_partition(month, $2) FROM (
    SELECT DISTINCT tier_month(d.state_since) AS month FROM devices d
    WHERE d.state IN ('delivered', 'recycled', 'dismantled') AND d.state_since < $1
      AND EXISTS (SELECT 1 FROM device_history h WHERE h.device_id = d.id)
) due
WHERE month NOT IN (SELECT month FROM tier_archived)
"""
_PASSIVE_MONTHS = """
SELECT to_date(substr(c.relname, length('device_history_passive_') + 1), 'YYYY_MM') AS month,
       pg_total_relation_size(c.oid) AS bytes
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'device_history_passive'::regclass ORDER BY 1
"""
_STILL_ACTIVE = """
SELECT count(*) FROM devices d
WHERE d.state IN ('delivered', 'recycled', 'dismantled')
  AND tier_month(d.state_since) = $1
  AND EXISTS (SELECT 1 FROM device_history h WHERE h.device_id = d.id)
"""
_EXPORTED = (
    "SELECT id, device_id, (extract(epoch FROM at) * 1000000)::bigint AS at_us, state, "
    "subject, event_id, producer, place_name, correlation_id FROM device_history_passive "
    "WHERE ended_month = $1"
)
_RESTORE = """
INSERT INTO device_history_passive (id, device_id, at, state, subject, event_id, producer,
                                    place_name, correlation_id, ended_month)
SELECT id, device_id, timestamptz 'epoch' + at_us * interval '1 microsecond', state, subject,
       event_id, producer, place_name, correlation_id, $1
FROM tier_restoring
"""


class PassiveMonth(msgspec.Struct, frozen=True, kw_only=True):
    month: date
    bytes: int


class ArchivedMonth(msgspec.Struct, frozen=True, kw_only=True):
    """A month of the archived tier: where its file is and what it holds."""

    month: date
    location: str
    rows: int
    devices: int
    bytes: int
    database_bytes: int
    file_sha256: str
    rows_sha256: str


class ArchiveStore:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def move_histories(
        self, cutoff: datetime, after_at: datetime, after_id: uuid.UUID, batch: int
    ) -> Moved:
        """Move the histories of at most ``batch`` devices whose journey ended before
        ``cutoff``, after the cursor (``after_at``, ``after_id``)."""
        moved = row_as(
            Moved,
            await self.connection.fetchrow(_MOVE_BATCH, cutoff, after_at, after_id, batch),
        )
        assert moved is not None  # an aggregate: always one row
        return moved

    async def ensure_partitions(self, cutoff: datetime, tablespace: str) -> None:
        """The passive partitions the histories of journeys ended before ``cutoff`` go to."""
        await self.connection.execute(_ENSURE_PARTITIONS, cutoff, tablespace)

    # a month of the passive and archived tiers

    async def lock_month(self, month: date) -> None:
        """One move, restore or verification of a month at a time."""
        await self.connection.execute(
            "SELECT pg_advisory_xact_lock(hashtext('tier:' || $1::date::text))", month
        )

    async def passive_months(self) -> list[PassiveMonth]:
        return rows_as(PassiveMonth, await self.connection.fetch(_PASSIVE_MONTHS))

    async def still_active(self, month: date) -> int:
        """Devices whose journey ended in ``month`` whose history is still active."""
        count: int = await self.connection.fetchval(_STILL_ACTIVE, month)
        return count

    async def passive_rows(self, month: date) -> int:
        count: int = await self.connection.fetchval(
            "SELECT count(*) FROM device_history_passive WHERE ended_month = $1", month
        )
        return count

    async def export(self, month: date, target: Path, progress: Callable[[int], None]) -> None:
        """The month's passive rows as CSV (``files.COLUMNS``) into ``target``; ``progress``
        told the rows written so far."""
        written = 0
        with target.open("wb") as file:

            async def write(chunk: bytes) -> None:
                nonlocal written
                file.write(chunk)
                written += chunk.count(b"\n")
                progress(written)

            await self.connection.copy_from_query(_EXPORTED, month, output=write, format="csv")

    async def rows_digest(self, month: date) -> RowsDigest:
        """The digest of the month's passive rows, in id order (as ``files.rows_digest``)."""
        digest = RowsDigest()
        canonical = (
            "SELECT id, device_id::text, (extract(epoch FROM at) * 1000000)::bigint, state, "
            "subject, event_id::text, producer, place_name, correlation_id "
            "FROM device_history_passive WHERE ended_month = $1 ORDER BY id"
        )
        async for row in self.connection.cursor(canonical, month, prefetch=10_000):
            digest.add([tuple(row)])
        return digest

    async def record_archived(self, archived: ArchivedMonth) -> None:
        """The month recorded as archived, its devices listed, its partition dropped."""
        await self.connection.execute(
            "INSERT INTO tier_archived (month, location, rows, devices, bytes, database_bytes, "
            "file_sha256, rows_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            *msgspec.structs.astuple(archived),
        )
        await self.connection.execute(
            "INSERT INTO tier_archived_devices (device_id, month) "
            "SELECT DISTINCT device_id, $1::date FROM device_history_passive "
            "WHERE ended_month = $1",
            archived.month,
        )
        await self.drop_partition(archived.month)

    async def drop_partition(self, month: date) -> None:
        await self.connection.execute(f"DROP TABLE {_partition(month)}")

    async def devices_in(self, month: date) -> int:
        count: int = await self.connection.fetchval(
            "SELECT count(DISTINCT device_id) FROM device_history_passive WHERE ended_month = $1",
            month,
        )
        return count

    async def archived(self, month: date) -> ArchivedMonth | None:
        return row_as(
            ArchivedMonth,
            await self.connection.fetchrow(
                "SELECT month, location, rows, devices, bytes, database_bytes, file_sha256, "
                "rows_sha256 FROM tier_archived WHERE month = $1",
                month,
            ),
        )

    async def archived_months(self) -> list[ArchivedMonth]:
        return rows_as(
            ArchivedMonth,
            await self.connection.fetch(
                "SELECT month, location, rows, devices, bytes, database_bytes, file_sha256, "
                "rows_sha256 FROM tier_archived ORDER BY month"
            ),
        )

    async def restore(self, month: date, source: Path, tablespace: str) -> int:
        """The rows of ``source`` (CSV, ``files.COLUMNS``) back in the month's passive
        partition, the month no longer archived. The rows restored."""
        await self.connection.execute("SELECT tier_passive_partition($1, $2)", month, tablespace)
        await self.connection.execute(
            "CREATE TEMP TABLE tier_restoring (id bigint, device_id uuid, at_us bigint, "
            "state text, subject text, event_id uuid, producer text, place_name text, "
            "correlation_id text) ON COMMIT DROP"
        )
        await self.connection.copy_to_table(
            "tier_restoring", source=source, columns=list(COLUMNS), format="csv"
        )
        restored = await self.connection.execute(_RESTORE, month)
        await self.connection.execute("DELETE FROM tier_archived WHERE month = $1", month)
        return int(restored.split()[-1])


def _partition(month: date) -> str:
    return f"device_history_passive_{month:%Y_%m}"
