"""Group-purchase campaigns: needs waiting for one, their status, a deadline a week away."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Final

import asyncpg
import pytest

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
