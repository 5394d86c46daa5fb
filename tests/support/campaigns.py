"""Group-purchase campaigns: needs waiting for one, their status, a deadline a week away."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Final

import asyncpg
import msgspec
import pytest

from services.group_purchase.campaigns.pricing import PriceTier
from shared.events import utc_now
from shared.web.pages import TIMEZONE
from tests.support.households import Territory

TYPE: Final = "tablet"  # a tablet need waits, as a campaign needs (see the fixture below)


@pytest.fixture(autouse=True)
async def no_tablet_ready_elsewhere(purchase_pool: asyncpg.Pool) -> None:
    """These tests need tablet needs to wait for a campaign: a tablet another test left ready
    (matching is global to a stack) is kept out of this module's matching."""
    await purchase_pool.execute(
        "UPDATE known_devices SET state = 'held_by_another_test' "
        "WHERE device_type = 'tablet' AND state = 'ready'"
    )


async def waiting_need(territory: Territory, **situation: Any) -> dict[str, Any]:
    household = await territory.household(**situation)
    request = await territory.request(household["id"], device_type=TYPE, purpose="procedures")
    need: dict[str, Any] = request["needs"][0]
    assert need["status"] == "waiting", need
    return need | {"household_reference": household["reference"], "request_id": request["id"]}


async def need_status(pool: asyncpg.Pool, need: dict[str, Any]) -> str:
    status: str = await pool.fetchval(
        "SELECT status FROM needs WHERE id = $1", uuid.UUID(need["id"])
    )
    return status


def in_a_week() -> str:
    return (utc_now().astimezone(TIMEZONE) + timedelta(days=7)).date().isoformat()


TIERS = [
    PriceTier(min_quantity=1, max_quantity=2, unit_price_cents=30_000),
    PriceTier(min_quantity=3, unit_price_cents=25_000),
]


class Api:
    def __init__(self, territory: Territory) -> None:
        self.territory = territory
        self.http = territory.http
        self.base = territory.api

    async def call(
        self, method: str, path: str, headers: dict[str, str], expected: int, **kwargs: Any
    ) -> Any:
        answer = await self.http.request(method, self.base + path, headers=headers, **kwargs)
        assert answer.status_code == expected, answer.text
        return answer.json() if "json" in answer.headers.get("content-type", "") else answer


async def http_campaign(api: Api, minimum: int, maximum: int, policy: str, **fields: Any) -> str:
    coordinator = api.territory.coordinator
    supplier_body = {"name": f"Tech Solidaire {uuid.uuid4().hex[:8]}", "kind": "refurbisher"}
    created_supplier = await api.call("POST", "/suppliers", coordinator, 201, json=supplier_body)
    draft = await api.call(
        "POST", "/campaigns/drafts", coordinator, 201, json={"device_type": TYPE}
    )
    assert draft["status"] == "draft" and draft["expected_quantity"] >= 1
    content = {
        "title": "Tablettes HTTP",
        "device_type": TYPE,
        "supplier_id": created_supplier["id"],
        "tiers": [msgspec.to_builtins(tier) for tier in TIERS],
        "minimum_quantity": minimum,
        "maximum_quantity": maximum,
        "deadline": (utc_now() + timedelta(days=5)).isoformat(),
        **fields,
    }
    await api.call("PUT", f"/campaigns/{draft['id']}", coordinator, 200, json=content)
    opened = await api.call(
        "POST",
        f"/campaigns/{draft['id']}/opening",
        coordinator,
        200,
        json={"deadline_policy": policy},
    )
    assert opened["status"] == "open"
    campaign_id: str = draft["id"]
    return campaign_id
