"""A coordinator's group purchase in Chromium without JavaScript: a supplier added, a campaign
drafted with its price tiers (a gap refused first), opened, pledged by a social worker,
ordered, delivered and its labels shown, closed; then the same pages scanned by axe for
WCAG 2.2 AA, with the social worker's campaign pages."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from playwright.async_api import Page, expect

from boucle.devstack.stack import Stack
from tests.browser.conftest import OpenPage, signed_in
from tests.support.axe import assert_accessible
from tests.support.campaigns import in_a_week, waiting_need
from tests.support.households import Territory
from tests.support.stacks import token_for

Scan = Callable[[Page], Awaitable[None]]
LABEL = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$")


@pytest.fixture
async def territory(
    stack: Stack, http: httpx.AsyncClient, purchase_pool: asyncpg.Pool
) -> AsyncIterator[Territory]:
    opened = await Territory(stack, http).open()
    yield opened
    await opened.close(purchase_pool)


async def not_scanned(page: Page) -> None:
    return None


def worker_signed_in(territory: Territory, javascript: bool) -> dict[str, Any]:
    return signed_in(territory.worker["Authorization"].removeprefix("Bearer "), javascript)


async def add_supplier(page: Page, scan: Scan) -> str:
    name = f"Ateliers solidaires {uuid.uuid4().hex[:8]}"
    await page.get_by_role("link", name="Fournisseurs").first.click()
    await scan(page)
    await page.get_by_label("Nom", exact=True).fill(name)
    await page.get_by_label("Type de fournisseur").select_option("social_enterprise")
    await page.get_by_label("Personne ou adresse de commande").fill("commandes@example.org")
    await page.get_by_role("button", name="Ajouter le fournisseur").click()
    await expect(page.get_by_role("status")).to_contain_text("Le fournisseur est ajouté")
    await scan(page)
    return name


async def fill_tier(page: Page, row: int, start: str, end: str, price: str) -> None:
    await page.get_by_label(f"Palier {row} : à partir de (quantité)").fill(start)
    await page.get_by_label(f"Palier {row} : jusqu'à (quantité, facultatif)").fill(end)
    await page.get_by_label(f"Palier {row} : prix unitaire en euros").fill(price)


async def draft_campaign(page: Page, supplier: str, title: str, scan: Scan) -> None:
    """Fill the draft's form; a gap between the tiers is refused next to them first."""
    await page.get_by_role("link", name="Nouvelle campagne").click()
    await scan(page)
    await page.get_by_label("Titre (facultatif)").fill(title)
    await page.get_by_label("Type d'appareil").select_option("tablet")
    await page.get_by_label("Fournisseur", exact=True).select_option(label=supplier)
    await fill_tier(page, 1, "1", "2", "300")
    await fill_tier(page, 2, "4", "", "249,90")
    await page.get_by_label("Quantité minimale").fill("1")
    await page.get_by_label("Quantité maximale").fill("3")
    await page.get_by_label("Échéance des engagements").fill(in_a_week())
    await page.get_by_role("button", name="Enregistrer le brouillon").click()

    await expect(page.get_by_role("alert")).to_contain_text("Les paliers laissent un trou")
    await expect(page.get_by_label("Titre (facultatif)")).to_have_value(title)
    await scan(page)
    await page.get_by_label("Palier 2 : à partir de (quantité)").fill("3")
    await page.get_by_role("button", name="Enregistrer le brouillon").click()
    await expect(page.get_by_role("status")).to_contain_text("Le brouillon est enregistré")
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await scan(page)


async def pledge_as_social_worker(
    open_page: OpenPage, territory: Territory, url: str, need: dict[str, Any], scan: Scan
) -> None:
    javascript = scan is not not_scanned
    page = await open_page(**worker_signed_in(territory, javascript))
    await page.goto(url.rsplit("/", 1)[0])
    await scan(page)
    await page.goto(url)
    await page.get_by_label("Besoin en attente de votre structure").select_option(need["id"])
    await page.get_by_role("button", name="Inscrire ce besoin").click()
    await expect(page.get_by_role("status")).to_contain_text("Le besoin est inscrit")
    await expect(page.get_by_role("row", name=need["household_reference"])).to_contain_text("25,00")
    await scan(page)


async def journey(
    open_page: OpenPage, stack: Stack, territory: Territory, scan: Scan
) -> tuple[Page, str]:
    """From the purchases' home page to a closed campaign, ``scan`` run on every page."""
    need = await waiting_need(territory, low_income=True)
    javascript = scan is not not_scanned
    page = await open_page(**signed_in(token_for(stack, "coordinator"), javascript))
    await page.goto(f"{stack.url('group_purchase')}/achats")
    await scan(page)
    supplier = await add_supplier(page, scan)
    await page.get_by_role("link", name="Achats groupés").first.click()
    title = f"Tablettes {uuid.uuid4().hex[:6]}"
    await draft_campaign(page, supplier, title, scan)
    url = page.url.split("?")[0]

    await page.get_by_label("Annuler et libérer les engagements", exact=True).check()
    await page.get_by_role("button", name="Ouvrir la campagne").click()
    await expect(page.get_by_role("status")).to_contain_text("ouverte aux engagements")
    await scan(page)

    await pledge_as_social_worker(open_page, territory, url, need, scan)

    await page.goto(url)
    await expect(page.get_by_text("Le minimum est atteint")).to_be_visible()
    await expect(page.locator("tr[aria-current]")).to_contain_text("Palier actuel")
    await page.get_by_role("button", name="Passer la commande").click()
    await expect(page.get_by_role("status")).to_contain_text("La commande est passée")
    pdf = page.get_by_role("link", name=re.compile(r"Bon de commande .* \(PDF\)"))
    await expect(pdf).to_have_attribute("href", re.compile(r"/order\.pdf$"))
    await scan(page)

    await page.get_by_label("Nombre d'appareils livrés").fill("1")
    await page.get_by_role("button", name="Enregistrer la livraison").click()
    await expect(page.get_by_role("status")).to_contain_text("imprimez les étiquettes")
    labels = page.get_by_role("table", name="Étiquettes à imprimer")
    await expect(labels.locator("span.label-code")).to_have_text(LABEL)
    await expect(labels.get_by_role("row", name=need["household_reference"])).to_be_visible()
    await scan(page)
    await page.get_by_role("button", name="Clôturer la campagne").click()
    await expect(page.get_by_role("status")).to_contain_text("La campagne est clôturée")
    await scan(page)
    return page, url


async def test_a_coordinator_runs_a_campaign_from_draft_to_delivery_without_javascript(
    open_page: OpenPage, stack: Stack, territory: Territory
) -> None:
    page, _ = await journey(open_page, stack, territory, not_scanned)
    pdf = await page.get_by_role("link", name=re.compile(r"\(PDF\)$")).get_attribute("href")
    answer = await page.request.get(f"{stack.url('group_purchase')}{pdf}")
    assert answer.headers["content-type"] == "application/pdf"


async def test_every_page_of_the_campaign_journey_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, territory: Territory
) -> None:
    page, url = await journey(open_page, stack, territory, assert_accessible)
    for path in ("/achats?lang=en", "/achats/campagnes", "/achats/fournisseurs?lang=en"):
        await page.goto(f"{stack.url('group_purchase')}{path}")
        await assert_accessible(page)
    await page.goto(f"{url}?lang=en")
    await assert_accessible(page)
