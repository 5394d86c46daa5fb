"""Places reach requests through events, and matching offers a household the nearest device."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from tests.support.households import DonationAt, Territory
from tests.support.register import publish, until_state
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

ROUBAIX_TOWN_HALL = (50.6905, 3.1817)
CROIX = (50.6783, 3.1500)  # 2.6 km from Roubaix's town hall
FIVES = (50.6280, 3.0900)  # 9.5 km from it
LILLE = (50.6372, 3.0633)


@pytest.fixture
async def territory(
    stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> AsyncIterator[Territory]:
    opened = await Territory(stack, http).open()
    yield opened
    await opened.close(purchase_pool)


def coordinator(stack: Stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}


async def open_collection_point(
    http: httpx.AsyncClient, stack: Stack, name: str, position: tuple[float, float]
) -> dict[str, Any]:
    answer = await http.post(
        f"{stack.url('collection_point')}/api/v1/collection-points",
        json={
            "name": name,
            "kind": "town_hall",
            "address": "17 Grand Place",
            "postcode": "59100",
            "commune": "Roubaix",
            "opening_hours": "24/7",
            "latitude": position[0],
            "longitude": position[1],
        },
        headers=coordinator(stack),
    )
    assert answer.status_code == 201, answer.text
    place: dict[str, Any] = answer.json()["place"]
    return place


async def open_workshop(
    http: httpx.AsyncClient, stack: Stack, name: str, position: tuple[float, float] | None
) -> dict[str, Any]:
    located = {"latitude": position[0], "longitude": position[1]} if position else {}
    answer = await http.post(
        f"{stack.url('refurbishment')}/api/v1/workshops",
        json={"name": name, "commune": "Lille", **located},
        headers=coordinator(stack),
    )
    assert answer.status_code == 201, answer.text
    workshop: dict[str, Any] = answer.json()
    return workshop


async def known_places(purchase_pool: asyncpg.Pool, *names: str) -> dict[str, asyncpg.Record]:
    """The places requests know by these names, once it knows them all."""

    async def all_known() -> dict[str, asyncpg.Record] | None:
        rows = await purchase_pool.fetch(
            "SELECT name, kind, commune, latitude, longitude, source_id FROM places "
            "WHERE lower(name) = ANY($1::text[])",
            [name.lower() for name in names],
        )
        return {row["name"]: row for row in rows} if len(rows) == len(names) else None

    found: dict[str, asyncpg.Record] = await wait_for(all_known, within=40)
    return found


async def ready_at(
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    place: str,
    memory_gb: int,
) -> DonationAt:
    """A laptop refurbished at ``place`` and ready, known to requests."""
    donation = DonationAt(place, memory_gb=memory_gb)
    await publish(
        bus,
        donation.received(),
        donation.checked_in(),
        donation.erased(),
        donation.graded(),
        donation.released(),
    )
    await until_state(inventory_pool, donation.id, "ready")

    async def known() -> bool:
        state = await purchase_pool.fetchval(
            "SELECT state FROM known_devices WHERE device_id = $1 AND grade <> ''", donation.id
        )
        return bool(state == "ready")

    await wait_for(known, within=40)
    return donation


async def test_collection_points_and_workshops_opened_through_the_api_become_known_places(
    stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> None:
    suffix = uuid.uuid4().hex[:6]
    point = await open_collection_point(http, stack, f"Mairie de quartier {suffix}", LILLE)
    workshop = await open_workshop(http, stack, f"Atelier des Moulins {suffix}", FIVES)
    unlocated = await open_workshop(http, stack, f"Atelier itinérant {suffix}", None)

    places = await known_places(purchase_pool, point["name"], workshop["name"], unlocated["name"])

    by_point = places[point["name"]]
    assert (by_point["kind"], by_point["commune"]) == ("collection_point", "Roubaix")
    assert (by_point["latitude"], by_point["longitude"]) == LILLE
    assert by_point["source_id"] == uuid.UUID(point["id"])
    by_workshop = places[workshop["name"]]
    assert (by_workshop["kind"], by_workshop["commune"]) == ("workshop", "Lille")
    assert (by_workshop["latitude"], by_workshop["longitude"]) == FIVES
    assert by_workshop["source_id"] == uuid.UUID(workshop["id"])
    assert places[unlocated["name"]]["latitude"] is None


async def test_a_renamed_collection_point_is_known_by_its_new_name_only(
    stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> None:
    suffix = uuid.uuid4().hex[:6]
    point = await open_collection_point(http, stack, f"Maison des associations {suffix}", LILLE)
    await known_places(purchase_pool, point["name"])
    new_name = f"Maison de la vie associative {suffix}"
    fields = {key: point[key] for key in ("kind", "address", "postcode", "commune")}
    position = {"latitude": CROIX[0], "longitude": CROIX[1]}
    renamed = await http.patch(
        f"{stack.url('collection_point')}/api/v1/collection-points/{point['id']}",
        json={**fields, **position, "name": new_name},
        headers=coordinator(stack),
    )
    assert renamed.status_code == 200, renamed.text

    places = await known_places(purchase_pool, new_name)
    assert (places[new_name]["latitude"], places[new_name]["longitude"]) == CROIX
    rows = await purchase_pool.fetch(
        "SELECT name FROM places WHERE source_id = $1", uuid.UUID(point["id"])
    )
    assert [row["name"] for row in rows] == [new_name]


async def test_a_need_is_offered_the_nearest_of_two_fitting_devices_at_other_places(
    stack: Stack,
    http: httpx.AsyncClient,
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    suffix = uuid.uuid4().hex[:6]
    pickup = await open_collection_point(http, stack, f"Hôtel de ville {suffix}", ROUBAIX_TOWN_HALL)
    near = await open_workshop(http, stack, f"Atelier de Croix {suffix}", CROIX)
    far = await open_workshop(http, stack, f"Atelier de Fives {suffix}", FIVES)
    await known_places(purchase_pool, pickup["name"], near["name"], far["name"])
    # the farther device is the smaller one: without distance, it would be proposed
    farther = await ready_at(bus, inventory_pool, purchase_pool, far["name"], memory_gb=8)
    nearer = await ready_at(bus, inventory_pool, purchase_pool, near["name"], memory_gb=16)

    household = await territory.household(school_age_children=1)
    request = await territory.request(household["id"], min_memory_gb=4, pickup_place=pickup["name"])

    need = request["needs"][0]
    assert need["status"] == "proposed", need
    assert need["proposal"]["device_id"] == str(nearer.id)
    assert any(
        "2,6 km" in reason and pickup["name"] in reason and near["name"] in reason
        for reason in need["proposal"]["reasons"]
    ), need["proposal"]["reasons"]
    assert (
        await purchase_pool.fetchval(
            "SELECT count(*) FROM proposals WHERE device_id = $1 AND status = 'open'", farther.id
        )
        == 0
    )
