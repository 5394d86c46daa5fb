"""Dead letters on the real stack: a workshop fact about a device that never registered uses
up inventory's deliveries and lands in the DLQ; a coordinator sees it over HTTP and replays
it once the device is registered, and the replay is applied once, never twice."""

from __future__ import annotations

import asyncpg
import httpx
import nats
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from tests.support.dead_letters import (
    WORKSHOP_STREAM,
    dead_letter_of,
    dead_lettered_check_in,
    register,
)
from tests.support.jetstream import done_with
from tests.support.register import (
    history,
    until_state,
)
from tests.support.stacks import token_for


async def test_a_dead_letter_is_listed_then_replayed_once_its_prerequisite_is_there(
    stack: Stack, http: httpx.AsyncClient, inventory_pool: asyncpg.Pool
) -> None:
    coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    donation, letter = await dead_lettered_check_in(stack, http)
    assert letter["reason"] == "max_deliveries"
    assert letter["subject"] == "refurbishment.device.checked_in"
    assert letter["producer"] == "refurbishment"
    assert letter["replay"] is None

    await register(stack, donation, inventory_pool)
    replay_url = f"{stack.url('inventory')}/api/v1/dead-letters/{letter['dlq_seq']}/replay"
    replayed = await http.post(replay_url, headers=coordinator)
    assert replayed.status_code == 201, replayed.text
    assert replayed.json()["message_id"] == f"{letter['event_id']}:replay:{letter['dlq_seq']}"
    assert replayed.json()["replayed_by"] == "test-coordinator"
    await until_state(inventory_pool, donation.id, "in_refurbishment")

    again = await http.post(replay_url, headers=coordinator)
    assert again.status_code == 409
    assert again.json()["code"] == "dead_letters.already_replayed"
    assert "a déjà été rejouée" in again.json()["detail"]
    assert "par test-coordinator" in again.json()["detail"]
    listed = await dead_letter_of(http, stack, letter["stream_seq"])
    assert listed["replay"]["replayed_as"] == replayed.json()["replayed_as"]

    client = await nats.connect(stack.nats.url)
    try:
        republished = await client.jetstream().get_msg(
            WORKSHOP_STREAM, replayed.json()["replayed_as"]
        )
    finally:
        await client.close()
    assert republished.subject == letter["subject"]
    assert (republished.headers or {})["Nats-Msg-Id"] == replayed.json()["message_id"]
    steps = await history(inventory_pool, donation.id)
    assert [step["subject"] for step in steps] == [
        "collection.device.received",
        "refurbishment.device.checked_in",
    ]


async def test_a_replay_is_applied_once_even_where_it_had_been_applied_already(
    stack: Stack, http: httpx.AsyncClient, bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    """The inbox absorbs a replay of a message the consumer applied in the meantime."""
    coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    donation, letter = await dead_lettered_check_in(stack, http)
    await register(stack, donation, inventory_pool)
    client = await nats.connect(stack.nats.url)
    try:  # the same check-in again under another message id: applied now
        replay = (await client.jetstream().get_msg(WORKSHOP_STREAM, letter["stream_seq"])).data
        await client.jetstream().publish(letter["subject"], replay or b"")
    finally:
        await client.close()
    await until_state(inventory_pool, donation.id, "in_refurbishment")

    url = f"{stack.url('inventory')}/api/v1/dead-letters/{letter['dlq_seq']}/replay"
    answer = await http.post(url, headers=coordinator)
    assert answer.status_code == 201, answer.text
    await done_with(bus, WORKSHOP_STREAM, "inventory", answer.json()["replayed_as"], within=30)
    steps = await history(inventory_pool, donation.id)
    assert [step["subject"] for step in steps].count("refurbishment.device.checked_in") == 1


async def test_only_coordinators_see_and_replay_dead_letters_and_an_unknown_one_is_a_404(
    stack: Stack, http: httpx.AsyncClient
) -> None:
    base = f"{stack.url('inventory')}/api/v1/dead-letters"
    collector = {"Authorization": f"Bearer {token_for(stack, 'collector')}"}
    assert (await http.get(base, headers=collector)).status_code == 403
    assert (await http.post(f"{base}/1/replay", headers=collector)).status_code == 403
    coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
    oldest = await http.get(base, params={"before": 1}, headers=coordinator)
    assert oldest.json() == {"entries": [], "next_before": None}
    for unknown in ("999999999", "quatre"):
        answer = await http.post(f"{base}/{unknown}/replay", headers=coordinator)
        assert answer.status_code == 404, answer.text
        assert answer.json()["code"] == "dead_letters.not_found"
        assert f"Il n'y a pas de lettre morte n° {unknown}." == answer.json()["detail"]
