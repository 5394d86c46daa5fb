"""The demo workshop, where the demo's refurbishers and erasure officers work."""

from __future__ import annotations

import uuid

from services.refurbishment import store
from shared.db import create_pool

DEMO_WORKSHOP_ID = uuid.UUID("6f1c2a52-3f7e-4c1e-9a55-b0c1e0000101")
DEMO_WORKSHOP = ("Atelier de reconditionnement de Roubaix", "Roubaix")


async def seed(dsn: str) -> uuid.UUID:
    pool = await create_pool(dsn, "refurbishment", 1, 2)
    try:
        await store.upsert_workshop(pool, DEMO_WORKSHOP_ID, *DEMO_WORKSHOP)
    finally:
        await pool.close()
    return DEMO_WORKSHOP_ID
