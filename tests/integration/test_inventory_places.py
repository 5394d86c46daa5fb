"""Inventory learns the commune of each place from the places' own events: the register is
searched by commune, and the impact figures are summed by commune."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from shared.contracts.collection import DeviceReceived, PlacePublished
from shared.labels import generate_code
from tests.support.register import publish, until_state
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


async def test_devices_are_found_and_counted_by_the_commune_of_their_place(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool, stack: Stack, http: httpx.AsyncClient
) -> None:
    commune = f"Commune-{uuid.uuid4().hex[:6]}"
    place = PlacePublished(
        producer="collection_point",
        aggregate_id=uuid.uuid4(),
        place_name=f"Mairie annexe {uuid.uuid4().hex[:6]}",
        commune=commune,
    )
    donations = [
        DeviceReceived(
            producer="collection_point",
            aggregate_id=uuid.uuid4(),
            intake_id=uuid.uuid4(),
            label=generate_code(),
            device_type="laptop",
            collection_point_id=place.aggregate_id,
            collection_point_name=place.place_name,
        )
        for _ in range(2)
    ]
    await publish(bus, place, *donations)
    for donation in donations:
        await until_state(inventory_pool, donation.aggregate_id, "received")
    coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}

    async def found() -> list[str] | None:
        answer = await http.get(
            f"{stack.url('inventory')}/api/v1/devices",
            params={"commune": commune.upper()},
            headers=coordinator,
        )
        labels = [device["code"] for device in answer.json()["devices"]]
        return labels if len(labels) == 2 else None

    assert sorted(await wait_for(found, within=30)) == sorted(d.label for d in donations)
    figures = (await http.get(f"{stack.url('inventory')}/api/v1/open-data/impact.json")).json()
    by_commune = {row["commune"]: row for row in figures["by_commune"]}
    assert by_commune[commune]["collected"] == 2
    by_place = {row["place_name"]: row for row in figures["by_place"]}
    assert by_place[place.place_name]["commune"] == commune
