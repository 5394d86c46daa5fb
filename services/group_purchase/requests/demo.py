"""The demo organisation, where the demo's social worker follows households."""

from __future__ import annotations

import uuid

from services.group_purchase.requests.domain import OrganisationCreate
from services.group_purchase.requests.store import RequestStore
from shared.db import create_pool

DEMO_ORGANISATION_ID = uuid.UUID("6f1c2a52-3f7e-4c1e-9a55-b0c1e0000201")
DEMO_ORGANISATION = OrganisationCreate(
    name="CCAS de Roubaix",
    kind="social_service",
    contact="03 20 66 46 00 (accueil du CCAS)",
    commune="Roubaix",
    monthly_quota=20,
)


async def seed(dsn: str) -> uuid.UUID:
    pool = await create_pool(dsn, "purchase", 1, 2)
    try:
        await RequestStore(pool).insert_organisation(DEMO_ORGANISATION_ID, DEMO_ORGANISATION)
    finally:
        await pool.close()
    return DEMO_ORGANISATION_ID
