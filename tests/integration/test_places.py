"""Places over real HTTP: find where to give, open now, and coordinators keep places current."""

from __future__ import annotations

import uuid

import httpx

from boucle.devstack.stack import Stack
from tests.support.labels import issued_codes
from tests.support.places import _place, created_place
from tests.support.stacks import token_for

NEVER_OPEN = "off"


async def test_a_citizen_finds_places_by_commune_type_and_open_now(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    commune = f"Wattrelos-{uuid.uuid4().hex[:6]}"
    open_place = (await created_place(http, stack, commune=commune)).json()["place"]
    closed_place = (
        await created_place(http, stack, commune=commune, opening_hours=NEVER_OPEN)
    ).json()["place"]
    screens_only = (
        await created_place(http, stack, commune=commune, accepted_types=["monitor"])
    ).json()["place"]
    url = f"{stack.url('collection_point')}/api/v1/collection-points"

    in_commune = (await http.get(url, params={"commune": commune.lower()})).json()
    assert len(in_commune) == 3
    laptops = (await http.get(url, params={"commune": commune, "accepts": "laptop"})).json()
    assert {v["place"]["id"] for v in laptops} == {open_place["id"], closed_place["id"]}
    open_now = (await http.get(url, params={"commune": commune, "open_now": "true"})).json()
    assert {v["place"]["id"] for v in open_now} == {open_place["id"], screens_only["id"]}
    assert all(v["status"]["open_now"] for v in open_now)


async def test_unreadable_hours_and_bad_postcodes_are_refused_and_nothing_is_created(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    commune = f"Croix-{uuid.uuid4().hex[:6]}"
    hours = await created_place(http, stack, commune=commune, opening_hours="lundi 9h-12h")
    postcode = await created_place(http, stack, commune=commune, postcode="5900")
    assert hours.status_code == 422
    assert hours.json()["code"] == "places.hours"
    assert "Les horaires « lundi 9h-12h » ne sont pas lisibles" in hours.json()["detail"]
    assert "Mo-Fr 09:00-12:00" in hours.json()["detail"]
    assert postcode.status_code == 422
    assert "postcode" in postcode.json()["detail"]
    listed = await http.get(
        f"{stack.url('collection_point')}/api/v1/collection-points", params={"commune": commune}
    )
    assert listed.json() == []


async def test_only_coordinators_manage_places(stack: Stack, http: httpx.AsyncClient) -> None:
    answer = await http.post(
        f"{stack.url('collection_point')}/api/v1/collection-points",
        json=_place(),
        headers={"Authorization": f"Bearer {token_for(stack, 'collector')}"},
    )
    assert answer.status_code == 403


async def test_a_stale_edit_does_not_overwrite_a_newer_one(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    created = await created_place(http, stack)
    place_id = created.json()["place"]["id"]
    etag = created.headers["etag"]
    url = f"{stack.url('collection_point')}/api/v1/collection-points/{place_id}"
    headers = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    first = await http.patch(
        url, json=_place(name="Maison des Arts"), headers={**headers, "If-Match": etag}
    )
    stale = await http.patch(
        url, json=_place(name="Maison Arts"), headers={**headers, "If-Match": etag}
    )
    assert first.status_code == 200
    assert stale.status_code == 409
    assert (await http.get(url)).json()["place"]["name"] == "Maison des Arts"


async def test_the_open_data_exports_list_every_active_place(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    created = (await created_place(http, stack)).json()["place"]
    base = f"{stack.url('collection_point')}/api/v1/open-data"
    csv_answer = await http.get(f"{base}/collection-points.csv")
    geojson = await http.get(f"{base}/collection-points.geojson")
    assert csv_answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert created["id"] in csv_answer.text
    assert created["id"] in {feature["id"] for feature in geojson.json()["features"]}


async def test_an_intake_of_a_type_the_place_does_not_take_is_refused_and_says_where_to_go(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    screens_only = (await created_place(http, stack, accepted_types=["monitor"])).json()["place"]
    headers = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    url = f"{stack.url('collection_point')}/api/v1/intakes"
    codes = iter(await issued_codes(stack, http, screens_only["id"], 2))

    def intake(device_type: str) -> dict[str, object]:
        return {
            "label": next(codes),
            "device_type": device_type,
            "collection_point_id": screens_only["id"],
            "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
        }

    laptop = await http.post(url, json=intake("laptop"), headers=headers)
    monitor = await http.post(url, json=intake("monitor"), headers=headers)
    assert laptop.status_code == 422
    assert laptop.json()["code"] == "counter.type_not_accepted"
    assert "ne prend pas ce type d'appareil (ordinateur portable)" in laptop.json()["detail"]
    assert laptop.json()["extensions"]["accepted"] == ["monitor"]
    assert monitor.status_code == 201
