"""The workshop's pages as a person uses them: a donated device, a workshop, the bench board
signed in as a refurbisher, a device checked in to a work order."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.support.http import HTML, said
from tests.support.labels import issued_codes
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


def bearer(stack: Stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(stack, 'coordinator')}"}


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
            headers=bearer(stack),
        )
    assert answer.status_code == 201, answer.text
    return code


async def new_workshop(stack: Stack) -> str:
    async with httpx.AsyncClient(timeout=30) as http:
        answer = await http.post(
            f"{stack.url('refurbishment')}/api/v1/workshops",
            json={"name": f"Atelier {uuid.uuid4().hex[:6]}", "commune": "Roubaix"},
            headers=bearer(stack),
        )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


class Bench:
    """One person at the bench: a browser-like client signed in with their session cookie."""

    def __init__(self, stack: Stack, client: httpx.AsyncClient) -> None:
        self.base = stack.url("refurbishment")
        self.client = client

    async def page(self, path: str) -> httpx.Response:
        return await self.client.get(self.base + path)

    async def send(
        self,
        page_path: str,
        action: str,
        fields: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> httpx.Response:
        """Open the page, then send one of its forms with the page's CSRF token."""
        shown = await self.page(page_path)
        found = re.search(r'name="_csrf_token" value="([^"]+)"', shown.text)
        assert found, shown.text
        return await self.client.post(
            self.base + action, data={**(fields or {}), "_csrf_token": found.group(1)}, files=files
        )


@asynccontextmanager
async def at_bench(
    stack: Stack, role: str, workshop: str, subject: str = ""
) -> AsyncIterator[Bench]:
    token = token_for(stack, role, f"workshop:{workshop}", subject=subject or f"{role}-{workshop}")
    async with httpx.AsyncClient(
        timeout=30, headers=HTML, cookies={"boucle_session": token}
    ) as client:
        yield Bench(stack, client)


async def checked_in(bench: Bench, workshop: str, label: str) -> str:
    """Scan ``label`` in on the board (once the workshop knows it): the new work order's id."""

    async def scanned() -> str | None:
        answer = await bench.send(f"/atelier/{workshop}", f"/atelier/{workshop}/arrivees",
                                  {"label": label})  # fmt: skip
        if answer.status_code != 303:
            assert answer.status_code == 404, answer.text  # not known yet: said, then retried
            assert "Aucun point de collecte n'a encore enregistré" in said(answer)
            return None
        found = re.search(r"arrivee=([0-9a-f-]{36})", answer.headers["location"])
        assert found, answer.headers["location"]
        return found.group(1)

    order: str = await wait_for(scanned)
    return order


def order_path(order: str) -> str:
    return f"/atelier/commandes/{order}"
