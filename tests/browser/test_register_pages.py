"""The coordination's register pages in Chromium without JavaScript: searching devices and
paging through them, the funnel, refused facts, dead letters replayed with one button; and
no WCAG 2.2 AA violation on any of them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import nats
import pytest
from playwright.async_api import expect

from boucle.devstack.stack import Stack
from shared.contracts.collection import DeviceReceived
from shared.labels import format_code, generate_code
from tests.browser.conftest import OpenPage, signed_in
from tests.support.axe import assert_accessible
from tests.support.dead_letters import dead_lettered_check_in, register
from tests.support.register import (
    Donation,
    publish,
    rejections,
    until_state,
)
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

PAGES = ["/registre", "/registre/flux", "/registre/refus", "/registre/lettres-mortes"]


def coordinator(stack: Stack, javascript: bool = False) -> dict[str, Any]:
    return signed_in(token_for(stack, "coordinator"), javascript=javascript)


@pytest.fixture(scope="module")
async def waiting_letter(stack: Stack) -> AsyncIterator[dict[str, Any]]:
    """A dead letter nobody replayed, so that the list shows a "Rejouer" button."""
    async with httpx.AsyncClient(timeout=30) as http:
        _, letter = await dead_lettered_check_in(stack, http)
    yield letter


async def devices_at(stack: Stack, pool: asyncpg.Pool, place: str, count: int) -> list[str]:
    """``count`` tablets registered at ``place``, through the bus like real donations."""
    events = [
        DeviceReceived(
            producer="collection_point",
            aggregate_id=uuid.uuid4(),
            intake_id=uuid.uuid4(),
            label=generate_code(),
            device_type="tablet",
            collection_point_id=uuid.uuid4(),
            collection_point_name=place,
        )
        for _ in range(count)
    ]
    client = await nats.connect(stack.nats.url)
    try:
        await publish(client.jetstream(), *events)
    finally:
        await client.close()

    async def registered() -> bool:
        found = await pool.fetchval("SELECT count(*) FROM devices WHERE place_name = $1", place)
        return bool(found == count)

    await wait_for(registered, within=60)
    return [event.label for event in events]


async def test_a_coordinator_filters_the_register_and_reaches_the_next_page(
    open_page: OpenPage, stack: Stack, inventory_pool: asyncpg.Pool
) -> None:
    place = f"Ressourcerie du test {uuid.uuid4().hex[:6]}"
    labels = await devices_at(stack, inventory_pool, place, 101)
    page = await open_page(**coordinator(stack))
    await page.goto(f"{stack.url('inventory')}/registre")
    await page.get_by_label("Étape", exact=True).select_option("received")
    await page.get_by_label("Lieu", exact=True).fill(place)
    await page.get_by_role("button", name="Chercher").click()

    rows = page.get_by_role("region", name="Appareils trouvés").locator("tbody tr")
    await expect(rows).to_have_count(100)
    await expect(rows.first).to_contain_text("Reçu dans un point de collecte")
    await expect(rows.first).to_contain_text("Tablette")
    first_label = rows.first.get_by_role("link")
    assert (await first_label.inner_text()).replace("-", "") in labels
    assert (await first_label.get_attribute("href") or "").startswith("/d/")

    await page.get_by_role("link", name="Page suivante").click()
    await expect(rows).to_have_count(1)
    await expect(page.get_by_role("link", name="Page suivante")).to_have_count(0)
    await expect(page.get_by_label("Lieu", exact=True)).to_have_value(place)
    await page.get_by_role("link", name="Retour à la première page").click()
    await expect(rows).to_have_count(100)


async def test_a_wrong_filter_is_explained_next_to_its_field(
    open_page: OpenPage, stack: Stack
) -> None:
    page = await open_page(**coordinator(stack, javascript=True))
    answer = await page.goto(f"{stack.url('inventory')}/registre?stuck_days=trois")
    assert answer is not None and answer.status == 422
    field = page.get_by_label("Dans la même étape depuis plus de (jours)")
    await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_role("alert")).to_contain_text("nombre entier de jours")
    await assert_accessible(page)


async def test_the_funnel_counts_devices_at_each_stage(
    open_page: OpenPage, stack: Stack, inventory_pool: asyncpg.Pool
) -> None:
    await devices_at(stack, inventory_pool, f"Tiers-lieu {uuid.uuid4().hex[:6]}", 1)
    page = await open_page(**coordinator(stack))
    await page.goto(f"{stack.url('inventory')}/registre/flux")
    table = page.get_by_role("table", name="Appareils par étape et temps passé dans l'étape")
    await expect(table.get_by_role("rowheader")).to_have_count(9)
    received = table.get_by_role("row").filter(has_text="Reçu dans un point de collecte")
    assert int(await received.locator("data").get_attribute("value") or 0) >= 1
    await received.get_by_role("link").click()
    await expect(page.get_by_label("Étape", exact=True)).to_have_value("received")


async def test_a_refused_fact_is_listed_with_its_device_and_reason(
    open_page: OpenPage, stack: Stack, inventory_pool: asyncpg.Pool
) -> None:
    donation = Donation()
    client = await nats.connect(stack.nats.url)
    try:
        bus = client.jetstream()
        await publish(bus, donation.received(), donation.checked_in(), donation.graded())
        await publish(bus, donation.released())  # no erasure certificate: refused
    finally:
        await client.close()
    await wait_for(lambda: rejections(inventory_pool, donation.id), within=40)
    page = await open_page(**coordinator(stack))
    await page.goto(f"{stack.url('inventory')}/registre/refus")
    row = page.get_by_role("row").filter(has_text=format_code(donation.label))
    await expect(row).to_contain_text("refurbishment.device.released")
    await expect(row).to_contain_text("En reconditionnement")
    await expect(row).to_contain_text("aucun certificat d'effacement")


async def test_a_dead_letter_is_replayed_with_its_button_and_only_once(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient, inventory_pool: asyncpg.Pool
) -> None:
    donation, letter = await dead_lettered_check_in(stack, http)
    await register(stack, donation, inventory_pool)
    url = f"{stack.url('inventory')}/registre/lettres-mortes"
    number = letter["dlq_seq"]
    first = await open_page(**coordinator(stack))
    second = await open_page(**coordinator(stack, javascript=True))
    for tab in (first, second):
        await tab.goto(url)
    row = first.get_by_role("row").filter(has=first.locator(f"#lettre-{number}"))
    await expect(row).to_contain_text("Trop de tentatives")
    await expect(row).to_contain_text("refurbishment.device.checked_in")
    await expect(row).to_contain_text(letter["event_id"])

    await first.get_by_role("button", name=f"Rejouer la lettre n° {number}").click()
    await expect(first.get_by_role("status")).to_contain_text(f"La lettre n° {number} est rejouée")
    await expect(row).to_contain_text("Rejouée le")
    await expect(row.get_by_role("button")).to_have_count(0)
    scanned = await open_page(**coordinator(stack, javascript=True))
    await scanned.goto(first.url)
    await assert_accessible(scanned)
    await until_state(inventory_pool, donation.id, "in_refurbishment")

    async with second.expect_response(lambda answer: answer.request.method == "POST") as sent:
        await second.get_by_role("button", name=f"Rejouer la lettre n° {number}").click()
    assert (await sent.value).status == 409
    await expect(second.get_by_role("alert")).to_contain_text("déjà été rejouée")
    await assert_accessible(second)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", PAGES)
async def test_the_register_pages_have_no_wcag_violation(
    open_page: OpenPage,
    stack: Stack,
    inventory_pool: asyncpg.Pool,
    waiting_letter: dict[str, Any],
    path: str,
    lang: str,
) -> None:
    page = await open_page(**coordinator(stack, javascript=True))
    await page.goto(f"{stack.url('inventory')}{path}?lang={lang}")
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await assert_accessible(page)
