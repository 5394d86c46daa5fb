"""Which device types each place accepts, kept briefly: checked before an intake is written."""

from __future__ import annotations

import time
import uuid

import asyncpg

from shared.errors import DomainError

ACCEPTED_TYPES_SECONDS = 30.0


class TypeNotAccepted(DomainError):
    def __init__(self, device_type: str, accepted: list[str]) -> None:
        super().__init__(
            f"This collection point does not take {device_type} devices; it takes "
            f"{', '.join(accepted)}. Send the donor to another point (see /lieux)."
        )


class AcceptedTypes:
    def __init__(self, seconds: float = ACCEPTED_TYPES_SECONDS) -> None:
        self._seconds = seconds
        self._types: dict[uuid.UUID, tuple[list[str], float]] = {}

    async def check(self, pool: asyncpg.Pool, point_id: uuid.UUID, device_type: str) -> None:
        """Refuse a type the point does not take; an unknown point is left to the caller."""
        accepted = await self._of(pool, point_id)
        if accepted is not None and device_type not in accepted:
            raise TypeNotAccepted(device_type, accepted)

    async def _of(self, pool: asyncpg.Pool, point_id: uuid.UUID) -> list[str] | None:
        entry = self._types.get(point_id)
        if entry is not None and time.monotonic() - entry[1] <= self._seconds:
            return entry[0]
        types: list[str] | None = await pool.fetchval(
            "SELECT accepted_types FROM collection_points WHERE id = $1 AND active", point_id
        )
        if types is not None:
            if len(self._types) > 10_000:
                self._types.clear()
            self._types[point_id] = (list(types), time.monotonic())
        return types


accepted_types = AcceptedTypes()
