"""The demo workshop, where the demo's refurbishers and erasure officers work."""

from __future__ import annotations

import uuid

from services.refurbishment.bench.domain import Workshop
from services.refurbishment.bench.handlers import register_workshop
from services.refurbishment.store import BenchStore
from shared.db import create_pool
from shared.uow import PostgresUnitOfWork

DEMO_WORKSHOP_ID = uuid.UUID("6f1c2a52-3f7e-4c1e-9a55-b0c1e0000101")
DEMO_WORKSHOP = Workshop(
    id=DEMO_WORKSHOP_ID,
    name="Atelier de reconditionnement de Roubaix",
    commune="Roubaix",
    latitude=50.6942,
    longitude=3.1746,
)


async def seed(dsn: str) -> uuid.UUID:
    """Create or refresh the demo workshop, and publish where it is."""
    pool = await create_pool(dsn, "refurbishment", 1, 2)
    try:
        # the relay of the running service publishes it: nothing to wake from here
        await register_workshop(PostgresUnitOfWork(pool, BenchStore, lambda: None), DEMO_WORKSHOP)
    finally:
        await pool.close()
    return DEMO_WORKSHOP_ID
