"""What coordinators see over real HTTP: devices by state and place, the funnel, refusals."""

from __future__ import annotations

import html

import asyncpg
import httpx
import nats

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.support.labels import issued_codes
from tests.support.register import Donation, publish, rejections
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


async def test_a_coordinator_finds_devices_by_state_and_place_and_sees_the_funnel(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    codes = await issued_codes(stack, http, collection_point.id, 3)
    for code in codes:
        answer = await http.post(
            f"{stack.url('collection_point')}/api/v1/intakes",
            json={"label": code, "device_type": "tablet",
                  "collection_point_id": str(collection_point.id),
                  "acknowledgements": {"data_erasure": True, "recycling": True,
                                       "stickers_removed": True}},
            headers=coordinator,
        )  # fmt: skip
        assert answer.status_code == 201
    url = f"{stack.url('inventory')}/api/v1/devices"
    params = {"state": "received", "place": collection_point.name, "device_type": "tablet"}

    async def listed() -> list[str] | None:
        page = (await http.get(url, params=params, headers=coordinator)).json()
        found = [device["code"] for device in page["devices"]]
        return found if len(found) == 3 else None

    assert sorted(await wait_for(listed)) == sorted(codes)
    stuck = await http.get(url, params={**params, "stuck_days": 1}, headers=coordinator)
    assert stuck.json()["devices"] == []

    flow = (await http.get(f"{stack.url('inventory')}/api/v1/flow", headers=coordinator)).json()
    received = next(stage for stage in flow if stage["state"] == "received")
    assert received["devices"] >= 3
    assert [stage["state"] for stage in flow][:3] == ["received", "in_transit", "in_refurbishment"]


async def test_a_forged_page_cursor_is_a_clear_error(stack: Stack, http: httpx.AsyncClient) -> None:
    answer = await http.get(
        f"{stack.url('inventory')}/api/v1/devices",
        params={"after": "yesterday"},
        headers={"Authorization": f"Bearer {token_for(stack, 'coordinator')}"},
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "listing.cursor"
    assert "repartez de la première page" in answer.json()["detail"]


async def test_only_coordinators_search_the_register(stack: Stack, http: httpx.AsyncClient) -> None:
    answer = await http.get(
        f"{stack.url('inventory')}/api/v1/devices",
        headers={"Authorization": f"Bearer {token_for(stack, 'collector')}"},
    )
    assert answer.status_code == 403


async def test_a_refused_fact_is_listed_for_coordinators_with_its_reason(
    stack: Stack, http: httpx.AsyncClient, inventory_pool: asyncpg.Pool
) -> None:
    client = await nats.connect(stack.nats.url)
    try:
        bus = client.jetstream()
        donation = Donation()
        await publish(bus, donation.received(), donation.checked_in(), donation.graded())
        await publish(bus, donation.released())  # no erasure certificate: refused
        await wait_for(lambda: rejections(inventory_pool, donation.id), within=40)
    finally:
        await client.close()
    coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    listed = await http.get(
        f"{stack.url('inventory')}/api/v1/rejected-transitions", headers=coordinator
    )
    [refusal] = [r for r in listed.json() if r["code"] == donation.label]
    assert refusal["subject"] == "refurbishment.device.released"
    assert refusal["state"] == "in_refurbishment"
    assert "no erasure certificate" in refusal["reason"]
    assert refusal["reason_code"] == "device.ready_needs_erasure"
    page = f"{stack.url('inventory')}/registre/refus"
    for language, sentence in (
        ("fr", "L'appareil ne peut pas être prêt : aucun certificat d'effacement"),
        ("en", "The device cannot be ready: no erasure certificate"),
    ):
        shown = await http.get(
            page, params={"lang": language}, headers={**coordinator, "Accept": "text/html"}
        )
        assert shown.status_code == 200
        assert sentence in html.unescape(shown.text)
