"""Group-purchase campaigns on the real stack: pledges reach the supplier's threshold, the order
adds up, the delivery is labelled and reserved for the pledged needs (then handed over as any
donated device), the missed-minimum policies, and bad input that changes nothing.

The first tests drive the use cases against the service's database (events go out through
its outbox); the last ones go through the HTTP API (/api/v1/suppliers, /api/v1/campaigns)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from services.group_purchase.campaigns import deadlines, handlers, receiving, views
from services.group_purchase.campaigns.domain import (
    CampaignCreate,
    CampaignRefused,
    DeadlineOutcome,
    DeliveredDevice,
    Delivery,
    SupplierCreate,
)
from services.group_purchase.campaigns.pricing import PriceTier, PricingRefused
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.events import utc_now
from shared.labels import parse_code
from tests.support.campaigns import (
    TIERS,
    TYPE,
    Api,
    http_campaign,
    need_status,
    no_tablet_ready_elsewhere,
    waiting_need,
)
from tests.support.households import Territory
from tests.support.purchase_units import campaigns_on
from tests.support.register import until_state
from tests.support.requests import pdf_text
from tests.support.waiting import wait_for

__all__ = ["no_tablet_ready_elsewhere"]  # the fixture applies here too


COORDINATOR = Principal(sub="test-coordinator", roles=("coordinator",), exp=2**40, iat=0)


def worker_of(territory: Territory) -> Principal:
    return Principal(
        sub="test-worker",
        roles=("social_worker",),
        scopes=(f"organisation:{territory.organisation_id}",),
        exp=2**40,
        iat=0,
    )


async def supplier(pool: asyncpg.Pool) -> uuid.UUID:
    created = await handlers.create_supplier(
        campaigns_on(pool),
        SupplierCreate(
            name=f"Ateliers solidaires {uuid.uuid4().hex[:8]}",
            kind="social_enterprise",
            contact="commandes@example.org",
            terms="Paiement à 30 jours ; garantie 12 mois.",
        ),
    )
    return created.id


async def open_campaign(
    pool: asyncpg.Pool,
    minimum: int = 2,
    maximum: int = 3,
    policy: str = "extend_once",
    tiers: list[PriceTier] | None = None,
) -> uuid.UUID:
    command = CampaignCreate(
        title="Tablettes pour les démarches",
        device_type=TYPE,
        grade="B",
        supplier_id=await supplier(pool),
        supplier_offer="DEVIS-118",
        tiers=TIERS if tiers is None else tiers,
        minimum_quantity=minimum,
        maximum_quantity=maximum,
        deadline=utc_now() + timedelta(days=7),
        subsidy_funder="Métropole européenne de Lille",
    )
    campaign_id = await handlers.create_campaign(campaigns_on(pool), COORDINATOR, command)
    await handlers.open_campaign(campaigns_on(pool), campaign_id, policy)  # type: ignore[arg-type]
    return campaign_id


async def campaign_events(pool: asyncpg.Pool, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT subject, payload FROM outbox WHERE subject LIKE 'purchase.%' ORDER BY created_at"
    )
    found = []
    for row in rows:
        body = msgspec.json.decode(row["payload"])
        if str(campaign_id) in (body.get("aggregate_id"), body.get("campaign_id")):
            found.append(body | {"subject": row["subject"]})
    return found


def tablets(count: int) -> list[DeliveredDevice]:
    return [
        DeliveredDevice(serial_number=f"TB-{uuid.uuid4().hex[:6]}", brand="Lenovo", model="M10")
        for _ in range(count)
    ]


# --- the use cases, against the database


async def test_pledges_reach_the_threshold_and_the_order_adds_up_to_the_cent(
    territory: Territory, purchase_pool: asyncpg.Pool
) -> None:
    campaign_id = await open_campaign(purchase_pool)
    worker = worker_of(territory)
    poorest = await waiting_need(territory, low_income=True)
    ordinary = await waiting_need(territory)
    third = await waiting_need(territory, single_parent=True)

    await handlers.pledge(
        campaigns_on(purchase_pool), worker, campaign_id, uuid.UUID(poorest["id"])
    )
    view = await views.campaign_view(purchase_pool, campaign_id, None)
    assert view is not None
    assert view.progress.pledged == 1 and not view.progress.threshold_reached
    assert view.progress.unit_price_cents == 30_000
    assert view.progress.pledges_to_next_tier == 2
    assert view.pledges[0].contribution_cents == 2_500  # 10 % of 300 €, capped at 25 €
    assert await need_status(purchase_pool, poorest) == "pledged"

    for need in (ordinary, third):
        await handlers.pledge(
            campaigns_on(purchase_pool), worker, campaign_id, uuid.UUID(need["id"])
        )
    view = await views.campaign_view(purchase_pool, campaign_id, None)
    assert view is not None
    assert view.progress.threshold_reached
    assert view.progress.unit_price_cents == 25_000  # the second tier, reached at 3

    priced = await handlers.order_campaign(campaigns_on(purchase_pool), COORDINATOR, campaign_id)
    assert priced.quantity == 3
    assert priced.total_cents == 75_000
    assert sorted(priced.contributions) == [2_500, 5_000, 7_500]
    assert priced.contributions_cents + priced.subsidy_cents == priced.total_cents
    order = await purchase_pool.fetchrow(
        "SELECT * FROM purchase_orders WHERE campaign_id = $1", campaign_id
    )
    assert (order["total_cents"], order["subsidy_cents"]) == (75_000, 60_000)
    document = await views.order_document(purchase_pool, campaign_id)
    assert document is not None
    assert sum(line.amount_cents for line in document.contributions) == 15_000

    subjects = [event["subject"] for event in await campaign_events(purchase_pool, campaign_id)]
    assert subjects == [
        "purchase.campaign.opened",
        "purchase.campaign.pledge_made",
        "purchase.campaign.pledge_made",
        "purchase.campaign.threshold_reached",
        "purchase.campaign.pledge_made",
        "purchase.campaign.ordered",
    ]


async def test_received_devices_are_labelled_and_reserved_for_the_pledged_needs(
    territory: Territory, purchase_pool: asyncpg.Pool
) -> None:
    campaign_id = await open_campaign(purchase_pool, minimum=2, maximum=2)
    worker = worker_of(territory)
    needs = [await waiting_need(territory) for _ in range(2)]
    for need in needs:
        await handlers.pledge(
            campaigns_on(purchase_pool), worker, campaign_id, uuid.UUID(need["id"])
        )
    await handlers.order_campaign(campaigns_on(purchase_pool), COORDINATOR, campaign_id)

    received = await receiving.receive_delivery(
        campaigns_on(purchase_pool),
        COORDINATOR,
        campaign_id,
        Delivery(devices=tablets(2), place_name="MEL"),
    )

    assert [str(device.need_id) for device in received] == [need["id"] for need in needs]
    for device, need in zip(received, needs, strict=True):
        assert parse_code(device.printed_label) == device.label
        assert device.household_reference == need["household_reference"]
        assert await need_status(purchase_pool, need) == "reserving"
        attempt = await purchase_pool.fetchrow(
            "SELECT * FROM reservation_attempts WHERE need_id = $1", uuid.UUID(need["id"])
        )
        assert (attempt["device_id"], attempt["label"], attempt["status"]) == (
            device.device_id,
            device.label,
            "requested",
        )
    events = await campaign_events(purchase_pool, campaign_id)
    arrivals = [e for e in events if e["subject"] == "purchase.device.received"]
    assert {e["label"] for e in arrivals} == {device.label for device in received}
    assert all(e["request_id"] and e["device_type"] == TYPE for e in arrivals)
    assert events[-1]["subject"] == "purchase.campaign.received"
    assert (events[-1]["ordered"], events[-1]["delivered"], events[-1]["discrepancy"]) == (
        2,
        2,
        False,
    )
    everything = msgspec.json.encode(events).decode()
    assert "Famille Exemple" not in everything and "06 12" not in everything

    await handlers.close_campaign(campaigns_on(purchase_pool), campaign_id)
    view = await views.campaign_view(purchase_pool, campaign_id, None)
    assert view is not None and view.status == "closed"


async def test_a_delivery_that_differs_from_the_order_is_flagged_and_nothing_is_registered(
    territory: Territory, purchase_pool: asyncpg.Pool
) -> None:
    campaign_id = await open_campaign(purchase_pool, minimum=2, maximum=3)
    worker = worker_of(territory)
    needs = [await waiting_need(territory) for _ in range(3)]
    for need in needs:
        await handlers.pledge(
            campaigns_on(purchase_pool), worker, campaign_id, uuid.UUID(need["id"])
        )
    await handlers.order_campaign(campaigns_on(purchase_pool), COORDINATOR, campaign_id)

    for count in (2, 4):
        with pytest.raises(CampaignRefused, match=f"{count} devices delivered but 3 ordered"):
            await receiving.receive_delivery(
                campaigns_on(purchase_pool),
                COORDINATOR,
                campaign_id,
                Delivery(devices=tablets(count)),
            )
    registered = await purchase_pool.fetchval(
        "SELECT count(*) FROM received_devices WHERE campaign_id = $1", campaign_id
    )
    assert registered == 0
    assert {await need_status(purchase_pool, need) for need in needs} == {"pledged"}

    short = Delivery(devices=tablets(2), discrepancy_note="1 tablet damaged in transit")
    received = await receiving.receive_delivery(
        campaigns_on(purchase_pool), COORDINATOR, campaign_id, short
    )
    assert [str(device.need_id) for device in received] == [need["id"] for need in needs[:2]]
    assert await need_status(purchase_pool, needs[2]) == "waiting"  # not silently dropped
    notices = await views.notices_for(purchase_pool, [uuid.UUID(territory.organisation_id)])
    assert "unserved" in {notice.kind for notice in notices}
    view = await views.campaign_view(purchase_pool, campaign_id, None)
    assert view is not None
    assert (view.delivered_quantity, view.delivery_discrepancy) == (
        2,
        "1 tablet damaged in transit",
    )
    received_event = (await campaign_events(purchase_pool, campaign_id))[-1]
    assert received_event["subject"] == "purchase.campaign.received"
    assert received_event["discrepancy"] is True


async def test_bad_pledges_are_refused_and_change_nothing(
    territory: Territory, stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> None:
    campaign_id = await open_campaign(purchase_pool, minimum=1, maximum=1)
    worker = worker_of(territory)
    household = await territory.household()
    laptop_request = await territory.request(household["id"], device_type="laptop")
    laptop = laptop_request["needs"][0]
    with pytest.raises(CampaignRefused, match="need is for a laptop; the campaign buys tablets"):
        await handlers.pledge(
            campaigns_on(purchase_pool), worker, campaign_id, uuid.UUID(laptop["id"])
        )

    first, second = await waiting_need(territory), await waiting_need(territory)
    other = await Territory(stack, http).open()
    with pytest.raises(NotFound):
        await handlers.pledge(
            campaigns_on(purchase_pool), worker_of(other), campaign_id, uuid.UUID(first["id"])
        )
    await handlers.pledge(campaigns_on(purchase_pool), worker, campaign_id, uuid.UUID(first["id"]))
    with pytest.raises(Conflict, match="already pledged"):
        await handlers.pledge(
            campaigns_on(purchase_pool), worker, campaign_id, uuid.UUID(first["id"])
        )
    with pytest.raises(Conflict, match="campaign is full: 1 devices is its maximum"):
        await handlers.pledge(
            campaigns_on(purchase_pool), worker, campaign_id, uuid.UUID(second["id"])
        )

    await purchase_pool.execute(
        "UPDATE campaigns SET deadline = now() - interval '1 minute' WHERE id = $1", campaign_id
    )
    late = await open_campaign(purchase_pool, minimum=1, maximum=5)
    await purchase_pool.execute(
        "UPDATE campaigns SET deadline = now() - interval '1 minute' WHERE id = $1", late
    )
    with pytest.raises(Conflict, match="deadline of this campaign has passed"):
        await handlers.pledge(campaigns_on(purchase_pool), worker, late, uuid.UUID(second["id"]))

    assert await need_status(purchase_pool, second) == "waiting"
    pledges = await purchase_pool.fetchval(
        "SELECT count(*) FROM pledges WHERE need_id = $1", uuid.UUID(second["id"])
    )
    assert pledges == 0
    await other.close(purchase_pool)


async def test_tiers_that_overlap_or_leave_a_gap_leave_the_draft_as_it_was(
    purchase_pool: asyncpg.Pool,
) -> None:
    command = CampaignCreate(device_type=TYPE, tiers=TIERS, minimum_quantity=1, maximum_quantity=5)
    campaign_id = await handlers.create_campaign(campaigns_on(purchase_pool), COORDINATOR, command)
    bad_tiers = (
        [PriceTier(min_quantity=1, max_quantity=3, unit_price_cents=30_000), TIERS[1]],
        [PriceTier(min_quantity=1, max_quantity=1, unit_price_cents=30_000), TIERS[1]],
    )
    for tiers, words in zip(bad_tiers, ("overlap", "gap"), strict=True):
        with pytest.raises(PricingRefused, match=words):
            await handlers.update_campaign(
                campaigns_on(purchase_pool),
                campaign_id,
                msgspec.structs.replace(command, tiers=tiers, title="changed"),
            )
    view = await views.campaign_view(purchase_pool, campaign_id, None)
    assert view is not None
    assert view.tiers == TIERS and view.title == ""


async def test_a_draft_from_the_shortage_signal_is_made_for_the_waiting_needs(
    territory: Territory, purchase_pool: asyncpg.Pool
) -> None:
    household = await territory.household()
    request = await territory.request(household["id"], device_type=TYPE, min_memory_gb=4)
    assert request["needs"][0]["status"] == "waiting"
    waiting = await purchase_pool.fetchval(
        "SELECT count(*) FROM needs WHERE device_type = $1 AND status = 'waiting'", TYPE
    )

    campaign_id = await handlers.draft_from_shortage(campaigns_on(purchase_pool), COORDINATOR, TYPE)

    view = await views.campaign_view(purchase_pool, campaign_id, None)
    assert view is not None
    assert (view.status, view.device_type) == ("draft", TYPE)
    assert view.expected_quantity == view.maximum_quantity == waiting >= 1
    assert view.min_memory_gb >= 4
    with pytest.raises(Conflict, match="No need of type printer is waiting"):
        await handlers.draft_from_shortage(campaigns_on(purchase_pool), COORDINATOR, "printer")


async def test_a_missed_minimum_extends_once_then_cancels_and_releases_the_pledges(
    territory: Territory, purchase_pool: asyncpg.Pool
) -> None:
    campaign_id = await open_campaign(purchase_pool, minimum=3, maximum=3, policy="extend_once")
    need = await waiting_need(territory)
    await handlers.pledge(
        campaigns_on(purchase_pool), worker_of(territory), campaign_id, uuid.UUID(need["id"])
    )
    deadline = await purchase_pool.fetchval(
        "SELECT deadline FROM campaigns WHERE id = $1", campaign_id
    )

    extended = await deadlines.settle_due_campaigns(campaigns_on(purchase_pool), deadline)
    assert (campaign_id, DeadlineOutcome.EXTENDED) in extended
    new_deadline = await purchase_pool.fetchval(
        "SELECT deadline FROM campaigns WHERE id = $1", campaign_id
    )
    assert new_deadline == deadline + timedelta(days=14)
    assert await need_status(purchase_pool, need) == "pledged"

    cancelled = await deadlines.settle_due_campaigns(campaigns_on(purchase_pool), new_deadline)
    assert (campaign_id, DeadlineOutcome.CANCELLED) in cancelled
    assert await need_status(purchase_pool, need) == "waiting"
    status = await purchase_pool.fetchval("SELECT status FROM campaigns WHERE id = $1", campaign_id)
    assert status == "cancelled"
    notices = await views.notices_for(purchase_pool, [uuid.UUID(territory.organisation_id)], "en")
    mine = [notice for notice in notices if notice.campaign_id == campaign_id]
    assert [notice.kind for notice in mine] == ["cancelled", "extended"]
    assert "minimum missed" in mine[0].message
    subjects = [e["subject"] for e in await campaign_events(purchase_pool, campaign_id)]
    assert subjects[-3:] == [
        "purchase.campaign.extended",
        "purchase.campaign.pledge_released",
        "purchase.campaign.cancelled",
    ]


async def test_the_cancel_policy_cancels_at_the_first_deadline(
    territory: Territory, purchase_pool: asyncpg.Pool
) -> None:
    campaign_id = await open_campaign(purchase_pool, minimum=2, maximum=3, policy="cancel")
    need = await waiting_need(territory)
    await handlers.pledge(
        campaigns_on(purchase_pool), worker_of(territory), campaign_id, uuid.UUID(need["id"])
    )
    deadline = await purchase_pool.fetchval(
        "SELECT deadline FROM campaigns WHERE id = $1", campaign_id
    )
    early = await deadlines.settle_due_campaigns(
        campaigns_on(purchase_pool), deadline - timedelta(seconds=1)
    )
    assert campaign_id not in {settled_id for settled_id, _ in early}
    settled = await deadlines.settle_due_campaigns(campaigns_on(purchase_pool), deadline)
    assert (campaign_id, DeadlineOutcome.CANCELLED) in settled
    assert await need_status(purchase_pool, need) == "waiting"


async def test_a_pledge_withdrawn_while_open_lets_its_need_wait_again(
    territory: Territory, purchase_pool: asyncpg.Pool
) -> None:
    campaign_id = await open_campaign(purchase_pool, minimum=1, maximum=3)
    worker = worker_of(territory)
    kept, withdrawn = await waiting_need(territory), await waiting_need(territory)
    await handlers.pledge(campaigns_on(purchase_pool), worker, campaign_id, uuid.UUID(kept["id"]))
    pledge_id = await handlers.pledge(
        campaigns_on(purchase_pool), worker, campaign_id, uuid.UUID(withdrawn["id"])
    )

    await handlers.release_pledge(campaigns_on(purchase_pool), worker, campaign_id, pledge_id)

    assert await need_status(purchase_pool, withdrawn) == "waiting"
    view = await views.campaign_view(purchase_pool, campaign_id, None)
    assert view is not None and view.progress.pledged == 1
    await handlers.order_campaign(campaigns_on(purchase_pool), COORDINATOR, campaign_id)
    kept_pledge = view.pledges[0].id
    with pytest.raises(Conflict, match="withdrawn only while it is open"):
        await handlers.release_pledge(campaigns_on(purchase_pool), worker, campaign_id, kept_pledge)


async def test_a_coordinator_cancelling_an_open_campaign_releases_its_pledges(
    territory: Territory, purchase_pool: asyncpg.Pool
) -> None:
    campaign_id = await open_campaign(purchase_pool, minimum=2, maximum=3)
    need = await waiting_need(territory)
    await handlers.pledge(
        campaigns_on(purchase_pool), worker_of(territory), campaign_id, uuid.UUID(need["id"])
    )

    await handlers.cancel_campaign(campaigns_on(purchase_pool), campaign_id)

    assert await need_status(purchase_pool, need) == "waiting"
    notices = await views.notices_for(purchase_pool, [uuid.UUID(territory.organisation_id)])
    assert any(n.campaign_id == campaign_id and n.kind == "cancelled" for n in notices)
    with pytest.raises(Conflict, match="only a draft or an open"):
        await handlers.cancel_campaign(campaigns_on(purchase_pool), campaign_id)


# --- the HTTP API, as coordinators and social workers use it


async def test_over_http_a_campaign_goes_from_pledges_to_hand_over(
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    api = Api(territory)
    coordinator, worker = territory.coordinator, territory.worker
    needs = [await waiting_need(territory, low_income=True), await waiting_need(territory)]
    campaign_id = await http_campaign(api, minimum=2, maximum=3, policy="cancel")
    path = f"/campaigns/{campaign_id}"

    pledge = await api.call(
        "POST", f"{path}/pledges", worker, 201, json={"need_id": needs[0]["id"]}
    )
    assert pledge["contribution_cents"] == 2_500 and pledge["band"] == "minimum_benefits"
    await api.call("POST", f"{path}/pledges", worker, 201, json={"need_id": needs[1]["id"]})
    seen = await api.call("GET", path, worker, 200)
    assert seen["progress"]["threshold_reached"] and seen["progress"]["unit_price_cents"] == 30_000
    assert {p["household_reference"] for p in seen["pledges"]} == {
        need["household_reference"] for need in needs
    }

    ordered = await api.call("POST", f"{path}/order", coordinator, 201)
    order = ordered["order"]
    assert order["total_cents"] == order["contributions_cents"] + order["subsidy_cents"] == 60_000
    pdf = await api.call("GET", f"{path}/order.pdf", coordinator, 200)
    assert order["number"] in pdf_text(pdf.content)
    csv_answer = await api.call("GET", f"{path}/order.csv", coordinator, 200)
    assert csv_answer.text.startswith("order_number,line,")

    worn = {"devices": [{"serial_number": "S0"}, {"serial_number": "S1", "grade": "C"}]}
    refused = await api.call("POST", f"{path}/delivery", coordinator, 422, json=worn)
    assert refused["code"] == "campaigns.device_grade"
    assert refused["detail"] == (
        "L'appareil n° 2 de la livraison est de grade C ; la commande demandait le grade B ou "
        "mieux. Renvoyez-le au fournisseur."
    )
    received = await api.call(
        "POST",
        f"{path}/delivery",
        coordinator,
        201,
        json={"devices": [{"serial_number": f"S{i}", "brand": "Lenovo"} for i in range(2)]},
    )
    assert received["campaign"]["status"] == "received"
    for device, need in zip(received["devices"], needs, strict=True):
        assert device["need_id"] == need["id"] and device["printed_label"].count("-") == 2
        await until_state(inventory_pool, uuid.UUID(device["device_id"]), "reserved")
        await territory.need_when(need["request_id"], "reserved")
    sheet = pdf_text((await api.call("GET", f"{path}/labels.pdf", coordinator, 200)).content)
    assert all(device["printed_label"] in sheet for device in received["devices"])

    handed = await api.call(
        "POST", f"/needs/{needs[0]['id']}/hand-over", worker, 201, json={"place": "CCAS"}
    )
    assert handed["receipt"].endswith("receipt.pdf")
    await until_state(inventory_pool, uuid.UUID(received["devices"][0]["device_id"]), "delivered")


async def test_over_http_roles_drafts_and_bad_tiers(territory: Territory) -> None:
    api = Api(territory)
    coordinator, worker = territory.coordinator, territory.worker
    await api.call("POST", "/campaigns", worker, 403, json={"device_type": TYPE})
    draft = await api.call("POST", "/campaigns", coordinator, 201, json={"device_type": TYPE})
    hidden = await api.call("GET", f"/campaigns/{draft['id']}", worker, 404)
    assert hidden["code"] == "campaigns.campaign_unknown"  # a draft is the coordination's
    assert hidden["detail"] == "Cette campagne n'existe pas."
    english = {**worker, "Accept-Language": "en-GB,en;q=0.8"}
    hidden = await api.call("GET", f"/campaigns/{draft['id']}", english, 404)
    assert hidden["detail"] == "This campaign does not exist."
    listed = await api.call("GET", "/campaigns", worker, 200)
    assert draft["id"] not in {c["id"] for c in listed["campaigns"]}
    overlapping = {
        "device_type": TYPE,
        "maximum_quantity": 5,
        "tiers": [
            {"min_quantity": 1, "max_quantity": 3, "unit_price_cents": 30_000},
            {"min_quantity": 3, "unit_price_cents": 25_000},
        ],
    }
    refused = await api.call("PUT", f"/campaigns/{draft['id']}", coordinator, 422, json=overlapping)
    assert refused["code"] == "campaigns.overlap"  # said in French unless asked otherwise
    assert "Les paliers se chevauchent : 1 à 3 et celui qui commence à 3." in refused["detail"]
    await api.call("GET", "/suppliers", worker, 403)


async def test_over_http_a_missed_minimum_is_told_to_the_social_worker(
    territory: Territory, purchase_pool: asyncpg.Pool
) -> None:
    api = Api(territory)
    need = await waiting_need(territory)
    campaign_id = await http_campaign(api, minimum=3, maximum=3, policy="cancel")
    await api.call(
        "POST",
        f"/campaigns/{campaign_id}/pledges",
        territory.worker,
        201,
        json={"need_id": need["id"]},
    )
    await api.call("POST", f"/campaigns/{campaign_id}/order", territory.coordinator, 409)
    await purchase_pool.execute(
        "UPDATE campaigns SET deadline = now() - interval '1 second' WHERE id = $1",
        uuid.UUID(campaign_id),
    )
    await deadlines.settle_due_campaigns(campaigns_on(purchase_pool))

    notices = await api.call("GET", "/campaigns/notices", territory.worker, 200)
    assert [n["kind"] for n in notices if n["campaign_id"] == campaign_id] == ["cancelled"]
    seen = await api.call("GET", f"/campaigns/{campaign_id}", territory.worker, 200)
    assert seen["status"] == "cancelled"

    async def waiting_again() -> bool:
        return await need_status(purchase_pool, need) == "waiting"

    await wait_for(waiting_again)
