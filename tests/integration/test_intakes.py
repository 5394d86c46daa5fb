"""Intake at the counter over real HTTP: idempotency, conflicts, clear errors, roles, scope."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.labels import format_code, generate_code
from tests.support.jetstream import copies_of, done_with, last_sequence
from tests.support.labels import issued_codes
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


def _intake(point: CollectionPoint, label: str, device_type: str = "laptop") -> dict[str, object]:
    return {
        "label": label,
        "device_type": device_type,
        "collection_point_id": str(point.id),
        "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
    }


async def test_the_same_intake_sent_twenty_times_at_once_is_one_intake_one_event_one_device(
    stack: Stack,
    http: httpx.AsyncClient,
    bus: JetStreamContext,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
    inventory_pool: asyncpg.Pool,
) -> None:
    token = token_for(stack, "collector", f"collection_point:{collection_point.id}")
    (code,) = await issued_codes(stack, http, collection_point.id)
    before = await last_sequence(bus, "COLLECTION")
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
    answers = await asyncio.gather(
        *(
            http.post(
                f"{stack.url('collection_point')}/api/v1/intakes",
                json=_intake(collection_point, code),
                headers=headers,
            )
            for _ in range(20)
        )
    )
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert (
        await collection_pool.fetchval("SELECT count(*) FROM intakes WHERE label = $1", code) == 1
    )
    (event,) = await collection_pool.fetch(
        "SELECT event_id FROM outbox WHERE subject = 'collection.device.received' "
        "AND convert_from(payload, 'UTF8')::jsonb ->> 'label' = $1",
        code,
    )

    async def registered() -> int:
        return await inventory_pool.fetchval("SELECT count(*) FROM devices WHERE label = $1", code)

    async def sent() -> bool:
        return await collection_pool.fetchval(
            "SELECT sent_at IS NOT NULL FROM outbox WHERE event_id = $1", event["event_id"]
        )

    assert await wait_for(registered) == 1
    await wait_for(sent)  # the relay is done with it: no copy is published after this
    copies = await copies_of(
        bus, "COLLECTION", "collection.device.received", event["event_id"], after=before
    )
    assert len(copies) == 1, f"the event was published {len(copies)} times"
    await done_with(bus, "COLLECTION", "inventory", copies[-1])
    assert await registered() == 1
    assert (
        await inventory_pool.fetchval(
            "SELECT count(*) FROM device_history h JOIN devices d ON d.id = h.device_id "
            "WHERE d.label = $1",
            code,
        )
        == 1
    )


async def test_a_reused_idempotency_key_with_another_body_is_refused(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    token = token_for(stack, "coordinator")
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
    url = f"{stack.url('collection_point')}/api/v1/intakes"
    one, another = await issued_codes(stack, http, collection_point.id, 2)
    first = await http.post(url, json=_intake(collection_point, one), headers=headers)
    second = await http.post(url, json=_intake(collection_point, another), headers=headers)
    assert first.status_code == 201
    assert second.status_code == 422
    assert second.json()["code"] == "idempotency.key_reused"
    assert "Cette clé Idempotency-Key a déjà servi" in second.json()["detail"]


async def test_a_label_already_on_another_device_is_a_conflict_that_says_where(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    token = token_for(stack, "coordinator")
    url = f"{stack.url('collection_point')}/api/v1/intakes"
    (code,) = await issued_codes(stack, http, collection_point.id)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await http.post(url, json=_intake(collection_point, code), headers=headers)).is_success
    again = await http.post(url, json=_intake(collection_point, code, "tablet"), headers=headers)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    problem = again.json()
    assert problem["code"] == "counter.label_attached"
    assert f"L'étiquette {format_code(code)} est déjà posée" in problem["detail"]
    assert collection_point.name in problem["detail"]


async def test_a_mistyped_label_is_a_422_that_names_the_check_symbol_in_the_readers_language(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    code = generate_code()
    wrong = code[:8] + ("0" if code[8] != "0" else "1")
    headers = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    url = f"{stack.url('collection_point')}/api/v1/intakes"
    answer = await http.post(url, json=_intake(collection_point, wrong), headers=headers)
    in_english = await http.post(
        url,
        json=_intake(collection_point, wrong),
        headers={**headers, "Accept-Language": "en-GB,en;q=0.8"},
    )
    for refused in (answer, in_english):
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "labels.check_symbol"
        assert refused.json()["extensions"]["label"] == format_code(wrong)
    assert answer.json()["detail"] == (
        f"Le dernier caractère de l'étiquette {format_code(wrong)} (le caractère de contrôle) "
        "ne correspond pas : elle a sans doute été mal tapée ou mal lue. Comparez avec "
        "l'étiquette imprimée."
    )
    assert in_english.json()["detail"].startswith(
        f"The last character of the label {format_code(wrong)} (its check symbol) does not match"
    )


async def test_malformed_and_invalid_bodies_get_a_problem_not_a_crash(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    url = f"{stack.url('collection_point')}/api/v1/intakes"
    headers = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    broken = await http.post(
        url, content=b"{not json", headers={**headers, "content-type": "application/json"}
    )
    unknown_type = await http.post(
        url, json=_intake(collection_point, generate_code(), "toaster"), headers=headers
    )
    missing = await http.post(url, json={"device_type": "laptop"}, headers=headers)
    for answer in (broken, unknown_type, missing):
        assert 400 <= answer.status_code < 500, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["detail"]
    assert "toaster" in unknown_type.json()["detail"]


async def test_intake_needs_a_signed_in_counter_role(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    url = f"{stack.url('collection_point')}/api/v1/intakes"
    body = _intake(collection_point, generate_code())
    anonymous = await http.post(url, json=body)
    forged = await http.post(url, json=body, headers={"Authorization": "Bearer abc.def"})
    refurbisher = await http.post(
        url, json=body, headers={"Authorization": f"Bearer {token_for(stack, 'refurbisher')}"}
    )
    assert anonymous.status_code == 401
    assert forged.status_code == 401
    assert refurbisher.status_code == 403
    assert refurbisher.headers["content-type"] == "application/problem+json"


async def test_a_collector_cannot_register_at_a_point_outside_their_scope(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    elsewhere = token_for(stack, "collector", f"collection_point:{uuid.uuid4()}")
    answer = await http.post(
        f"{stack.url('collection_point')}/api/v1/intakes",
        json=_intake(collection_point, generate_code()),
        headers={"Authorization": f"Bearer {elsewhere}"},
    )
    assert answer.status_code == 404
