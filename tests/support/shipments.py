"""A collection point's agent using the shipments API."""

from __future__ import annotations

from typing import Any

import httpx

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.labels import format_code
from tests.support.http import bearer
from tests.support.labels import issued_codes
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


class Point:
    """An agent of one collection point, using the JSON API."""

    def __init__(self, stack: Stack, http: httpx.AsyncClient, point: CollectionPoint) -> None:
        self.stack = stack
        self.base = stack.url("collection_point")
        self.http = http
        self.point = point
        self.headers = bearer(token_for(stack, "collector", f"collection_point:{point.id}"))

    @property
    def shipments(self) -> str:
        return f"{self.base}/api/v1/collection-points/{self.point.id}/shipments"

    async def donate(self) -> str:
        (code,) = await issued_codes(self.stack, self.http, self.point.id)
        answer = await self.http.post(
            f"{self.base}/api/v1/intakes",
            json={
                "label": format_code(code),
                "device_type": "laptop",
                "collection_point_id": str(self.point.id),
                "acknowledgements": {
                    "data_erasure": True,
                    "recycling": True,
                    "stickers_removed": True,
                },
            },
            headers=self.headers,
        )
        assert answer.status_code == 201, answer.text
        return code

    async def open_for(self, workshop: str) -> httpx.Response:
        return await self.http.post(
            self.shipments, json={"workshop_id": workshop}, headers=self.headers
        )

    async def opened_for(self, workshop: str) -> str:
        """Open a shipment once the point has learnt of the workshop: its id."""

        async def opened() -> str | None:
            answer = await self.open_for(workshop)
            if answer.status_code == 422:
                return None
            assert answer.status_code == 201, answer.text
            return str(answer.json()["id"])

        shipment: str = await wait_for(opened)
        return shipment

    async def pack(self, shipment: str, code: str) -> httpx.Response:
        return await self.http.post(
            f"{self.shipments}/{shipment}/devices",
            json={"label": format_code(code).lower()},
            headers=self.headers,
        )

    async def dispatch(self, shipment: str) -> httpx.Response:
        return await self.http.post(f"{self.shipments}/{shipment}/dispatch", headers=self.headers)

    async def shipment(self, shipment: str) -> dict[str, Any]:
        answer = await self.http.get(f"{self.shipments}/{shipment}", headers=self.headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body
