"""The lists a program discovers ids from, over real HTTP: pages walked to the end without a
gap or a repeat, filters named in errors as the client sent them, and scoping (someone else's
workshop, point or organisation answers 404, as one that does not exist)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg
import httpx
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.labels import format_code
from tests.support.households import Territory
from tests.support.http import UUID, bearer
from tests.support.shipments import Point
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


async def every_row(
    http: httpx.AsyncClient, url: str, key: str, headers: dict[str, str], **params: str
) -> list[dict[str, Any]]:
    """Every row of a list, two a page, following ``next_after`` to the last page."""
    rows: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        query = params | {"limit": "2"} | ({"after": after} if after else {})
        answer = await http.get(url, params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert len(page[key]) <= 2
        rows += page[key]
        after = page["next_after"]
        if after is None:
            return rows


def refused_as_sent(answer: httpx.Response, name: str) -> None:
    """A 422 problem that names the query parameter as the client sent it."""
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert name in body["detail"], body
    assert [error["key"] for error in body["errors"]] == [name]


def without_ids(answer: httpx.Response) -> str:
    return re.sub(UUID, "…", answer.json()["detail"])


async def test_workshops_are_listed_as_far_as_one_reaches_page_after_page(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    url = f"{stack.url('refurbishment')}/api/v1/workshops"
    prefix = f"Atelier {uuid.uuid4().hex[:8]}"
    created = []
    for suffix in ("A", "B", "C"):
        answer = await http.post(
            url, json={"name": f"{prefix} {suffix}"}, headers=bearer(token_for(stack, "admin"))
        )
        assert answer.status_code == 201, answer.text
        created.append(answer.json()["id"])

    for role in ("coordinator", "collector"):  # collectors ship to any workshop
        rows = await every_row(http, url, "workshops", bearer(token_for(stack, role)))
        ids = [row["id"] for row in rows]
        assert len(ids) == len(set(ids)), "a row is on two pages"
        assert [i for i in ids if i in created] == created  # by name
    refurbisher = bearer(token_for(stack, "refurbisher", f"workshop:{created[1]}"))
    mine = await every_row(http, url, "workshops", refurbisher)
    assert [row["id"] for row in mine] == [created[1]]
    forged = await http.get(url, params={"after": "yesterday"}, headers=refurbisher)
    assert forged.status_code == 422
    assert forged.json()["code"] == "listing.cursor"
    assert "repartez de la première page" in forged.json()["detail"]


async def test_work_orders_are_found_by_state_workshop_and_label(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    code = await Point(stack, http, collection_point).donate()
    api = f"{stack.url('refurbishment')}/api/v1"
    coordinator = bearer(token_for(stack, "coordinator"))
    workshop = (
        await http.post(f"{api}/workshops", json={"name": "Atelier ordres"}, headers=coordinator)
    ).json()["id"]
    bench = bearer(token_for(stack, "refurbisher", f"workshop:{workshop}"))

    async def checked_in() -> dict[str, Any] | None:
        answer = await http.post(
            f"{api}/check-ins", json={"workshop_id": workshop, "label": code}, headers=bench
        )
        return answer.json() if answer.status_code == 201 else None

    order = await wait_for(checked_in, within=40)
    url = f"{api}/work-orders"

    open_here = await every_row(http, url, "work_orders", bench, state="open")
    assert [row["id"] for row in open_here] == [order["id"]]
    assert open_here[0]["state"] == "open" and open_here[0]["opened_at"]
    by_label = await every_row(http, url, "work_orders", coordinator, label=format_code(code))
    assert [row["id"] for row in by_label] == [order["id"]]
    assert await every_row(http, url, "work_orders", bench, state="released") == []
    refused_as_sent(await http.get(url, params={"state": "done"}, headers=bench), "state")

    stranger = bearer(token_for(stack, "refurbisher", f"workshop:{uuid.uuid4()}"))
    theirs = await http.get(url, params={"workshop_id": workshop}, headers=stranger)
    unknown = await http.get(url, params={"workshop_id": str(uuid.uuid4())}, headers=stranger)
    assert theirs.status_code == unknown.status_code == 404
    assert without_ids(theirs) == without_ids(unknown)
    assert await every_row(http, url, "work_orders", stranger) == []


async def test_a_filter_refused_is_named_as_the_client_sent_it(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    coordinator = bearer(token_for(stack, "coordinator"))
    devices = await http.get(
        f"{stack.url('inventory')}/api/v1/devices", params={"state": "nowhere"}, headers=coordinator
    )
    refused_as_sent(devices, "state")
    assert "in_state" not in devices.text
    point = f"{stack.url('collection_point')}/api/v1/collection-points/{collection_point.id}"
    receipt = await http.get(
        f"{point}/donation-receipts.pdf",
        params={"donor": "Entreprise", "date": "2026-13-45"},
        headers=coordinator,
    )
    refused_as_sent(receipt, "date")
    batch = await http.post(
        f"{stack.url('collection_point')}/api/v1/label-batches",
        json={"collection_point_id": str(collection_point.id), "count": 1},
        headers=coordinator,
    )
    sheet = f"{stack.url('collection_point')}/api/v1/label-batches/{batch.json()['id']}/sheet"
    refused_as_sent(await http.get(sheet, params={"format": "A4"}, headers=coordinator), "format")
    printed = await http.get(sheet, params={"format": "L7160"}, headers=coordinator)
    assert printed.headers["content-type"] == "application/pdf"


async def test_the_label_batches_of_a_point_are_listed_newest_first_for_its_people(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    base = stack.url("collection_point") + "/api/v1"
    agent = bearer(token_for(stack, "collector", f"collection_point:{collection_point.id}"))
    issued = []
    for _ in range(3):
        answer = await http.post(
            f"{base}/label-batches",
            json={"collection_point_id": str(collection_point.id), "count": 2},
            headers=agent,
        )
        assert answer.status_code == 201, answer.text
        issued.append(answer.json()["id"])
    url = f"{base}/collection-points/{collection_point.id}/label-batches"

    listed = await every_row(http, url, "label_batches", agent)

    assert [batch["id"] for batch in listed] == issued[::-1]
    assert all(batch["label_count"] == 2 for batch in listed)
    stranger = bearer(token_for(stack, "collector", f"collection_point:{uuid.uuid4()}"))
    theirs = await http.get(url, headers=stranger)
    unknown = await http.get(
        f"{base}/collection-points/{uuid.uuid4()}/label-batches", headers=agent
    )
    assert theirs.status_code == unknown.status_code == 404
    assert without_ids(theirs) == without_ids(unknown)


async def test_a_program_finds_its_households_requests_and_proposals(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
) -> None:
    device = await territory.ready_device(bus, inventory_pool, purchase_pool)
    household = await territory.household()
    request = await territory.request(household["id"])
    need = request["needs"][0]
    assert need["status"] == "proposed"
    api, worker = territory.api, territory.worker

    organisations = await every_row(http, f"{api}/organisations", "organisations", worker)
    assert [row["id"] for row in organisations] == [territory.organisation_id]
    households = await every_row(http, f"{api}/households", "households", worker)
    assert household["id"] in [row["id"] for row in households]
    requests = await every_row(
        http, f"{api}/requests", "requests", worker, household_id=household["id"]
    )
    assert [(row["id"], row["needs"]) for row in requests] == [
        (request["id"], [{"id": need["id"], "position": 1, "device_type": "laptop",
                          "status": "proposed"}])
    ]  # fmt: skip
    proposals = await every_row(
        http, f"{api}/proposals", "proposals", worker, status="open", label=device.label
    )
    assert [(row["id"], row["need_id"], row["request_id"]) for row in proposals] == [
        (need["proposal"]["id"], need["id"], request["id"])
    ]
    campaigns = await http.get(f"{api}/campaigns", params={"status": "open"}, headers=worker)
    assert set(campaigns.json()) == {"campaigns", "next_after"}

    stranger = territory.worker_of(str(uuid.uuid4()))
    assert await every_row(http, f"{api}/proposals", "proposals", stranger) == []
    assert await every_row(http, f"{api}/requests", "requests", stranger) == []
    for url, params in (
        (f"{api}/requests", {"household_id": household["id"]}),
        (f"{api}/requests", {"organisation_id": territory.organisation_id}),
        (f"{api}/households", {"organisation_id": territory.organisation_id}),
    ):
        assert (await http.get(url, params=params, headers=stranger)).status_code == 404, url


async def test_a_proposal_the_need_never_had_is_not_found(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
) -> None:
    await territory.ready_device(bus, inventory_pool, purchase_pool)
    household = await territory.household()
    need = (await territory.request(household["id"]))["needs"][0]
    decisions = [
        f"{territory.api}/needs/{need['id']}/{step}" for step in ("confirmation", "decline")
    ]

    for url in decisions:
        answer = await http.post(
            url, json={"proposal_id": str(uuid.uuid4())}, headers=territory.worker
        )
        assert answer.status_code == 404, answer.text
        assert answer.json()["code"] == "requests.proposal_unknown"
        assert "Ce besoin n'a pas reçu cette proposition" in answer.json()["detail"]

    declined = await http.post(
        decisions[1], json={"proposal_id": need["proposal"]["id"]}, headers=territory.worker
    )
    assert declined.status_code == 200, declined.text
    stale = await http.post(
        decisions[0], json={"proposal_id": need["proposal"]["id"]}, headers=territory.worker
    )
    assert stale.status_code == 409, stale.text  # it existed, and was decided: not a 404
