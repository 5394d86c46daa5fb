"""A social worker's desk: the request pages read with her session."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from boucle.devstack.stack import Stack
from tests.support.http import HTML


class Desk:
    """One person at the request pages: a browser-like client signed in with a cookie."""

    def __init__(self, stack: Stack, client: httpx.AsyncClient) -> None:
        self.base = stack.url("group_purchase")
        self.client = client

    async def page(self, path: str) -> httpx.Response:
        return await self.client.get(self.base + path)

    async def send(
        self, page_path: str, action: str, fields: dict[str, str] | None = None
    ) -> httpx.Response:
        """Open the page, then send one of its forms with the page's CSRF token."""
        shown = await self.page(page_path)
        found = re.search(r'name="_csrf_token" value="([^"]+)"', shown.text)
        assert found, shown.text
        return await self.client.post(
            self.base + action, data={**(fields or {}), "_csrf_token": found.group(1)}
        )


@asynccontextmanager
async def desk_of(stack: Stack, token: str) -> AsyncIterator[Desk]:
    async with httpx.AsyncClient(
        timeout=30, headers=HTML, cookies={"boucle_session": token}
    ) as client:
        yield Desk(stack, client)


def token_of(headers: dict[str, str]) -> str:
    """The bearer token of a territory's worker, to put in a session cookie."""
    return headers["Authorization"].removeprefix("Bearer ")
