"""Debian's Chromium driven by Playwright, and a real device whose passport the tests open."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.labels import format_code
from tests.support.labels import issued_codes
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

# The distribution's browser, never one downloaded by Playwright: CI installs it with apt.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests may run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PATIENCE_MS = 15_000
# what a page is expected to show may take as long as an action on a busy machine (the
# counter sending what it kept once the network is back): assertions wait as long
expect.set_options(timeout=PATIENCE_MS)

OpenPage = Callable[..., Awaitable[Page]]


def signed_in(token: str, javascript: bool = True) -> dict[str, Any]:
    """Browser context options where the bearer of ``token`` is signed in (its session cookie
    for every service on 127.0.0.1), with or without JavaScript."""
    cookie = {
        "name": "boucle_session",
        "value": token,
        "domain": "127.0.0.1",
        "path": "/",
        "expires": -1,
        "httpOnly": True,
        "secure": False,
        "sameSite": "Lax",
    }
    return {
        "storage_state": {"cookies": [cookie], "origins": []},
        "java_script_enabled": javascript,
    }


def bench_person(
    stack: Stack, role: str, workshop: str, subject: str, javascript: bool = False
) -> dict[str, Any]:
    """Context options of a browser where a person of ``workshop`` is signed in (and no
    JavaScript, unless an axe scan needs it)."""
    return signed_in(token_for(stack, role, f"workshop:{workshop}", subject=subject), javascript)


def signed_in_as_collector(stack: Stack, *points: CollectionPoint) -> dict[str, Any]:
    """Context options of a browser where a collector of ``points`` is signed in."""
    scopes = (f"collection_point:{point.id}" for point in points)
    return signed_in(token_for(stack, "collector", *scopes))


@dataclass(frozen=True)
class Passport:
    """A device registered through a real intake, as its donor would look it up."""

    code: str
    place_name: str
    url: str

    @property
    def code_display(self) -> str:
        return format_code(self.code)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if not CHROMIUM.exists():
        pytest.fail(
            f"the browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium"
        )
    return str(CHROMIUM)


@pytest.fixture(scope="session")
async def browser(chromium_executable: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def open_page(browser: Browser) -> AsyncIterator[OpenPage]:
    """Open a page in a fresh browser context (no cookies); options go to ``new_context``."""
    contexts: list[BrowserContext] = []

    async def opened(**context_options: Any) -> Page:
        context = await browser.new_context(**context_options)
        context.set_default_timeout(PATIENCE_MS)
        contexts.append(context)
        return await context.new_page()

    yield opened
    for context in contexts:
        await context.close()


@pytest.fixture
async def passport(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> Passport:
    """A laptop dropped off at ``collection_point`` and registered by inventory."""
    collector = token_for(stack, "collector", f"collection_point:{collection_point.id}")
    (code,) = await issued_codes(stack, http, collection_point.id)
    intake = await http.post(
        f"{stack.url('collection_point')}/api/v1/intakes",
        json={
            "label": format_code(code),
            "device_type": "laptop",
            "collection_point_id": str(collection_point.id),
            "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
        },
        headers={"Authorization": f"Bearer {collector}"},
    )
    assert intake.status_code == 201, intake.text
    await wait_in_inventory(stack, http, code, collector)
    return Passport(
        code=code,
        place_name=collection_point.name,
        url=f"{stack.url('inventory')}/d/{format_code(code)}",
    )


async def wait_in_inventory(stack: Stack, http: httpx.AsyncClient, code: str, token: str) -> None:
    """Wait until inventory knows the device labelled ``code`` (its intake's event applied)."""

    async def registered() -> bool:
        answer = await http.get(
            f"{stack.url('inventory')}/api/v1/devices/{code}",
            headers={"Authorization": f"Bearer {token}"},
        )
        return answer.status_code == 200

    await wait_for(registered)
