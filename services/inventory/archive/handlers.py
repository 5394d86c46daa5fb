"""The archive tier: histories of devices that ended their journey (delivered, recycled,
dismantled) long ago move from the active history table to the archive table.

Rows keep their ids; passports and reports read ``device_history_all`` (active and archived
together), so moving a history changes no page and no figure.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from shared.db import transaction

ARCHIVE_BATCH = 500  # devices whose histories move in one transaction

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
_BEFORE_EVERYTHING = (datetime.fromisoformat("0001-01-01T00:00:00+00:00"), uuid.UUID(int=0))


@dataclass(frozen=True)
class Archived:
    """What one archiving run moved."""

    devices: int
    history_rows: int


async def archive_histories(
    pool: asyncpg.Pool, older_than_days: int, now: datetime, batch: int = ARCHIVE_BATCH
) -> Archived:
    """Move the histories of devices delivered, recycled or dismantled more than
    ``older_than_days`` before ``now`` to the archive, a batch of devices per transaction.
    Running it again moves nothing more."""
    cutoff = now - timedelta(days=older_than_days)
    after_at, after_id = _BEFORE_EVERYTHING
    devices = rows = 0
    while True:
        async with transaction(pool) as connection:
            moved = await connection.fetchrow(_MOVE_BATCH, cutoff, after_at, after_id, batch)
        assert moved is not None
        devices += moved["devices"]
        rows += moved["rows"]
        if moved["devices"] < batch:
            return Archived(devices=devices, history_rows=rows)
        after_at, after_id = moved["last_at"], moved["last_id"]
