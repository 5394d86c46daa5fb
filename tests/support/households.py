"""A territory for request tests: an organisation, its social worker, households, and devices
made ready at a place of their own (so tests sharing one stack never take each other's)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from shared.contracts.refurbishment import DeviceCheckedIn, DeviceGraded, SpecsSummary
from shared.events import Event
from tests.support.register import Donation, publish, until_state
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


class DonationAt(Donation):
    """A donated laptop refurbished at ``place``, with the specs given."""

    def __init__(self, place: str, memory_gb: int = 8, storage_gb: int = 256) -> None:
        super().__init__()
        self.place = place
        self.memory_gb = memory_gb
        self.storage_gb = storage_gb

    def checked_in(self) -> Event:
        return self.workshop(DeviceCheckedIn, workshop_id=uuid.uuid4(), workshop_name=self.place)

    def graded(self) -> Event:
        specs = SpecsSummary(
            brand="Dell",
            model="Latitude 5490",
            memory_gb=self.memory_gb,
            storage_gb=self.storage_gb,
            screen_inches=14.0,
        )
        return self.workshop(DeviceGraded, grade="A", functional_pass=True, specs=specs)


class Territory:
    """One organisation of its own, a coordinator and a social worker of it, over real HTTP."""

    def __init__(self, stack: Stack, http: httpx.AsyncClient) -> None:
        self.stack = stack
        self.http = http
        self.api = stack.url("group_purchase") + "/api/v1"
        self.coordinator = {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}
        self.place = f"Atelier test {uuid.uuid4().hex[:6]}"
        self.organisation_id = ""
        self.worker: dict[str, str] = {}

    async def open(self, monthly_quota: int | None = None) -> Territory:
        answer = await self.http.post(
            f"{self.api}/organisations",
            json={
                "name": f"CCAS test {uuid.uuid4().hex[:8]}",
                "contact": "03 20 00 00 00",
                "commune": "Roubaix",
                "monthly_quota": monthly_quota,
            },
            headers=self.coordinator,
        )
        assert answer.status_code == 201, answer.text
        self.organisation_id = answer.json()["id"]
        self.worker = self.worker_of(self.organisation_id)
        return self

    def worker_of(self, organisation_id: str, name: str = "") -> dict[str, str]:
        token = token_for(
            self.stack,
            "social_worker",
            f"organisation:{organisation_id}",
            subject=name or f"worker-{uuid.uuid4().hex[:6]}",
        )
        return {"Authorization": f"Bearer {token}"}

    async def household(self, **situation: Any) -> dict[str, Any]:
        answer = await self.http.post(
            f"{self.api}/households",
            json={
                "organisation_id": self.organisation_id,
                "commune": "Roubaix",
                "contact_name": "Famille Exemple",
                "contact_phone": "06 12 34 56 78",
                "situation": situation,
                "consent": True,
            },
            headers=self.worker,
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def request(self, household_id: str, **need: Any) -> dict[str, Any]:
        answer = await self.http.post(
            f"{self.api}/requests",
            json={
                "household_id": household_id,
                "needs": [
                    {"device_type": "laptop", "purpose": "school", "pickup_place": self.place}
                    | need
                ],
            },
            headers=self.worker,
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def confirm(
        self, need: dict[str, Any], headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """Confirm the proposal the need had when it was read."""
        return await self.http.post(
            f"{self.api}/needs/{need['id']}/confirmation",
            json={"proposal_id": need["proposal"]["id"]},
            headers=headers or self.worker,
        )

    async def view(self, request_id: str) -> dict[str, Any]:
        answer = await self.http.get(f"{self.api}/requests/{request_id}", headers=self.worker)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def need_when(self, request_id: str, status: str) -> dict[str, Any]:
        async def reached() -> dict[str, Any] | None:
            need: dict[str, Any] = (await self.view(request_id))["needs"][0]
            return need if need["status"] == status else None

        found: dict[str, Any] = await wait_for(reached, within=40)
        return found

    async def match(self) -> dict[str, Any]:
        answer = await self.http.post(f"{self.api}/matching/runs", headers=self.coordinator)
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def ready_device(
        self,
        bus: JetStreamContext,
        inventory_pool: asyncpg.Pool,
        purchase_pool: asyncpg.Pool,
        **specs: int,
    ) -> DonationAt:
        """A laptop ready at this territory's place, known to group_purchase."""
        donation = DonationAt(self.place, **specs)
        await publish(
            bus,
            donation.received(),
            donation.checked_in(),
            donation.erased(),
            donation.graded(),
            donation.released(),
        )
        await until_state(inventory_pool, donation.id, "ready")

        async def known() -> bool:
            state = await purchase_pool.fetchval(
                "SELECT state FROM known_devices WHERE device_id = $1 AND grade <> ''",
                donation.id,
            )
            return bool(state == "ready")

        await wait_for(known, within=40)
        return donation

    async def reserved(
        self,
        bus: JetStreamContext,
        inventory_pool: asyncpg.Pool,
        purchase_pool: asyncpg.Pool,
        **situation: Any,
    ) -> tuple[DonationAt, dict[str, Any], dict[str, Any]]:
        """A laptop made ready, a new household's request for one, its proposal confirmed and
        the reservation confirmed by inventory: (the device, the household, the request)."""
        device = await self.ready_device(bus, inventory_pool, purchase_pool)
        household = await self.household(**situation)
        request = await self.request(household["id"])
        await self.confirm(request["needs"][0])
        await self.need_when(request["id"], "reserved")
        return device, household, request

    async def close(self, purchase_pool: asyncpg.Pool) -> None:
        """Leave no open need behind (pledged ones included: a campaign settled later would
        make them wait again): another test's matching must not see this one's."""
        await purchase_pool.execute(
            "UPDATE needs SET status = 'cancelled' FROM requests r "
            "WHERE r.id = needs.request_id AND r.organisation_id = $1 "
            "AND needs.status IN ('submitted', 'proposed', 'waiting', 'pledged')",
            uuid.UUID(self.organisation_id),
        )
        await purchase_pool.execute(
            "UPDATE proposals SET status = 'withdrawn' FROM needs n JOIN requests r "
            "ON r.id = n.request_id WHERE n.id = proposals.need_id "
            "AND r.organisation_id = $1 AND proposals.status = 'open'",
            uuid.UUID(self.organisation_id),
        )


@pytest.fixture
async def territory(
    stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> AsyncIterator[Territory]:
    opened = await Territory(stack, http).open()
    yield opened
    await opened.close(purchase_pool)
