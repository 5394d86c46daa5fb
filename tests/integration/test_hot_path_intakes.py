"""The intake written by one statement: same answers, same event, nothing half-applied.

Also the batched consumer: events fetched together are applied once each, duplicates too,
and one of them that cannot be applied yet holds back none of the others.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import msgspec
import nats
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from services.collection_point.store import PointStore
from shared.contracts.collection import DeviceReceived
from shared.events import encode
from shared.labels import generate_code
from tests.support.jetstream import done_with
from tests.support.labels import issued_codes
from tests.support.register import Donation, history, publish, until_state
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

DEVICE_RECEIVED = "collection.device.received"


def _intake(
    point: CollectionPoint | uuid.UUID, label: str, kind: str = "laptop"
) -> dict[str, object]:
    point_id = point if isinstance(point, uuid.UUID) else point.id
    return {
        "label": label,
        "device_type": kind,
        "collection_point_id": str(point_id),
        "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
    }


def _url(stack: Stack) -> str:
    return f"{stack.url('collection_point')}/api/v1/intakes"


async def _events_for(pool: asyncpg.Pool, label: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT event_id, payload, headers FROM outbox WHERE subject = $1 "
        "AND convert_from(payload, 'UTF8')::jsonb ->> 'label' = $2",
        DEVICE_RECEIVED,
        label,
    )


async def test_the_event_is_the_contract_struct_with_the_place_and_the_request_ids(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    (code,) = await issued_codes(stack, http, collection_point.id)
    answer = await http.post(
        _url(stack),
        json=_intake(collection_point, code, "tablet"),
        headers={
            "Authorization": f"Bearer {token_for(stack, 'coordinator')}",
            "X-Request-Id": "hot-path-correlation",
        },
    )
    assert answer.status_code == 201, answer.text
    intake = answer.json()
    (row,) = await _events_for(collection_pool, code)
    event = msgspec.json.decode(bytes(row["payload"]), type=DeviceReceived)
    assert encode(event) == bytes(row["payload"])  # byte for byte what the Struct encodes
    assert event.event_id == row["event_id"]
    assert event.producer == "collection_point"
    assert str(event.intake_id) == intake["id"]
    assert str(event.aggregate_id) == intake["device_id"]
    assert event.label == code
    assert event.device_type == "tablet"
    assert event.collection_point_id == collection_point.id
    assert event.collection_point_name == collection_point.name
    assert event.correlation_id == "hot-path-correlation"
    assert row["headers"] == {"Correlation-Id": "hot-path-correlation"}


async def test_a_renamed_point_is_named_in_the_next_event_and_a_closed_one_refuses(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    headers = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    first, second, third = await issued_codes(stack, http, collection_point.id, 3)
    assert (
        await http.post(_url(stack), json=_intake(collection_point, first), headers=headers)
    ).is_success
    renamed = msgspec.structs.replace(collection_point, name=f"{collection_point.name} (annexe)")
    async with collection_pool.acquire() as connection:
        await PointStore(connection).upsert_point(renamed)
    assert (
        await http.post(_url(stack), json=_intake(collection_point, second), headers=headers)
    ).is_success
    (row,) = await _events_for(collection_pool, second)
    assert msgspec.json.decode(
        bytes(row["payload"]), type=DeviceReceived
    ).collection_point_name == (renamed.name)

    await collection_pool.execute(
        "UPDATE collection_points SET active = false WHERE id = $1", collection_point.id
    )
    closed = await http.post(_url(stack), json=_intake(collection_point, third), headers=headers)
    assert closed.status_code == 404
    unknown = await http.post(_url(stack), json=_intake(uuid.uuid4(), third), headers=headers)
    assert unknown.status_code == 404
    assert (
        await collection_pool.fetchval("SELECT count(*) FROM intakes WHERE label = $1", third) == 0
    )
    assert await _events_for(collection_pool, third) == []


async def test_a_refused_intake_writes_nothing_and_its_key_can_be_replayed_for_the_same_answer(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    token = token_for(stack, "coordinator")
    (code,) = await issued_codes(stack, http, collection_point.id)
    assert (
        await http.post(
            _url(stack),
            json=_intake(collection_point, code),
            headers={"Authorization": f"Bearer {token}"},
        )
    ).is_success
    key = str(uuid.uuid4())
    keyed = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    taken = await http.post(
        _url(stack), json=_intake(collection_point, code, "tablet"), headers=keyed
    )
    assert taken.status_code == 409
    assert (
        await collection_pool.fetchval(
            "SELECT count(*) FROM idempotency_keys WHERE key = $1", f"intakes:{key}"
        )
        == 0
    )
    assert len(await _events_for(collection_pool, code)) == 1

    # the same key, now with a free label: the key was not used up by the refusal
    fresh, another = await issued_codes(stack, http, collection_point.id, 2)
    first = await http.post(_url(stack), json=_intake(collection_point, fresh), headers=keyed)
    again = await http.post(_url(stack), json=_intake(collection_point, fresh), headers=keyed)
    other = await http.post(_url(stack), json=_intake(collection_point, another), headers=keyed)
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert other.status_code == 422


async def test_one_key_sent_at_once_with_different_labels_makes_one_intake(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    headers = {
        "Authorization": f"Bearer {token_for(stack, 'coordinator')}",
        "Idempotency-Key": str(uuid.uuid4()),
    }
    codes = await issued_codes(stack, http, collection_point.id, 12)
    answers = await asyncio.gather(
        *(
            http.post(_url(stack), json=_intake(collection_point, code), headers=headers)
            for code in codes
        )
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [422] * 11, statuses
    written = await collection_pool.fetchval(
        "SELECT count(*) FROM intakes WHERE label = ANY($1::text[])", codes
    )
    events = await collection_pool.fetchval(
        "SELECT count(*) FROM outbox WHERE subject = $1 "
        "AND convert_from(payload, 'UTF8')::jsonb ->> 'label' = ANY($2::text[])",
        DEVICE_RECEIVED,
        codes,
    )
    assert written == events == 1


async def test_events_fetched_together_with_duplicates_are_each_applied_once(
    stack: Stack, bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    events = [
        DeviceReceived(
            producer="collection_point",
            aggregate_id=uuid.uuid4(),
            intake_id=uuid.uuid4(),
            label=generate_code(),
            device_type="laptop",
            collection_point_id=uuid.uuid4(),
            collection_point_name="Espace de vie sociale",
        )
        for _ in range(40)
    ]
    client = await nats.connect(stack.nats.url, connect_timeout=2, allow_reconnect=False)
    try:
        js = client.jetstream()
        futures = []
        for event in [*events, *events[:10], *events[::7]]:  # copies under new message ids
            futures.append(
                await js.publish_async(
                    DEVICE_RECEIVED, encode(event), headers={"Nats-Msg-Id": str(uuid.uuid4())}
                )
            )
        last = max(ack.seq for ack in await asyncio.gather(*futures))
    finally:
        await client.close()
    labels = [event.label for event in events]

    async def registered() -> int | None:
        count: int = await inventory_pool.fetchval(
            "SELECT count(*) FROM devices WHERE label = ANY($1::text[])", labels
        )
        return count if count == len(labels) else None

    assert await wait_for(registered) == len(labels)
    await done_with(bus, "COLLECTION", "inventory", last)  # every copy is dealt with
    assert await registered() == len(labels)
    history = await inventory_pool.fetch(
        "SELECT d.label, count(h.*) AS entries FROM devices d "
        "LEFT JOIN device_history h ON h.device_id = d.id "
        "WHERE d.label = ANY($1::text[]) GROUP BY d.label",
        labels,
    )
    assert {row["label"]: row["entries"] for row in history} == dict.fromkeys(labels, 1)


async def test_a_fact_about_an_unknown_device_fetched_with_others_holds_back_only_itself(
    stack: Stack, inventory_pool: asyncpg.Pool
) -> None:
    donations = [Donation() for _ in range(24)]
    early = donations[11]  # its check-in comes before the device is registered
    client = await nats.connect(stack.nats.url, connect_timeout=2, allow_reconnect=False)
    try:
        bus = client.jetstream()
        await publish(bus, *(d.received() for d in donations if d is not early))
        for donation in donations:
            if donation is not early:
                await until_state(inventory_pool, donation.id, "received")
        await publish(bus, *(donation.checked_in() for donation in donations))
        for donation in donations:
            if donation is not early:
                await until_state(inventory_pool, donation.id, "in_refurbishment")
        assert await history(inventory_pool, early.id) == []

        await publish(bus, early.received())  # the check-in is redelivered, then applied
        await until_state(inventory_pool, early.id, "in_refurbishment")
    finally:
        await client.close()
    for donation in donations:
        steps = await history(inventory_pool, donation.id)
        assert [step["subject"] for step in steps] == [
            "collection.device.received",
            "refurbishment.device.checked_in",
        ]
