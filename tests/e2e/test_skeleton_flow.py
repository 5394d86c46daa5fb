"""The walking skeleton, end to end, with all four services running as processes."""

from __future__ import annotations

import httpx

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.config import SERVICES
from shared.labels import format_code, generate_code
from tests.support.labels import issued_codes
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


async def test_every_service_is_live_and_ready(stack: Stack, http: httpx.AsyncClient) -> None:
    for service in SERVICES:
        live = await http.get(f"{stack.url(service)}/health/live")
        ready = await http.get(f"{stack.url(service)}/health/ready")
        assert live.status_code == 200, service
        assert ready.json()["checks"] == {"postgresql": True, "nats": True}, service


async def test_a_donation_scanned_at_the_counter_shows_up_in_inventory_and_its_passport(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    collector = token_for(stack, "collector", f"collection_point:{collection_point.id}")
    (code,) = await issued_codes(stack, http, collection_point.id)

    points = await http.get(f"{stack.url('collection_point')}/api/v1/collection-points")
    assert str(collection_point.id) in {view["place"]["id"] for view in points.json()}

    intake = await http.post(
        f"{stack.url('collection_point')}/api/v1/intakes",
        json={
            "label": f"https://boucle.example/d/{format_code(code).lower()}",
            "device_type": "laptop",
            "collection_point_id": str(collection_point.id),
            "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
        },
        headers={"Authorization": f"Bearer {collector}"},
    )
    assert intake.status_code == 201, intake.text
    assert intake.json()["label"] == code
    assert intake.json()["inventory_state"] is None

    async def device() -> dict | None:
        answer = await http.get(
            f"{stack.url('inventory')}/api/v1/devices/{code}",
            headers={"Authorization": f"Bearer {collector}"},
        )
        return answer.json() if answer.status_code == 200 else None

    registered = await wait_for(device)
    assert registered["code"] == code
    assert registered["state"] == "received"
    assert [entry["place_name"] for entry in registered["history"]] == [collection_point.name]
    assert registered["id"] == intake.json()["device_id"]

    async def intake_as_the_counter_sees_it() -> dict | None:
        answer = await http.get(
            f"{stack.url('collection_point')}/api/v1/intakes/{intake.json()['id']}",
            headers={"Authorization": f"Bearer {collector}"},
        )
        seen = answer.json()
        return seen if seen["inventory_state"] else None

    assert (await wait_for(intake_as_the_counter_sees_it))["inventory_state"] == "received"

    passport = await http.get(f"{stack.url('inventory')}/d/{format_code(code)}")
    assert passport.status_code == 200
    assert format_code(code) in passport.text
    assert "Reçu dans un point de collecte" in passport.text
    assert collection_point.name in passport.text


async def test_the_passport_of_an_unknown_label_says_so_in_french(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    answer = await http.get(f"{stack.url('inventory')}/d/{generate_code()}")
    assert answer.status_code == 404
    assert "Appareil introuvable" in answer.text


async def test_each_service_home_page_leads_to_the_pages_people_start_from(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    collection = (await http.get(f"{stack.url('collection_point')}/")).text
    workshop = (await http.get(f"{stack.url('refurbishment')}/")).text
    register = (await http.get(f"{stack.url('inventory')}/")).text
    assert 'href="/impact"' in register
    # an anonymous visitor is led only where she may go: the places and the verifier, not
    # the counter nor the bench (the links of each role: tests/e2e/test_home_pages.py)
    assert 'href="/lieux"' in collection and 'href="/guichet"' not in collection
    assert 'href="/verifier"' in workshop and 'href="/atelier"' not in workshop
