"""A social worker's journey through the request pages in Chromium: a household registered,
a request filed, the proposal and its reasons read, confirmed, reserved, handed over and its
receipt printed — without JavaScript; then the same pages scanned by axe for WCAG 2.2 AA."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext
from playwright.async_api import Page, expect

from boucle.devstack.stack import Stack
from shared.labels import format_code
from tests.browser.conftest import OpenPage, signed_in
from tests.support.axe import SMALLEST_PHONE, assert_accessible
from tests.support.households import Territory
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

Scan = Callable[[Page], Awaitable[None]]


@pytest.fixture
async def territory(
    stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> AsyncIterator[Territory]:
    opened = await Territory(stack, http).open()
    yield opened
    await opened.close(purchase_pool)


def worker_signed_in(territory: Territory, javascript: bool = False) -> dict[str, object]:
    token = territory.worker["Authorization"].removeprefix("Bearer ")
    return signed_in(token, javascript)


async def not_scanned(page: Page) -> None:
    return None


async def scanned_on_a_small_phone(page: Page) -> None:
    """No WCAG 2.2 AA violation, and nothing wider than a 320-pixel screen (reflow)."""
    await assert_accessible(page)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 320, page.url


async def reload_until_reserved(page: Page) -> None:
    """Follow the "Actualiser" link (no script refreshes the page) until the device is held."""

    async def reserved() -> bool:
        if await page.get_by_text("Réservé jusqu'au").count():
            return True
        refresh = page.get_by_role("link", name="Actualiser")
        if await refresh.count():
            await refresh.click()
        else:
            await page.reload()
        return False

    await wait_for(reserved, within=40, interval=0.5)


async def journey(page: Page, stack: Stack, territory: Territory, label: str, scan: Scan) -> None:
    """From the households' page to the receipt, with ``scan`` run on every page shown."""
    await page.goto(f"{stack.url('group_purchase')}/demandes")
    await scan(page)
    await page.get_by_role("link", name="Enregistrer un foyer").click()
    await scan(page)
    await page.get_by_label("Commune").fill("Roubaix")
    await page.get_by_label("Enfants scolarisés (nombre)").fill("2")
    await page.get_by_label("Aucun ordinateur à la maison").check()
    await page.get_by_label("Avec un téléphone seulement").check()
    await page.get_by_role("button", name="Enregistrer le foyer").click()
    await expect(page.get_by_role("alert")).to_contain_text("Le consentement du foyer")
    await expect(page.get_by_label("Commune")).to_have_value("Roubaix")
    await scan(page)
    await page.get_by_label("Le foyer a donné son accord").check()
    await page.get_by_role("button", name="Enregistrer le foyer").click()

    await expect(page.get_by_role("status")).to_contain_text("Le foyer est enregistré")
    await scan(page)
    await page.get_by_label("Type d'appareil").select_option("laptop")
    await page.get_by_label("Pour quoi faire").select_option("school")
    await page.get_by_label("Mémoire minimale").select_option("4")
    await page.get_by_label("Lieu de retrait souhaité").fill(territory.place)
    await page.get_by_role("button", name="Déposer la demande").click()

    await expect(page.get_by_role("status")).to_contain_text("La demande est déposée")
    await expect(page.get_by_text(label)).to_be_visible()
    reasons = page.locator("ul.reasons")
    await expect(reasons).to_contain_text("Mémoire : 8 Go (au moins 4 Go demandés)")
    await expect(reasons).to_contain_text(f"Déjà au lieu de retrait choisi : {territory.place}")
    await expect(page.get_by_text("Enfants scolarisés : 2 × 15 = 30 points")).to_be_visible()
    await scan(page)
    await page.get_by_role("button", name="Confirmer").click()

    await expect(page.get_by_role("status")).to_contain_text("C'est confirmé")
    await scan(page)
    await reload_until_reserved(page)
    await scan(page)
    await page.get_by_role("button", name="Enregistrer la remise").click()

    await expect(page.get_by_role("status")).to_contain_text("La remise est enregistrée")
    receipt = page.get_by_role("link", name="Reçu de remise à imprimer (PDF)")
    await expect(receipt).to_have_attribute("href", re.compile(r"^/demandes/besoins/.+/recu\.pdf$"))
    await scan(page)


async def test_a_social_worker_goes_from_registration_to_receipt_without_javascript(
    open_page: OpenPage,
    stack: Stack,
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    device = await territory.ready_device(bus, inventory_pool, purchase_pool)
    page = await open_page(**worker_signed_in(territory))
    await journey(page, stack, territory, format_code(device.label), not_scanned)

    receipt = await page.get_by_role("link", name="Reçu de remise à imprimer (PDF)").get_attribute(
        "href"
    )
    answer = await page.request.get(f"{stack.url('group_purchase')}{receipt}")
    assert answer.headers["content-type"] == "application/pdf"


async def test_every_page_of_the_journey_has_no_wcag_violation_on_a_small_phone(
    open_page: OpenPage,
    stack: Stack,
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    device = await territory.ready_device(bus, inventory_pool, purchase_pool)
    page = await open_page(viewport=SMALLEST_PHONE, **worker_signed_in(territory, True))
    await journey(page, stack, territory, format_code(device.label), scanned_on_a_small_phone)
    await page.goto(f"{stack.url('group_purchase')}/demandes/file")
    await scanned_on_a_small_phone(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_coordination_pages_and_the_criteria_have_no_wcag_violation(
    open_page: OpenPage, stack: Stack, territory: Territory, lang: str
) -> None:
    household = (await territory.household(single_parent=True))["id"]
    await territory.request(household, device_type="printer")
    base = stack.url("group_purchase")
    page = await open_page(**signed_in(token_for(stack, "coordinator"), True))
    for path in ("/demandes/file", "/demandes/organisations", "/demandes"):
        await page.goto(f"{base}{path}?lang={lang}")
        await assert_accessible(page)
    await page.get_by_role("link", name="Structures" if lang == "fr" else "Organisations").click()
    await page.get_by_label("Nom" if lang == "fr" else "Name", exact=True).fill("X")
    await page.get_by_role(
        "button", name="Créer la structure" if lang == "fr" else "Create the organisation"
    ).click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await assert_accessible(page)
    anonymous = await open_page()
    await anonymous.goto(f"{base}/demandes/criteres?lang={lang}")
    await assert_accessible(anonymous)
