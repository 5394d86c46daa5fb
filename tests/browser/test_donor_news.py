"""The page a donor's mail links to, to stop the news of their donations, in Chromium: used
without JavaScript, light, with no WCAG 2.2 AA violation in French and English."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest
from playwright.async_api import expect

from boucle.devstack.stack import Stack
from services.collection_point import consumers
from services.collection_point.domain import CollectionPoint
from shared.contracts.inventory import DeviceStateChanged
from shared.db import transaction
from tests.browser.conftest import OpenPage
from tests.support.axe import assert_accessible
from tests.support.labels import issued_codes
from tests.support.stacks import token_for

LIGHT = 50_000  # bytes a page may weigh
ACKNOWLEDGED = {"data_erasure": True, "recycling": True, "stickers_removed": True}


async def donors_news(
    stack: Stack, http: httpx.AsyncClient, point: CollectionPoint, pool: asyncpg.Pool
) -> str:
    """A donor who agreed, told that their laptop is ready; the token of that mail."""
    (code,) = await issued_codes(stack, http, point.id)
    token = token_for(stack, "collector", f"collection_point:{point.id}")
    answer = await http.post(
        f"{stack.url('collection_point')}/api/v1/intakes",
        json={
            "label": code,
            "device_type": "laptop",
            "collection_point_id": str(point.id),
            "acknowledgements": ACKNOWLEDGED,
            "contact": {"email": f"don-{uuid.uuid4().hex[:6]}@example.org", "news": True},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.text
    intake = answer.json()
    ready = DeviceStateChanged(
        producer="inventory",
        aggregate_id=uuid.UUID(intake["device_id"]),
        label=code,
        to_state="ready",
    )
    async with transaction(pool) as connection:
        await consumers.apply(connection, [ready])
    found = await pool.fetchval(
        "SELECT unsubscribe_token FROM notifications WHERE recipient = $1",
        f"donor:{intake['id']}",
    )
    return str(found)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_donors_unsubscribe_page_works_without_javascript_and_is_accessible(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
    lang: str,
) -> None:
    token = await donors_news(stack, http, collection_point, collection_pool)
    url = f"{stack.url('collection_point')}/dons/desabonnement/{token}?lang={lang}"
    scanned = await open_page()
    answer = await scanned.goto(url)
    assert answer is not None and answer.status == 200
    assert len(await answer.body()) < LIGHT
    await assert_accessible(scanned)

    page = await open_page(java_script_enabled=False)
    await page.goto(url)
    button = "Me désabonner" if lang == "fr" else "Unsubscribe me"
    await page.get_by_role("button", name=button).click()
    done = "vous ne recevrez plus" if lang == "fr" else "you will no longer receive"
    await expect(page.get_by_role("status")).to_contain_text(done)
    await scanned.get_by_role("button", name=button).click()  # twice is once
    await expect(scanned.get_by_role("status")).to_contain_text(done)
    await assert_accessible(scanned)  # axe runs in the page: the scanned one has JavaScript
    news = await collection_pool.fetchval(
        "SELECT c.news FROM notifications n JOIN donor_contacts c "
        "ON n.recipient = 'donor:' || c.intake_id::text WHERE n.unsubscribe_token = $1",
        uuid.UUID(token),
    )
    assert news is False
