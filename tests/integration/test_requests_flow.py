"""Requests on the real stack: a household from request to hand-over, and what must never break
(one device for one household, scoping, nothing half-applied, no personal data in events)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.group_purchase.requests.retention import erase_lapsed_households
from services.inventory.lifecycle.store import LifecycleStore
from services.inventory.reservations.jobs import expire_due
from shared.events import utc_now
from shared.labels import format_code
from tests.support.households import Territory
from tests.support.purchase_units import requests_on
from tests.support.register import publish, state_of, unit_of_work, until_state
from tests.support.requests import pdf_text
from tests.support.waiting import wait_for


async def test_a_household_goes_from_request_to_hand_over_and_inventory_follows(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
) -> None:
    device = await territory.ready_device(bus, inventory_pool, purchase_pool)
    household = await territory.household(school_age_children=2, no_computer=True)
    assert household["reference"].startswith("M-")

    request = await territory.request(household["id"], min_memory_gb=4)
    need = request["needs"][0]
    assert need["status"] == "proposed"
    proposal = need["proposal"]
    assert proposal["device_id"] == str(device.id)
    assert any("8 Go" in reason and "4" in reason for reason in proposal["reasons"])
    assert any(territory.place in reason for reason in proposal["reasons"])
    assert request["priority_points"] >= 2 * 15 + 25
    assert request["priority"], "the priority explains itself"

    confirmed = await http.post(
        f"{territory.api}/needs/{need['id']}/confirmation",
        json={"proposal_id": proposal["id"]},
        headers=territory.worker,
    )
    assert confirmed.status_code == 202, confirmed.text
    await until_state(inventory_pool, device.id, "reserved")
    reserved = await territory.need_when(request["id"], "reserved")
    assert reserved["reservation"]["expires_at"]

    handed = await http.post(
        f"{territory.api}/needs/{need['id']}/hand-over",
        json={"place": territory.place},
        headers=territory.worker,
    )
    assert handed.status_code == 201, handed.text
    await until_state(inventory_pool, device.id, "delivered")

    again = await http.post(
        f"{territory.api}/needs/{need['id']}/hand-over", json={}, headers=territory.worker
    )
    assert again.status_code == 409
    assert again.json()["code"] == "requests.already_handed_over"
    assert "Cet appareil est déjà remis" in again.json()["detail"]

    receipt = await http.get(
        territory.stack.url("group_purchase") + handed.json()["receipt"], headers=territory.worker
    )
    assert receipt.headers["content-type"] == "application/pdf"
    text = pdf_text(receipt.content)
    assert format_code(device.label) in text
    assert household["reference"] in text


async def test_two_workers_confirming_the_same_proposal_reserve_it_once(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
) -> None:
    device = await territory.ready_device(bus, inventory_pool, purchase_pool)
    household = await territory.household()
    need = (await territory.request(household["id"]))["needs"][0]
    colleague = territory.worker_of(territory.organisation_id)

    answers = await asyncio.gather(
        *(territory.confirm(need, headers) for headers in (territory.worker, colleague))
    )
    assert sorted(a.status_code for a in answers) == [202, 409]
    attempts = await purchase_pool.fetchval(
        "SELECT count(*) FROM reservation_attempts WHERE device_id = $1", device.id
    )
    assert attempts == 1
    await until_state(inventory_pool, device.id, "reserved")


async def test_a_device_taken_elsewhere_is_withdrawn_and_the_next_one_proposed(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    first = await territory.ready_device(bus, inventory_pool, purchase_pool, memory_gb=4)
    household = await territory.household()
    request = await territory.request(household["id"])
    assert request["needs"][0]["proposal"]["device_id"] == str(first.id)
    second = await territory.ready_device(bus, inventory_pool, purchase_pool, memory_gb=16)

    await publish(bus, first.requested(uuid.uuid4()))  # another channel reserves it first

    async def next_proposed() -> dict[str, Any] | None:
        need: dict[str, Any] = (await territory.view(request["id"]))["needs"][0]
        proposal = need["proposal"]
        return need if proposal and proposal["device_id"] == str(second.id) else None

    need = await wait_for(next_proposed, within=40)
    assert need["status"] == "proposed"
    assert need["note"] == "proposal_withdrawn"


async def test_a_reservation_inventory_refuses_moves_the_need_to_the_next_proposal(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
) -> None:
    first = await territory.ready_device(bus, inventory_pool, purchase_pool, memory_gb=4)
    household = await territory.household()
    request = await territory.request(household["id"])
    need = request["needs"][0]
    second = await territory.ready_device(bus, inventory_pool, purchase_pool, memory_gb=16)
    # the workshop took it back, and group_purchase has not heard of it yet
    await inventory_pool.execute(
        "UPDATE devices SET state = 'in_refurbishment' WHERE id = $1", first.id
    )

    confirmed = await territory.confirm(need)
    assert confirmed.status_code == 202, confirmed.text

    proposed = await territory.need_when(request["id"], "proposed")
    assert proposed["proposal"]["device_id"] == str(second.id)
    assert proposed["note"] == "reservation_rejected"
    assert await state_of(inventory_pool, second.id) == "ready"  # proposed, not reserved
    refused = await purchase_pool.fetchrow(
        "SELECT status, reason FROM reservation_attempts WHERE device_id = $1", first.id
    )
    assert refused["status"] == "rejected"
    assert "not ready" in refused["reason"]


async def test_cancelling_a_reserved_need_makes_the_device_ready_again(
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
    await territory.confirm(need)
    await territory.need_when(request["id"], "reserved")

    cancelled = await http.post(
        f"{territory.api}/needs/{need['id']}/cancellation", headers=territory.worker
    )
    assert cancelled.status_code == 200, cancelled.text
    await until_state(inventory_pool, device.id, "ready")
    assert (await territory.view(request["id"]))["needs"][0]["status"] == "cancelled"


async def test_a_worker_of_another_organisation_finds_nothing(
    territory: Territory, stack: Stack, http: httpx.AsyncClient
) -> None:
    household = await territory.household()
    request = await territory.request(household["id"])
    other = await Territory(stack, http).open()
    stranger = other.worker

    for url in (
        f"{territory.api}/households/{household['id']}",
        f"{territory.api}/households/{household['id']}/export",
        f"{territory.api}/requests/{request['id']}",
    ):
        assert (await http.get(url, headers=stranger)).status_code == 404
    cancel = await http.post(
        f"{territory.api}/needs/{request['needs'][0]['id']}/cancellation", headers=stranger
    )
    assert cancel.status_code == 404
    filed = await http.post(
        f"{territory.api}/requests",
        json={
            "household_id": household["id"],
            "needs": [{"device_type": "laptop", "purpose": "school"}],
        },
        headers=stranger,
    )
    assert filed.status_code == 404
    queue = (await http.get(f"{territory.api}/requests/queue", headers=stranger)).json()
    assert all(entry["household_reference"] != household["reference"] for entry in queue)


async def test_a_request_out_of_reach_is_refused_as_one_that_does_not_exist(
    territory: Territory, stack: Stack, http: httpx.AsyncClient
) -> None:
    household = await territory.household()
    request = await territory.request(household["id"])
    stranger = (await Territory(stack, http).open()).worker
    for request_id in (request["id"], uuid.uuid4()):
        answer = await http.get(f"{territory.api}/requests/{request_id}", headers=stranger)
        assert answer.status_code == 404
        assert answer.json()["code"] == "requests.request_unknown"
        assert answer.json()["detail"] == (
            "Cette demande n'existe pas, ou elle ne concerne pas votre structure."
        )
    english = await http.get(
        f"{territory.api}/requests/{request['id']}", headers={**stranger, "Accept-Language": "en"}
    )
    assert (
        english.json()["detail"] == "This request does not exist, or it is not your organisation's."
    )


async def test_bad_requests_are_refused_with_a_reason_and_leave_nothing(
    territory: Territory, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> None:
    no_consent = await http.post(
        f"{territory.api}/households",
        json={"organisation_id": territory.organisation_id, "commune": "Lille"},
        headers={**territory.worker, "Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"},
    )
    assert no_consent.status_code == 422
    assert no_consent.json()["code"] == "requests.consent"
    assert "The household's consent is required" in no_consent.json()["detail"]

    household = await territory.household()
    impossible = await http.post(
        f"{territory.api}/requests",
        json={
            "household_id": household["id"],
            "needs": [{"device_type": "laptop", "purpose": "school", "min_memory_gb": 512}],
        },
        headers=territory.worker,
    )
    assert impossible.status_code in (400, 422)
    assert "min_memory_gb" in impossible.text
    kept = await purchase_pool.fetchval(
        "SELECT count(*) FROM requests WHERE household_id = $1::text::uuid", household["id"]
    )
    assert kept == 0


async def test_a_replayed_request_is_filed_once(
    territory: Territory, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> None:
    household = await territory.household()
    body = {
        "household_id": household["id"],
        "needs": [{"device_type": "tablet", "purpose": "health"}],
    }
    headers = territory.worker | {"Idempotency-Key": f"paper-form-{household['id']}"}
    first, second = [
        await http.post(f"{territory.api}/requests", json=body, headers=headers) for _ in range(2)
    ]
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert (
        await purchase_pool.fetchval(
            "SELECT count(*) FROM requests WHERE household_id = $1::text::uuid", household["id"]
        )
        == 1
    )


async def test_a_quota_reached_refuses_the_confirmation_and_keeps_the_proposal(
    stack: Stack,
    http: httpx.AsyncClient,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    territory = await Territory(stack, http).open(monthly_quota=0)
    try:
        await territory.ready_device(bus, inventory_pool, purchase_pool)
        household = await territory.household()
        request = await territory.request(household["id"])
        need = request["needs"][0]
        refused = await territory.confirm(need)
        assert refused.status_code == 409
        assert refused.json()["code"] == "requests.quota"
        assert "a atteint son quota du mois (0)" in refused.json()["detail"]
        assert (await territory.view(request["id"]))["needs"][0]["status"] == "proposed"
    finally:
        await territory.close(purchase_pool)


async def test_purchase_events_carry_no_personal_data(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
) -> None:
    await territory.ready_device(bus, inventory_pool, purchase_pool)
    household = await territory.household(job_seeking=True)
    request = await territory.request(household["id"])
    need = request["needs"][0]
    await territory.confirm(need)
    await territory.need_when(request["id"], "reserved")
    payloads = [
        bytes(row["payload"]).decode()
        for row in await purchase_pool.fetch("SELECT payload FROM outbox")
    ]
    assert any(household["reference"] in payload for payload in payloads)
    for personal in ("Famille Exemple", "06 12 34 56 78", "Roubaix", "job_seeking"):
        assert not any(personal in payload for payload in payloads), personal


async def test_a_household_gets_its_data_then_is_forgotten_and_every_access_is_audited(
    territory: Territory, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> None:
    household = await territory.household(disability=True)
    request = await territory.request(household["id"])
    url = f"{territory.api}/households/{household['id']}"

    assert (await http.get(url, headers=territory.worker)).json()["commune"] == "Roubaix"
    export = await http.get(f"{url}/export", headers=territory.worker)
    assert export.status_code == 200
    assert export.json()["household"]["contact_name"] == "Famille Exemple"
    assert export.json()["requests"][0]["id"] == request["id"]

    erased = await http.delete(f"{url}/personal-data", headers=territory.worker)
    assert erased.status_code == 200, erased.text
    forgotten = erased.json()
    assert forgotten["erased_at"]
    assert forgotten["contact_name"] == forgotten["contact_phone"] == ""
    assert forgotten["situation"]["disability"] is False
    assert (await territory.view(request["id"]))["needs"][0]["status"] == "cancelled"

    actions = [
        row["action"]
        for row in await purchase_pool.fetch(
            "SELECT action FROM audit_log WHERE subject = $1 ORDER BY id",
            f"household:{household['id']}",
        )
    ]
    assert actions == [
        "household.registered",
        "household.read",
        "household.exported",
        "household.erased",
    ]


async def test_a_lapsed_reservation_sends_the_need_back_to_a_proposal(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    device, _, request = await territory.reserved(bus, inventory_pool, purchase_pool)

    later = utc_now() + timedelta(days=4)
    assert await expire_due(unit_of_work(inventory_pool, LifecycleStore, later)) >= 1
    await until_state(inventory_pool, device.id, "ready")

    async def proposed_again() -> dict[str, Any] | None:
        need: dict[str, Any] = (await territory.view(request["id"]))["needs"][0]
        return need if need["status"] == "proposed" else None

    need = await wait_for(proposed_again, within=40)
    assert need["note"] == "reservation_expired"
    assert need["reservation"]["status"] == "expired"
    # the device itself, or another one another lapse made ready first: a ready one, anyway
    proposed = uuid.UUID(need["proposal"]["device_id"])
    assert await state_of(inventory_pool, proposed) == "ready"


async def test_personal_data_is_erased_a_set_time_after_the_last_need_ended(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
) -> None:
    _, served, request = await territory.reserved(
        bus, inventory_pool, purchase_pool, school_age_children=1
    )
    handed = await http.post(
        f"{territory.api}/needs/{request['needs'][0]['id']}/hand-over",
        json={},
        headers=territory.worker,
    )
    assert handed.status_code == 201
    still_waiting = await territory.household(no_computer=True)
    await territory.request(still_waiting["id"], device_type="printer")

    retention = requests_on(purchase_pool)
    assert await erase_lapsed_households(retention, 30, utc_now()) == 0  # not yet
    await erase_lapsed_households(retention, 30, utc_now() + timedelta(days=31))

    def read(household: dict[str, Any]) -> Any:
        return purchase_pool.fetchrow(
            "SELECT contact_name, erased_at FROM households WHERE id = $1::text::uuid",
            household["id"],
        )

    erased, kept = await read(served), await read(still_waiting)
    assert erased["erased_at"] is not None and erased["contact_name"] == ""
    assert kept["erased_at"] is None and kept["contact_name"] == "Famille Exemple"
    history = await territory.view(request["id"])  # the pseudonymous history stays
    assert history["household_reference"] == served["reference"]
    assert history["needs"][0]["status"] == "handed_over"
