"""A demo territory: collection points in Lille, Roubaix, Tourcoing and Villeneuve d'Ascq."""

from __future__ import annotations

import uuid

from services.collection_point import store
from services.collection_point.domain import CollectionPoint
from shared.db import create_pool

_NAMESPACE = uuid.UUID("6f1c2a52-3f7e-4c1e-9a55-b0c1e0000001")


def _point(slug: str, **fields: str) -> CollectionPoint:
    return CollectionPoint(id=uuid.uuid5(_NAMESPACE, slug), **fields)  # type: ignore[arg-type]


DEMO_POINTS: tuple[CollectionPoint, ...] = (
    _point(
        "lille-jean-leveque",
        name="Médiathèque Jean Lévêque",
        kind="library",
        address="22 rue Jean Jaurès",
        postcode="59000",
        commune="Lille",
    ),
    _point(
        "roubaix-mairie",
        name="Hôtel de ville de Roubaix — accueil",
        kind="town_hall",
        address="17 Grand Place",
        postcode="59100",
        commune="Roubaix",
    ),
    _point(
        "tourcoing-centre-social",
        name="Centre social Boilly",
        kind="social_centre",
        address="47 rue Boilly",
        postcode="59200",
        commune="Tourcoing",
    ),
    _point(
        "villeneuve-tiers-lieu",
        name="La Fabrique du quartier",
        kind="third_place",
        address="5 place Salvador Allende",
        postcode="59650",
        commune="Villeneuve-d'Ascq",
    ),
)


async def seed(dsn: str) -> list[CollectionPoint]:
    pool = await create_pool(dsn, "collection", 1, 2)
    try:
        async with pool.acquire() as connection:
            for point in DEMO_POINTS:
                await store.upsert_point(connection, point)
    finally:
        await pool.close()
    return list(DEMO_POINTS)
