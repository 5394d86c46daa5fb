"""The shipment pages over real HTTP, as a browser sends them (session cookie, CSRF token,
forms): an agent opens a shipment for a workshop, scans labels into it and dispatches it; the
workshop scans the devices in and closes the receipt; the point sees what was missing or
unexpected. Refusals are said in words next to their field, with nothing changed."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.labels import format_code, generate_code
from tests.support.bench import at_bench
from tests.support.stacks import token_for
from tests.support.waiting import wait_for
from tests.support.workshop import donated_device, new_workshop

HTML = {"Accept": "text/html"}
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def said(answer: httpx.Response) -> str:
    return html.unescape(answer.text)


class Agent:
    """A collector's browser at one collection point."""

    def __init__(self, stack: Stack, client: httpx.AsyncClient, point: CollectionPoint) -> None:
        self.base = stack.url("collection_point")
        self.client = client
        self.shipments = f"/guichet/{point.id}/envois"

    async def page(self, path: str) -> httpx.Response:
        return await self.client.get(self.base + path)

    async def send(self, page_path: str, action: str, fields: dict[str, str]) -> httpx.Response:
        """Open the page, then send one of its forms with the page's CSRF token (and its
        hidden key, when it has one)."""
        shown = await self.page(page_path)
        token = CSRF.search(shown.text)
        assert token, shown.text
        key = re.search(r'name="key" value="([^"]+)"', shown.text)
        hidden = {"key": key.group(1)} if key else {}
        return await self.client.post(
            self.base + action, data={**hidden, **fields, "_csrf_token": token.group(1)}
        )

    async def open_shipment(self, workshop: str) -> str:
        """Open a shipment once the point knows the workshop: the shipment page's path."""

        async def opened() -> str | None:
            shown = await self.page(self.shipments)
            if workshop not in shown.text:
                return None
            answer = await self.send(self.shipments, self.shipments, {"workshop_id": workshop})
            assert answer.status_code == 303, answer.text
            return answer.headers["location"].split("?")[0]

        path: str = await wait_for(opened, within=40)
        return path


@asynccontextmanager
async def at_point(stack: Stack, point: CollectionPoint) -> AsyncIterator[Agent]:
    token = token_for(stack, "collector", f"collection_point:{point.id}", subject="sacha")
    async with httpx.AsyncClient(
        timeout=30, headers=HTML, cookies={"boucle_session": token}
    ) as client:
        yield Agent(stack, client, point)


async def test_an_agent_packs_and_dispatches_a_shipment_and_sees_what_the_workshop_received(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    first, second, stray = [await donated_device(stack, collection_point) for _ in range(3)]
    workshop = await new_workshop(stack)
    async with at_point(stack, collection_point) as agent:
        counter = await agent.page(f"/guichet?point={collection_point.id}")
        assert f'href="{agent.shipments}"' in counter.text
        shipment = await agent.open_shipment(workshop)

        empty = await agent.send(shipment, f"{shipment}/expedition", {})
        assert empty.status_code == 422
        assert "L'envoi est vide : scannez les appareils du colis" in said(empty)
        assert 'id="dispatch-error"' in empty.text

        for code in (first, second):
            added = await agent.send(shipment, f"{shipment}/appareils", {"label": code.lower()})
            assert added.status_code == 303, added.text
            shown = await agent.page(added.headers["location"])
            assert f"{format_code(code)} est dans le colis." in said(shown)

        unknown = generate_code()
        refused = await agent.send(shipment, f"{shipment}/appareils", {"label": unknown})
        assert refused.status_code == 422
        assert 'aria-invalid="true"' in refused.text
        assert f"ne porte l'étiquette {format_code(unknown)}" in said(refused)
        assert "Dans le colis : 2 appareils" in said(refused)

        dispatched = await agent.send(shipment, f"{shipment}/expedition", {})
        assert dispatched.status_code == 303, dispatched.text
        shown = await agent.page(dispatched.headers["location"])
        assert "L'envoi est parti" in said(shown)
        assert "Expédier l'envoi" not in said(shown)

        arrivals = f"/atelier/{workshop}/arrivages"
        async with at_bench(stack, "refurbisher", workshop) as bench:
            assert (await bench.page(arrivals)).status_code == 200

            async def listed() -> str | None:
                page = await bench.page(arrivals)
                found = re.search(rf'href="({arrivals}/[0-9a-f-]{{36}})"', page.text)
                return found.group(1) if found else None

            receipt = await wait_for(listed, within=40)
            for code in (first, stray):
                scanned = await bench.send(receipt, f"{receipt}/scans", {"label": code})
                assert scanned.status_code == 303, scanned.text
            shown = await bench.page(scanned.headers["location"])
            assert "n'était pas dans cet envoi" in said(shown)
            closed = await bench.send(receipt, f"{receipt}/cloture", {})
            assert closed.status_code == 303, closed.text
            shown = await bench.page(closed.headers["location"])
            assert "Reçus : 1 ; manquants : 1 ; inattendus : 1." in said(shown)

        async def flagged() -> httpx.Response | None:
            page = await agent.page(shipment)
            return page if "Reçu par l'atelier le" in said(page) else None

        page = await wait_for(flagged, within=40)
        assert "L'atelier signale des écarts. Manquants : 1 ; inattendus : 1." in (said(page))
        assert "Manquant : non reçu par l'atelier" in said(page)
        assert "Inattendu : reçu sans avoir été mis dans le colis" in said(page)


async def test_an_unknown_workshop_is_refused_next_to_the_field(
    stack: Stack, collection_point: CollectionPoint
) -> None:
    async with at_point(stack, collection_point) as agent:
        refused = await agent.send(
            agent.shipments, agent.shipments, {"workshop_id": str(uuid.uuid4())}
        )
        assert refused.status_code == 422
        assert "Cet atelier n'est pas connu du point" in said(refused)
        assert 'id="open-workshop_id-error"' in refused.text
        assert "Le point n'a encore préparé aucun envoi." in said(refused)
