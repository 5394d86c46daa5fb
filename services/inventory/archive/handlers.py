"""The passive tier: histories of devices that ended their journey (delivered, recycled,
dismantled) long ago move from the active history table to the passive one, in the monthly
partition of the month the journey ended.

Rows keep their ids; passports and reports read ``device_history_all`` (active and passive
together, and the archived files: ``tiers``), so moving a history changes no page and no
figure.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.inventory.archive.store import ArchiveStore
from shared.uow import UnitOfWork

ARCHIVE_BATCH = 500  # devices whose histories move in one transaction

_BEFORE_EVERYTHING = (datetime.fromisoformat("0001-01-01T00:00:00+00:00"), uuid.UUID(int=0))


@dataclass(frozen=True)
class Archived:
    """What one archiving run moved."""

    devices: int
    history_rows: int


async def archive_histories(
    uow: UnitOfWork[ArchiveStore],
    older_than_days: int,
    batch: int = ARCHIVE_BATCH,
    tablespace: str = "",
) -> Archived:
    """Move the histories of devices delivered, recycled or dismantled more than
    ``older_than_days`` before now (the unit of work's clock, when the run starts) to the
    passive tier, a batch of devices per transaction (new partitions on ``tablespace``).
    Running it again moves nothing more."""
    async with uow.begin() as work:
        cutoff = work.now() - timedelta(days=older_than_days)
        await work.store.ensure_partitions(cutoff, tablespace)
    after_at, after_id = _BEFORE_EVERYTHING
    devices = rows = 0
    while True:
        async with uow.begin() as work:
            moved = await work.store.move_histories(cutoff, after_at, after_id, batch)
        devices += moved.devices
        rows += moved.rows
        if moved.devices < batch:
            return Archived(devices=devices, history_rows=rows)
        assert moved.last_at is not None and moved.last_id is not None
        after_at, after_id = moved.last_at, moved.last_id
