"""The workshop's API as a client uses it: a donated device, a workshop, a check-in, and the
specs of an NVMe laptop. (The same steps through the pages, as a person: ``bench``.)"""

from __future__ import annotations

import uuid

import httpx

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.support.http import bearer
from tests.support.labels import issued_codes
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

NVME = {
    "media_type": "flash",
    "serial": "S35ENX0J000000",
    "level": "purge",
    "method": "crypto_erase",
    "tool": "nvme-cli",
    "tool_version": "2.8",
    "verification": "full",
    "started_at": "2026-11-28T09:00:00Z",
    "ended_at": "2026-11-28T09:03:00Z",
}


async def donated_device(stack: Stack, point: CollectionPoint, device_type: str = "laptop") -> str:
    """A device dropped off at ``point``: its label code (compact form)."""
    async with httpx.AsyncClient(timeout=30) as http:
        (code,) = await issued_codes(stack, http, point.id)
        answer = await http.post(
            f"{stack.url('collection_point')}/api/v1/intakes",
            json={
                "label": code,
                "device_type": device_type,
                "collection_point_id": str(point.id),
                "acknowledgements": {
                    "data_erasure": True,
                    "recycling": True,
                    "stickers_removed": True,
                },
            },
            headers=bearer(token_for(stack, "coordinator")),
        )
    assert answer.status_code == 201, answer.text
    return code


async def new_workshop(stack: Stack) -> str:
    """A workshop a coordinator opens in Roubaix: its id."""
    async with httpx.AsyncClient(timeout=30) as http:
        answer = await http.post(
            f"{stack.url('refurbishment')}/api/v1/workshops",
            json={"name": f"Atelier {uuid.uuid4().hex[:6]}", "commune": "Roubaix"},
            headers=bearer(token_for(stack, "coordinator")),
        )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def checked_in(stack: Stack, http: httpx.AsyncClient, workshop: str, code: str) -> str:
    refurbisher = token_for(stack, "refurbisher", f"workshop:{workshop}")

    async def check_in() -> dict | None:  # the workshop learns of the device from its event
        answer = await http.post(
            f"{stack.url('refurbishment')}/api/v1/check-ins",
            json={"workshop_id": workshop, "label": code},
            headers=bearer(refurbisher),
        )
        return answer.json() if answer.status_code == 201 else None

    return str((await wait_for(check_in))["id"])
