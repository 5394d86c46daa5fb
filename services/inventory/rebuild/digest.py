"""A digest of the register: each device's identity, state, grade and place, and the steps of
its history in order, so that two registers (live and rebuilt) can be compared."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from services.inventory.archive import files

_PER_DEVICE = """
SELECT d.id, md5(concat_ws('|', d.id, d.label, d.device_type, d.state, coalesce(d.grade, ''),
                           d.place_name, coalesce(h.steps, ''))) AS digest,
       coalesce(h.rows, 0) AS history_rows
FROM devices d
LEFT JOIN LATERAL (
    SELECT string_agg(state || ':' || subject, ',' ORDER BY at, id) AS steps, count(*) AS rows
    FROM (SELECT id, device_id, at, state, subject FROM device_history_all
          UNION ALL SELECT id, device_id, at, state, subject FROM tier_history_archived) steps
    WHERE device_id = d.id
) h ON true
WHERE $1::uuid[] IS NULL OR d.id = ANY($1::uuid[])
"""


@dataclass(frozen=True)
class RegisterDigest:
    devices: int
    history_rows: int
    value: str
    per_device: dict[uuid.UUID, str]

    def differing(self, other: RegisterDigest) -> list[uuid.UUID]:
        """Devices missing from one register or different in it, in id order."""
        ids = self.per_device.keys() | other.per_device.keys()
        return sorted(i for i in ids if self.per_device.get(i) != other.per_device.get(i))


async def register_digest(
    pool: asyncpg.Pool, device_ids: Sequence[uuid.UUID] | None = None
) -> RegisterDigest:
    """The digest of the register ``pool`` reads (of ``device_ids`` only, when given), read
    by one statement (one snapshot); the history is active, passive and archived rows
    together (the archived ones read from their files into a table of the transaction)."""
    ids = list(device_ids) if device_ids is not None else None
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute(
            "CREATE TEMP TABLE tier_history_archived (id bigint, device_id uuid, "
            "at timestamptz, state text, subject text) ON COMMIT DROP"
        )
        locations = await connection.fetch(
            "SELECT location FROM tier_archived a WHERE $1::uuid[] IS NULL OR EXISTS ("
            "SELECT 1 FROM tier_archived_devices d WHERE d.month = a.month "
            "AND d.device_id = ANY($1::uuid[])) ORDER BY month",
            ids,
        )
        batches = files.rows_of([Path(found["location"]) for found in locations], ids)
        while batch := await asyncio.to_thread(next, batches, None):
            await connection.copy_records_to_table(
                "tier_history_archived",
                records=[(r[0], r[1], files.at_of(r[2]), r[3], r[4]) for r in batch],
            )
        rows = await connection.fetch(_PER_DEVICE, ids)
    per_device = {row["id"]: row["digest"] for row in rows}
    whole = hashlib.sha256()
    for device_id in sorted(per_device):
        whole.update(f"{device_id}={per_device[device_id]}\n".encode())
    return RegisterDigest(
        devices=len(rows),
        history_rows=sum(row["history_rows"] for row in rows),
        value=whole.hexdigest(),
        per_device=per_device,
    )
