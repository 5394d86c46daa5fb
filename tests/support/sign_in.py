"""Signing in through the pages, as a person does: a login with a password, the form's
security token, the session cookie."""

from __future__ import annotations

import re
import uuid

import asyncpg
import httpx
import pytest

from boucle.devstack.stack import Stack
from services.group_purchase.accounts import handlers
from tests.support.purchase_units import accounts_on

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def login(purchase_pool: asyncpg.Pool) -> str:
    """A fresh collector account with a known password."""
    name = f"agent.{uuid.uuid4().hex[:8]}"
    await handlers.add_account(
        accounts_on(purchase_pool),
        name,
        "Agent de test",
        ("collector",),
        ("collection_point:x",),
        PASSWORD,
    )
    return name


async def csrf_of(client: httpx.AsyncClient, url: str) -> str:
    page = await client.get(url)
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient, stack: Stack, login: str, password: str = PASSWORD
) -> httpx.Response:
    base = stack.url("group_purchase")
    token = await csrf_of(client, f"{base}/auth/sign-in")
    return await client.post(
        f"{base}/auth/sign-in",
        data={"login": login, "password": password, "_csrf_token": token, "next": "/"},
    )
