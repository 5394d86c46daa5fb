"""A demo territory: collection points in Lille, Roubaix, Tourcoing and Villeneuve-d'Ascq,
and a bus numérique touring Comines, Wavrin and Fretin."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from services.collection_point.places.domain import PlaceFields
from services.collection_point.places.handlers import save_places, set_stops
from services.collection_point.places.itinerary import Schedule, StopFields, paris_day
from services.collection_point.places.store import PlaceStore
from shared.db import create_pool
from shared.events import utc_now
from shared.uow import PostgresUnitOfWork

_NAMESPACE = uuid.UUID("6f1c2a52-3f7e-4c1e-9a55-b0c1e0000001")

DEMO_PLACES: dict[str, PlaceFields] = {
    "lille-jean-leveque": PlaceFields(
        name="Médiathèque Jean Lévêque",
        kind="library",
        address="22 rue Jean Jaurès",
        postcode="59000",
        commune="Lille",
        insee_code="59350",
        latitude=50.6311,
        longitude=3.0703,
        opening_hours="Tu-Fr 10:00-12:30,14:00-18:00; Sa 10:00-17:00; PH off",
        accepted_types=["laptop", "desktop", "tablet", "smartphone", "monitor"],
        accessibility="Entrée de plain-pied, ascenseur, boucle magnétique à l'accueil.",
        phone="+33320000001",
    ),
    "roubaix-mairie": PlaceFields(
        name="Hôtel de ville de Roubaix — accueil",
        kind="town_hall",
        address="17 Grand Place",
        postcode="59100",
        commune="Roubaix",
        insee_code="59512",
        latitude=50.6905,
        longitude=3.1817,
        opening_hours="Mo-Fr 08:30-12:00,13:30-17:30; PH off",
        accepted_types=["laptop", "tablet", "smartphone"],
        accessibility="Accès par la rampe côté rue Pierre Motte.",
    ),
    "tourcoing-centre-social": PlaceFields(
        name="Centre social Boilly",
        kind="social_centre",
        address="47 rue Boilly",
        postcode="59200",
        commune="Tourcoing",
        insee_code="59599",
        latitude=50.7239,
        longitude=3.1612,
        opening_hours="Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
        accepted_types=["laptop", "desktop", "tablet", "smartphone", "printer", "peripheral"],
    ),
    "villeneuve-tiers-lieu": PlaceFields(
        name="La Fabrique du quartier",
        kind="third_place",
        address="5 place Salvador Allende",
        postcode="59650",
        commune="Villeneuve-d'Ascq",
        insee_code="59009",
        latitude=50.6233,
        longitude=3.1450,
        opening_hours="We 14:00-19:00; Sa 10:00-18:00",
        accepted_types=["laptop", "desktop", "tablet", "smartphone", "monitor", "other"],
        accessibility="Rez-de-chaussée, toilettes adaptées.",
    ),
    "bus-numerique": PlaceFields(
        name="Bus numérique de la métropole",
        kind="mobile",
        address="2 boulevard des Cités Unies",
        postcode="59000",
        commune="Lille",
        insee_code="59350",
        latitude=50.6366,
        longitude=3.0748,
        accepted_types=["laptop", "desktop", "tablet", "smartphone"],
        accessibility="Plateforme élévatrice à l'arrière du bus pour les fauteuils roulants.",
    ),
}
BUS = "bus-numerique"

# The donor of the demo's first laptop left an address and asked for news of it: its "ready"
# mail reaches the SMTP catcher of ``boucle up``.
DEMO_DONOR = {"name": "Claire Dupont", "email": "claire.dupont@example.org", "news": True}

# Where the bus stops: a morning and an afternoon place in each of three communes of the MEL.
TOUR = [
    (commune, insee_code, place, latitude, longitude)
    for commune, insee_code, latitude, longitude in (
        ("Comines", "59152", 50.7622, 3.0083),
        ("Wavrin", "59653", 50.5742, 2.9356),
        ("Fretin", "59256", 50.5581, 3.1339),
    )
    for place in ("Parvis de la mairie", "Salle des fêtes")
]
HALF_DAYS = (("09:30", "12:30"), ("14:00", "17:30"))


def demo_tour(now: datetime, days: int = 14) -> Schedule:
    """Two stops a day but Sunday, from today for ``days`` days, the communes in turn; the
    stops of today already over are left out."""
    stops = []
    for offset in range(days):
        day = paris_day(now) + timedelta(days=offset)
        if day.isoweekday() == 7:
            continue
        for half, (opens, closes) in enumerate(HALF_DAYS):
            commune, insee_code, place, latitude, longitude = TOUR[(2 * offset + half) % len(TOUR)]
            stop = StopFields(
                place_name=place,
                commune=commune,
                insee_code=insee_code,
                latitude=latitude,
                longitude=longitude,
                day=day,
                opens=opens,
                closes=closes,
            )
            if stop.ends > now:
                stops.append(stop)
    return Schedule(stops=stops)


def demo_point_id(slug: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, slug)


async def seed(dsn: str) -> list[uuid.UUID]:
    """Create or refresh the demo places; return their ids."""
    pool = await create_pool(dsn, "collection", 1, 2)
    try:
        # no relay in this process: the service's relay publishes what the outbox holds
        uow = PostgresUnitOfWork(pool, PlaceStore, wake=lambda: None)
        await save_places(
            uow, {demo_point_id(slug): fields for slug, fields in DEMO_PLACES.items()}
        )
        await set_stops(uow, demo_point_id(BUS), demo_tour(utc_now()))
    finally:
        await pool.close()
    return [demo_point_id(slug) for slug in DEMO_PLACES]
