"""Shipments from a collection point to a workshop on the real stack: donated devices packed
and dispatched reach inventory in transit, the workshop receives them (in refurbishment), and
what was missing or unexpected is flagged on both sides; bad requests are refused in words
with nothing half-applied, and a redelivered dispatch applies once."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import nats
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from services.collection_point.store import PointStore
from services.refurbishment.shipments import handlers as workshop_shipments
from services.refurbishment.shipments.store import ShipmentStore
from shared.auth import Principal
from shared.contracts.collection import ShipmentDispatched, ShippedDevice
from shared.db import create_pool
from shared.events import encode, utc_now
from shared.labels import format_code, generate_code
from shared.uow import PostgresUnitOfWork
from tests.support.http import UUID, bearer
from tests.support.jetstream import done_with
from tests.support.register import (
    Donation,
    history,
    publish,
    rejections,
    until_state,
)
from tests.support.shipments import Point
from tests.support.stacks import token_for
from tests.support.waiting import wait_for
from tests.support.workshop import NVME, new_workshop


def refurbisher(workshop: str) -> Principal:
    now = int(time.time())
    return Principal(
        sub="camille", roles=("refurbisher",), scopes=(f"workshop:{workshop}",), exp=now + 600,
        iat=now,
    )  # fmt: skip


@pytest.fixture
async def workshop_pool(stack: Stack) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(stack.postgres.dsn, "refurbishment", 1, 4)
    yield pool
    await pool.close()


@pytest.fixture
async def bus(stack: Stack) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(stack.nats.url)
    yield client.jetstream()
    await client.close()


async def device_id(pool: asyncpg.Pool, code: str) -> uuid.UUID:
    async def registered() -> uuid.UUID | None:
        found: uuid.UUID | None = await pool.fetchval(
            "SELECT id FROM devices WHERE label = $1", code
        )
        return found

    found: uuid.UUID = await wait_for(registered, within=40)
    return found


async def expected_at_workshop(pool: asyncpg.Pool, shipment: str) -> None:
    async def known() -> bool:
        return bool(
            await pool.fetchval("SELECT true FROM incoming_shipments WHERE id = $1", shipment)
        )

    await wait_for(known, within=40)


async def test_an_intake_and_a_shipment_reach_inventory_and_the_workshop_receives_it(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    inventory_pool: asyncpg.Pool,
    workshop_pool: asyncpg.Pool,
) -> None:
    agent = Point(stack, http, collection_point)
    first, second, lost, stray = [await agent.donate() for _ in range(4)]
    workshop = await new_workshop(stack)
    shipment = await agent.opened_for(workshop)
    for code in (first, second, lost):
        packed = await agent.pack(shipment, code)
        assert packed.status_code == 201, packed.text
    again = await agent.pack(shipment, first)  # a label scanned twice is packed once
    assert again.status_code == 201, again.text

    dispatched = await agent.dispatch(shipment)

    assert dispatched.status_code == 200, dispatched.text
    assert dispatched.json()["status"] == "dispatched"
    assert len(dispatched.json()["devices"]) == 3
    ids = {code: await device_id(inventory_pool, code) for code in (first, second, lost, stray)}
    for code in (first, second, lost):
        await until_state(inventory_pool, ids[code], "in_transit")
    steps = await history(inventory_pool, ids[first])
    assert [(step["state"], step["subject"]) for step in steps] == [
        ("received", "collection.device.received"),
        ("in_transit", "collection.shipment.dispatched"),
    ]
    assert steps[1]["place_name"] == collection_point.name

    await expected_at_workshop(workshop_pool, shipment)
    person = refurbisher(workshop)
    receipt = PostgresUnitOfWork(workshop_pool, ShipmentStore, lambda: None)  # relay polls
    for code in (first, second, stray):
        await workshop_shipments.scan_device(
            receipt, person, uuid.UUID(workshop), uuid.UUID(shipment), code
        )
    again_scanned = await workshop_shipments.scan_device(  # scanned twice: noted once
        receipt, person, uuid.UUID(workshop), uuid.UUID(shipment), format_code(first)
    )
    assert again_scanned.expected
    closed = await workshop_shipments.close_receipt(
        receipt, person, uuid.UUID(workshop), uuid.UUID(shipment)
    )

    assert closed.status == "received"
    assert sorted(closed.labels("received")) == sorted([first, second])
    assert closed.labels("missing") == [lost]
    assert closed.labels("unexpected") == [stray]
    for code in (first, second, stray):
        await until_state(inventory_pool, ids[code], "in_refurbishment")
    assert [step["state"] for step in await history(inventory_pool, ids[second])] == [
        "received",
        "in_transit",
        "in_refurbishment",
    ]

    async def closed_at_the_point() -> dict[str, Any] | None:
        body = await agent.shipment(shipment)
        return body if body["status"] == "received" else None

    seen = await wait_for(closed_at_the_point, within=40)
    outcome = {device["label"]: device["status"] for device in seen["devices"]}
    assert outcome == {
        first: "received",
        second: "received",
        lost: "missing",
        stray: "unexpected",
    }
    assert await state_of_device(inventory_pool, ids[lost]) == "in_transit"  # still on its way

    # the shipped device goes on through the bench to ready, as any other
    order = await workshop_pool.fetchval(
        "SELECT id FROM work_orders WHERE device_id = $1 AND closed_at IS NULL", ids[second]
    )
    await refurbished(stack, http, workshop, order)
    await until_state(inventory_pool, ids[second], "ready")
    states = [step["state"] for step in await history(inventory_pool, ids[second])]
    stages = [state for i, state in enumerate(states) if i == 0 or states[i - 1] != state]
    assert stages == ["received", "in_transit", "in_refurbishment", "ready"]


class Receiving:
    """A refurbisher of one workshop receiving shipments through the JSON API."""

    def __init__(self, stack: Stack, http: httpx.AsyncClient, workshop: str) -> None:
        self.http = http
        self.base = f"{stack.url('refurbishment')}/api/v1"
        self.shipments = f"{self.base}/workshops/{workshop}/shipments"
        self.headers = bearer(token_for(stack, "refurbisher", f"workshop:{workshop}"))

    async def listed(self, **params: str) -> list[str]:
        answer = await self.http.get(self.shipments, params=params, headers=self.headers)
        assert answer.status_code == 200, answer.text
        return [shipment["id"] for shipment in answer.json()["shipments"]]

    async def receipt(self, shipment: str) -> dict[str, Any]:
        answer = await self.http.get(f"{self.shipments}/{shipment}", headers=self.headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def scan(self, shipment: str, code: str) -> httpx.Response:
        return await self.http.post(
            f"{self.shipments}/{shipment}/scans",
            json={"label": format_code(code)},
            headers=self.headers,
        )

    async def close(self, shipment: str) -> httpx.Response:
        return await self.http.post(f"{self.shipments}/{shipment}/receipt", headers=self.headers)


async def workshop_named(stack: Stack, http: httpx.AsyncClient, name: str, token: str) -> str:
    """The id of the workshop called ``name``, found by walking the list page by page."""
    after: str | None = None
    while True:
        params = {"limit": "20"} | ({"after": after} if after else {})
        answer = await http.get(
            f"{stack.url('refurbishment')}/api/v1/workshops", params=params, headers=bearer(token)
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        for workshop in page["workshops"]:
            if workshop["name"] == name:
                return str(workshop["id"])
        after = page["next_after"]
        assert after, f"no workshop {name} listed"


async def test_a_program_receives_a_shipment_through_the_json_api_alone(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    workshop_pool: asyncpg.Pool,
) -> None:
    agent = Point(stack, http, collection_point)
    first, second, lost, stray = [await agent.donate() for _ in range(4)]
    name = f"Atelier {uuid.uuid4().hex[:8]}"
    coordinator = bearer(token_for(stack, "coordinator"))
    created = await http.post(
        f"{stack.url('refurbishment')}/api/v1/workshops", json={"name": name}, headers=coordinator
    )
    assert created.status_code == 201, created.text
    collector = token_for(stack, "collector", f"collection_point:{collection_point.id}")
    workshop = await workshop_named(stack, http, name, collector)
    shipment = await agent.opened_for(workshop)
    for code in (first, second, lost):
        assert (await agent.pack(shipment, code)).status_code == 201
    assert (await agent.dispatch(shipment)).status_code == 200
    bench = Receiving(stack, http, workshop)

    async def arrived() -> list[str] | None:
        return await bench.listed(status="expected") or None

    assert await wait_for(arrived, within=40) == [shipment]
    awaited = await bench.receipt(shipment)
    assert awaited["status"] == "expected"
    assert {device["label"]: device["outcome"] for device in awaited["devices"]} == {
        first: "awaited",
        second: "awaited",
        lost: "awaited",
    }

    scans = [await bench.scan(shipment, code) for code in (first, second, stray, first)]
    assert [scan.status_code for scan in scans] == [201] * 4, [scan.text for scan in scans]
    assert [scan.json()["expected"] for scan in scans] == [True, True, False, True]
    assert scans[0].json()["work_order_id"] == scans[3].json()["work_order_id"]
    closed = await bench.close(shipment)
    again = await bench.close(shipment)

    assert closed.status_code == again.status_code == 200, again.text
    assert closed.json() == again.json()
    outcome = {device["label"]: device["outcome"] for device in closed.json()["devices"]}
    assert outcome == {first: "received", second: "received", lost: "missing", stray: "unexpected"}
    late = await bench.scan(shipment, lost)
    assert late.status_code == 409, late.text
    assert late.headers["content-type"] == "application/problem+json"
    assert await bench.listed(status="received") == [shipment]
    assert await bench.listed(status="expected") == []
    told = await workshop_pool.fetchval(
        "SELECT count(*) FROM outbox WHERE subject = 'refurbishment.shipment.received' "
        "AND convert_from(payload, 'UTF8')::jsonb ->> 'aggregate_id' = $1",
        shipment,
    )
    assert told == 1

    async def learnt_at_the_point() -> dict[str, Any] | None:
        answer = await http.get(
            agent.shipments, params={"status": "received"}, headers=agent.headers
        )
        assert answer.status_code == 200, answer.text
        listed = [row for row in answer.json()["shipments"] if row["id"] == shipment]
        return listed[0] if listed else None

    summary = await wait_for(learnt_at_the_point, within=40)
    assert summary["flagged"] == 2  # one missing, one unexpected
    seen = {
        device["label"]: device["status"] for device in (await agent.shipment(shipment))["devices"]
    }
    assert seen == {first: "received", second: "received", lost: "missing", stray: "unexpected"}
    orders = await http.get(
        f"{bench.base}/work-orders",
        params={"workshop_id": workshop, "label": format_code(second)},
        headers=bench.headers,
    )
    assert orders.status_code == 200, orders.text
    assert [order["id"] for order in orders.json()["work_orders"]] == [
        scans[1].json()["work_order_id"]
    ]


async def test_another_workshop_finds_no_such_shipment_exactly_as_for_one_that_does_not_exist(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    workshop_pool: asyncpg.Pool,
) -> None:
    agent = Point(stack, http, collection_point)
    code = await agent.donate()
    workshop = await new_workshop(stack)
    shipment = await agent.opened_for(workshop)
    assert (await agent.pack(shipment, code)).status_code == 201
    assert (await agent.dispatch(shipment)).status_code == 200
    await expected_at_workshop(workshop_pool, shipment)
    elsewhere = Receiving(stack, http, await new_workshop(stack))
    unknown = str(uuid.uuid4())
    said: list[list[str]] = []

    for target_workshop, target_shipment in (
        (workshop, shipment),
        (workshop, unknown),
        (unknown, shipment),
    ):
        base = f"{elsewhere.base}/workshops/{target_workshop}/shipments"
        answers = [
            await http.get(base, headers=elsewhere.headers),
            await http.get(f"{base}/{target_shipment}", headers=elsewhere.headers),
            await http.post(
                f"{base}/{target_shipment}/scans", json={"label": code}, headers=elsewhere.headers
            ),
            await http.post(f"{base}/{target_shipment}/receipt", headers=elsewhere.headers),
        ]
        assert [answer.status_code for answer in answers] == [404] * 4, [a.text for a in answers]
        said.append([re.sub(UUID, "…", answer.json()["detail"]) for answer in answers])
    assert said[0] == said[1] == said[2]
    orders = await http.get(
        f"{elsewhere.base}/work-orders", params={"workshop_id": workshop}, headers=elsewhere.headers
    )
    assert orders.status_code == 404, orders.text
    mine = Receiving(stack, http, workshop)
    assert (await mine.receipt(shipment))["status"] == "expected"  # nothing was applied


async def refurbished(
    stack: Stack, http: httpx.AsyncClient, workshop: str, order: uuid.UUID
) -> None:
    """Erased by one officer, validated by another, graded, released: through the API."""
    base = f"{stack.url('refurbishment')}/api/v1/work-orders/{order}"
    officers = [
        bearer(token_for(stack, "erasure_officer", f"workshop:{workshop}", subject=name))
        for name in ("amina", "bruno")
    ]
    bench = bearer(token_for(stack, "refurbisher", f"workshop:{workshop}"))
    recorded = await http.post(f"{base}/erasures", json={"media": [NVME]}, headers=officers[0])
    assert recorded.status_code == 201, recorded.text
    erasure = recorded.json()["erasure_id"]
    validation = f"{stack.url('refurbishment')}/api/v1/erasures/{erasure}/validation"
    assert (await http.post(validation, headers=officers[1])).status_code == 201
    grade = {"grade": "A", "functional_pass": True, "specs": {"memory_gb": 8}}
    assert (await http.post(f"{base}/grade", json=grade, headers=bench)).status_code == 204
    assert (await http.post(f"{base}/release", headers=bench)).status_code == 204


async def test_an_empty_shipment_an_unknown_workshop_and_a_device_of_another_point_are_refused(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    agent = Point(stack, http, collection_point)
    unknown = await agent.open_for(str(uuid.uuid4()))
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["code"] == "shipment.unknown_workshop"
    assert unknown.json()["detail"] == (
        "Cet atelier n'est pas connu du point : choisissez un atelier de la liste."
    )
    assert not await collection_pool.fetchval(
        "SELECT count(*) FROM shipments WHERE collection_point_id = $1", collection_point.id
    )

    workshop = await new_workshop(stack)
    shipment = await agent.opened_for(workshop)
    empty = await agent.dispatch(shipment)
    assert empty.status_code == 422, empty.text
    assert empty.json()["code"] == "shipment.empty"
    assert "L'envoi est vide" in empty.json()["detail"]

    other_point = CollectionPoint(
        id=uuid.uuid4(),
        name=f"Mairie test {uuid.uuid4().hex[:6]}",
        kind="town_hall",
        address="2 rue de test",
        postcode="59100",
        commune="Roubaix",
    )
    async with collection_pool.acquire() as connection:
        await PointStore(connection).upsert_point(other_point)
    elsewhere = await Point(stack, http, other_point).donate()
    refused = await agent.pack(shipment, elsewhere)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "shipment.other_point"
    assert "a été reçu dans un autre point de collecte" in refused.json()["detail"]
    unknown_label = await agent.pack(shipment, generate_code())
    assert unknown_label.status_code == 422, unknown_label.text
    assert unknown_label.json()["code"] == "shipment.not_collected"
    assert "Aucun appareil reçu dans un point de collecte" in unknown_label.json()["detail"]

    still = await agent.shipment(shipment)
    assert still["status"] == "open"
    assert still["devices"] == []
    assert not await collection_pool.fetchval(
        "SELECT count(*) FROM outbox WHERE subject = 'collection.shipment.dispatched' "
        "AND convert_from(payload, 'UTF8')::jsonb ->> 'aggregate_id' = $1",
        shipment,
    )


async def test_a_dispatch_delivered_twice_moves_each_device_once_and_records_a_refusal(
    stack: Stack, bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    travelling, already_gone = Donation(), Donation()
    await publish(bus, travelling.received(), already_gone.received(), already_gone.checked_in())
    await until_state(inventory_pool, already_gone.id, "in_refurbishment")
    await until_state(inventory_pool, travelling.id, "received")
    event = ShipmentDispatched(
        producer="collection_point",
        aggregate_id=uuid.uuid4(),
        correlation_id=travelling.correlation_id,
        collection_point_id=uuid.uuid4(),
        collection_point_name="Médiathèque de Wazemmes",
        workshop_id=uuid.uuid4(),
        workshop_name="Atelier de Fives",
        devices=[
            ShippedDevice(device_id=donation.id, label=donation.label, device_type="laptop")
            for donation in (travelling, already_gone)
        ],
        dispatched_at=utc_now(),
    )

    copies = [  # under two message ids: past deduplication
        await bus.publish(event.subject, encode(event), headers={"Nats-Msg-Id": message_id})
        for message_id in (str(event.event_id), f"{event.event_id}-again")
    ]

    await until_state(inventory_pool, travelling.id, "in_transit")

    async def refused() -> list[asyncpg.Record]:
        return await rejections(inventory_pool, already_gone.id)

    refusal = (await wait_for(refused, within=40))[0]
    assert refusal["subject"] == "collection.shipment.dispatched"
    assert refusal["reason"] == "A device that is in_refurbishment cannot become in_transit."
    await done_with(bus, "COLLECTION", "inventory", max(copy.seq for copy in copies))
    assert await inbox_rows(inventory_pool, event.event_id) == 1
    states = [step["state"] for step in await history(inventory_pool, travelling.id)]
    assert states == ["received", "in_transit"]
    assert await state_of_device(inventory_pool, already_gone.id) == "in_refurbishment"


async def inbox_rows(pool: asyncpg.Pool, event_id: uuid.UUID) -> int:
    async def applied() -> int:
        count: int = await pool.fetchval("SELECT count(*) FROM inbox WHERE event_id = $1", event_id)
        return count

    found: int = await wait_for(applied, within=40)
    return found


async def state_of_device(pool: asyncpg.Pool, device: uuid.UUID) -> str | None:
    state: str | None = await pool.fetchval("SELECT state FROM devices WHERE id = $1", device)
    return state
