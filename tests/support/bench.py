"""The workshop's pages as a person uses them: the bench board signed in as a refurbisher, a
device checked in to a work order. (A donated device and a workshop to use: ``workshop``.)"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from playwright.async_api import Page

from boucle.devstack.stack import Stack
from tests.support.http import HTML, said
from tests.support.stacks import token_for
from tests.support.waiting import wait_for


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


async def open_step(page: Page, title: str) -> None:
    """Unfold the work order's step titled ``title``, as a person clicks its title (the
    page opens only the step to do now)."""
    step = page.locator("details.bench-step", has=page.get_by_role("heading", name=title))
    if await step.get_attribute("open") is None:
        await step.locator("summary").click()
