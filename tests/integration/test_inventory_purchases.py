"""Devices bought in a group purchase enter the register ready, reserved for their pledged need."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
import msgspec
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from shared.contracts.purchase import PurchasedDeviceReceived
from shared.contracts.refurbishment import SpecsSummary
from shared.labels import generate_code
from tests.support.register import (
    announcements,
    history,
    publish,
    until_state,
)


def delivered(request_id: uuid.UUID | None) -> PurchasedDeviceReceived:
    return PurchasedDeviceReceived(
        producer="group_purchase",
        aggregate_id=uuid.uuid4(),
        correlation_id=f"campaign-{uuid.uuid4().hex[:8]}",
        label=generate_code(),
        device_type="laptop",
        grade="A",
        specs=SpecsSummary(brand="HP", model="EliteBook 840 G6", memory_gb=8, storage_gb=256),
        campaign_id=uuid.uuid4(),
        place_name="Maison de quartier de Fives",
        request_id=request_id,
        household_reference="M-TEST234" if request_id else "",
    )


async def test_a_purchased_device_pledged_to_a_need_is_ready_then_reserved_for_it(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    request_id = uuid.uuid4()
    event = delivered(request_id)
    await publish(bus, event, event)  # delivered twice: registered once
    await until_state(inventory_pool, event.aggregate_id, "reserved")

    steps = await history(inventory_pool, event.aggregate_id)
    assert [(s["subject"], s["state"]) for s in steps] == [
        ("purchase.device.received", "ready"),
        ("purchase.reservation.requested", "reserved"),
    ]
    source = await inventory_pool.fetchval(
        "SELECT source FROM devices WHERE id = $1", event.aggregate_id
    )
    assert source == "purchase"
    subjects = [a["subject"] for a in await announcements(inventory_pool, event.aggregate_id)]
    assert subjects.count("inventory.device.available") == 1
    confirmed = [
        a
        for a in await announcements(inventory_pool, event.aggregate_id)
        if a["subject"] == "inventory.reservation.confirmed"
    ]
    assert [a["request_id"] for a in confirmed] == [str(request_id)]


async def test_a_purchased_device_not_yet_pledged_is_ready_with_a_public_passport(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool, stack: Stack, http: httpx.AsyncClient
) -> None:
    event = delivered(None)
    await publish(bus, event)
    await until_state(inventory_pool, event.aggregate_id, "ready")
    reservations = await inventory_pool.fetchval(
        "SELECT count(*) FROM reservations WHERE device_id = $1", event.aggregate_id
    )
    assert reservations == 0
    passport = await http.get(
        f"{stack.url('inventory')}/d/{event.label}", headers={"Accept": "text/html"}
    )
    assert passport.status_code == 200
    assert "EliteBook" in passport.text


async def test_a_purchased_device_is_not_counted_as_collected(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool, stack: Stack, http: httpx.AsyncClient
) -> None:
    long_ago = datetime(2002, 6, 3, 10, 0, tzinfo=UTC)  # a month no other test touches
    event = msgspec.structs.replace(delivered(None), occurred_at=long_ago)
    await publish(bus, event)
    await until_state(inventory_pool, event.aggregate_id, "ready")
    figures = await http.get(
        f"{stack.url('inventory')}/api/v1/open-data/impact.json",
        params={"from": "2002-06-01", "to": "2002-06-30"},
    )
    assert figures.status_code == 200, figures.text
    assert figures.json()["devices_collected"] == 0
