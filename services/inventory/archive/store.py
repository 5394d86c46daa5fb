"""SQL of the archive tier: one batch of finished journeys' histories moved aside."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import msgspec

from shared.rows import row_as

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
    INSERT INTO device_history_archive (id, device_id, at, state, subject, event_id, producer,
                                        place_name, correlation_id)
    SELECT id, device_id, at, state, subject, event_id, producer, place_name, correlation_id
    FROM moved
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
