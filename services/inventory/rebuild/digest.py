"""A digest of the register: each device's identity, state, grade and place, and the steps of
its history in order, so that two registers (live and rebuilt) can be compared."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

_PER_DEVICE = """
SELECT d.id, md5(concat_ws('|', d.id, d.label, d.device_type, d.state, coalesce(d.grade, ''),
                           d.place_name, coalesce(h.steps, ''))) AS digest,
       coalesce(h.rows, 0) AS history_rows
FROM devices d
LEFT JOIN LATERAL (
    SELECT string_agg(state || ':' || subject, ',' ORDER BY at, id) AS steps, count(*) AS rows
    FROM device_history_all WHERE device_id = d.id
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
    by one statement (one snapshot); the history is active and archived rows together."""
    rows = await pool.fetch(_PER_DEVICE, list(device_ids) if device_ids is not None else None)
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
