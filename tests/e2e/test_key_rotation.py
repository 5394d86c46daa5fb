"""Key rotation on real processes: `boucle keys rotate` while people are signed in ends no
session, and after `boucle keys revoke` every service refuses the revoked key's tokens."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from boucle.devstack.stack import Stack
from services.group_purchase.accounts import handlers
from shared.auth import issue_token, load_private_key
from shared.db import create_pool
from shared.keys import signing_kid
from tests.support.http import HTML
from tests.support.purchase_units import accounts_on
from tests.support.sign_in import PASSWORD, sign_in
from tests.support.stacks import running_stack

# A route of each service that only a signed-in admin reaches (404: nothing by that id).
GUARDED = {
    "inventory": "/api/v1/devices/K7Q2M9XBA",
    "collection_point": f"/api/v1/intakes/{uuid.UUID(int=1)}",
    "refurbishment": f"/api/v1/work-orders/{uuid.UUID(int=1)}",
    "group_purchase": "/api/v1/accounts",
}


@pytest.fixture(scope="module")
def rotating(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: its keys change under the tests."""
    with running_stack(tmp_path_factory.mktemp("rotating")) as started:
        yield started


@pytest.fixture
async def admin_login(rotating: Stack) -> str:
    pool = await create_pool(rotating.postgres.dsn, "purchase", 1, 2)
    login = f"admin.{uuid.uuid4().hex[:8]}"
    try:
        await handlers.add_account(
            accounts_on(pool), login, "Admin de test", ("admin",), (), PASSWORD
        )
    finally:
        await pool.close()
    return login


@pytest.fixture
async def browser(rotating: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30, headers=HTML) as client:
        yield client


def keys_command(stack: Stack, *words: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "boucle.cli", "keys", "--keys", str(stack.keys_dir), *words],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def answers(
    client: httpx.AsyncClient, stack: Stack, token: str | None = None
) -> dict[str, int]:
    """Each service's status for its guarded route, with the client's cookies or ``token``."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return {
        service: (await client.get(f"{stack.url(service)}{path}", headers=headers)).status_code
        for service, path in GUARDED.items()
    }


async def refused_everywhere(client: httpx.AsyncClient, stack: Stack, token: str) -> bool:
    """Each service reads the key ring within a second of its change."""
    deadline = time.monotonic() + 5
    while set((await answers(client, stack, token)).values()) != {401}:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True


def session_token(client: httpx.AsyncClient) -> str:
    return str(client.cookies.get("boucle_session", domain="127.0.0.1"))


def session_kid(client: httpx.AsyncClient) -> str:
    return session_token(client).split(".")[0]


async def signed_in(client: httpx.AsyncClient, stack: Stack, login: str) -> tuple[str, str]:
    """The key id and the token of a session just opened."""
    assert (await sign_in(client, stack, login)).status_code == 303
    return session_kid(client), session_token(client)


async def test_sessions_survive_a_rotation_and_the_old_key_is_retired_later(
    rotating: Stack, browser: httpx.AsyncClient, admin_login: str
) -> None:
    assert (await sign_in(browser, rotating, admin_login)).status_code == 303
    old_kid = session_kid(browser)
    assert old_kid == signing_kid(rotating.keys_dir)
    assert 401 not in (await answers(browser, rotating)).values()
    expiring = issue_token(load_private_key(rotating.keys_dir), "x", ("admin",), ttl_seconds=-5)

    shown = keys_command(rotating, "rotate")

    new_kid = signing_kid(rotating.keys_dir)
    assert new_kid != old_kid
    assert f"key {old_kid} signs no more; trusted until" in shown
    # The session signed by the old key still opens every service.
    assert 401 not in (await answers(browser, rotating)).values()
    # Its token expiring after the rotation is renewed, now signed with the new key.
    browser.cookies.set("boucle_session", expiring, domain="127.0.0.1", path="/")
    page = await browser.get(
        f"{rotating.url('group_purchase')}/auth/password", follow_redirects=True
    )
    assert page.status_code == 200
    assert session_kid(browser) == new_kid
    assert 401 not in (await answers(browser, rotating)).values()


async def test_a_revoked_keys_tokens_are_refused_by_every_service_at_once(
    rotating: Stack, browser: httpx.AsyncClient, admin_login: str
) -> None:
    leaked_kid, leaked = await signed_in(browser, rotating, admin_login)
    keys_command(rotating, "rotate")
    assert 401 not in (await answers(browser, rotating, leaked)).values()
    async with httpx.AsyncClient(timeout=30, headers=HTML) as other:
        _, current = await signed_in(other, rotating, admin_login)

    shown = keys_command(rotating, "revoke", leaked_kid)

    assert f"key {leaked_kid} revoked" in shown
    assert await refused_everywhere(browser, rotating, leaked)
    assert 401 not in (await answers(browser, rotating, current)).values()


async def test_revoking_the_signing_key_refuses_its_tokens_and_people_sign_in_again(
    rotating: Stack, browser: httpx.AsyncClient, admin_login: str
) -> None:
    leaked_kid, leaked = await signed_in(browser, rotating, admin_login)
    assert leaked_kid == signing_kid(rotating.keys_dir)

    keys_command(rotating, "revoke", leaked_kid)

    assert await refused_everywhere(browser, rotating, leaked)
    browser.cookies.clear()
    assert (await sign_in(browser, rotating, admin_login)).status_code == 303
    assert session_kid(browser) not in (leaked_kid, "None")
    assert 401 not in (await answers(browser, rotating)).values()


def test_the_keys_folder_holds_no_other_private_key(rotating: Stack) -> None:
    private = [path.name for path in Path(rotating.keys_dir).rglob("*.pem")]
    assert private == ["auth-ed25519.pem"]
