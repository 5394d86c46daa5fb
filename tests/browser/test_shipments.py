"""Shipments in Chromium without JavaScript: an agent opens a shipment for a workshop, scans two
labels with the keyboard (as a USB scanner types them) and dispatches it; the workshop scans
the devices in and closes the receipt. Every new page passes an axe scan (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.labels import format_code, generate_code
from tests.browser.conftest import OpenPage, signed_in
from tests.support.axe import SMALLEST_PHONE, assert_accessible
from tests.support.stacks import token_for
from tests.support.waiting import wait_for
from tests.support.workshop import donated_device, new_workshop


def collector(stack: Stack, point: CollectionPoint, javascript: bool = False) -> dict[str, Any]:
    return signed_in(token_for(stack, "collector", f"collection_point:{point.id}"), javascript)


def refurbisher(stack: Stack, workshop: str, javascript: bool = False) -> dict[str, Any]:
    return signed_in(token_for(stack, "refurbisher", f"workshop:{workshop}"), javascript)


async def open_shipment_page(
    page: Page, stack: Stack, point: CollectionPoint, workshop: str
) -> str:
    """From the counter, follow the link to the shipments and open one for ``workshop`` (once
    the point has learnt of it): the shipment page's URL."""
    await page.goto(f"{stack.url('collection_point')}/guichet?point={point.id}")
    await page.get_by_role("link", name="Envois vers les ateliers").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Envois vers les ateliers")

    async def listed() -> bool:
        await page.reload()
        return await page.locator(f'option[value="{workshop}"]').count() == 1

    await wait_for(listed, within=40, interval=0.5)
    await page.get_by_label("Atelier destinataire").select_option(workshop)
    await page.get_by_role("button", name="Ouvrir l'envoi").click()
    await expect(page.get_by_role("status")).to_contain_text("L'envoi est ouvert")
    return page.url.split("?")[0]


async def scan(page: Page, label: str, field: str = "Étiquette de l'appareil") -> None:
    """What a keyboard-wedge scanner does: type the code, then Enter."""
    await page.get_by_label(field).fill(label)
    await page.get_by_label(field).press("Enter")


async def test_an_agent_packs_two_devices_by_keyboard_and_the_workshop_receives_them(
    open_page: OpenPage, stack: Stack, collection_point: CollectionPoint
) -> None:
    first, second = [await donated_device(stack, collection_point) for _ in range(2)]
    workshop = await new_workshop(stack)
    page = await open_page(**collector(stack, collection_point))

    await open_shipment_page(page, stack, collection_point, workshop)
    await expect(page.get_by_label("Étiquette de l'appareil")).to_be_focused()
    await page.get_by_role("button", name="Expédier l'envoi").click()
    await expect(page.get_by_role("alert")).to_contain_text("L'envoi est vide")
    await scan(page, format_code(first).lower())
    await expect(page.get_by_role("status")).to_contain_text(f"{format_code(first)} est dans")
    await scan(page, second)
    await expect(page.get_by_role("status")).to_contain_text(f"{format_code(second)} est dans")
    await expect(page.get_by_role("heading", name="Dans le colis : 2 appareils")).to_be_visible()
    await page.get_by_role("button", name="Expédier l'envoi").click()
    await expect(page.get_by_role("status")).to_contain_text("L'envoi est parti")
    shipment_url = page.url.split("?")[0]

    bench = await open_page(**refurbisher(stack, workshop))
    answer = await bench.goto(f"{stack.url('refurbishment')}/atelier/{workshop}/arrivages")
    assert answer is not None and answer.status == 200

    async def arrived() -> bool:
        await bench.reload()
        return await bench.get_by_role("link", name=collection_point.name).count() == 1

    await wait_for(arrived, within=40, interval=0.5)
    await bench.get_by_role("link", name=collection_point.name).click()
    await scan(bench, format_code(first))
    await expect(bench.get_by_role("status")).to_contain_text("est reçu et enregistré")
    await bench.get_by_role("button", name="Clore la réception").click()
    await expect(bench.get_by_role("status")).to_contain_text("La réception est close")
    await expect(bench.get_by_text("Reçus : 1 ; manquants : 1 ; inattendus : 0.")).to_be_visible()

    async def flagged() -> bool:
        await page.goto(shipment_url)
        return await page.get_by_text("Reçu par l'atelier le").count() == 1

    await wait_for(flagged, within=40, interval=0.5)
    await expect(page.get_by_text("Manquant : non reçu par l'atelier")).to_be_visible()


@pytest.mark.parametrize("viewport", [None, SMALLEST_PHONE])
async def test_every_shipment_page_has_no_wcag_violation(
    open_page: OpenPage,
    stack: Stack,
    collection_point: CollectionPoint,
    viewport: dict[str, int] | None,
) -> None:
    first = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    sizing = {"viewport": viewport} if viewport else {}
    page = await open_page(**collector(stack, collection_point, javascript=True), **sizing)

    shipment_url = await open_shipment_page(page, stack, collection_point, workshop)
    await assert_accessible(page)  # open, empty
    await scan(page, format_code(generate_code()))
    await expect(page.get_by_role("alert")).to_be_visible()
    await assert_accessible(page)  # a refusal next to the field
    await scan(page, first)
    await assert_accessible(page)  # a device packed
    await page.get_by_role("button", name="Expédier l'envoi").click()
    await assert_accessible(page)  # dispatched
    await page.get_by_role("link", name="Retour aux envois").click()
    await assert_accessible(page)  # the list
    await page.get_by_label("Atelier destinataire").select_option("")
    await page.evaluate("document.querySelector('select').removeAttribute('required')")
    await page.get_by_role("button", name="Ouvrir l'envoi").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await assert_accessible(page)  # a refusal on the list

    bench = await open_page(**refurbisher(stack, workshop, javascript=True), **sizing)
    arrivals = f"{stack.url('refurbishment')}/atelier/{workshop}/arrivages"
    answer = await bench.goto(arrivals)
    assert answer is not None and answer.status == 200

    async def arrived() -> bool:
        await bench.reload()
        return await bench.get_by_role("link", name=collection_point.name).count() == 1

    await wait_for(arrived, within=40, interval=0.5)
    await assert_accessible(bench)  # the arrivals
    await bench.get_by_role("link", name=collection_point.name).click()
    await assert_accessible(bench)  # the receipt, open
    await scan(bench, "PAS-UNE-ETIQUETTE")
    await expect(bench.get_by_role("alert")).to_be_visible()
    await assert_accessible(bench)  # a refusal next to the field
    await bench.get_by_role("button", name="Clore la réception").click()
    await assert_accessible(bench)  # closed

    async def flagged() -> bool:
        await page.goto(shipment_url)
        return await page.get_by_text("Reçu par l'atelier le").count() == 1

    await wait_for(flagged, within=40, interval=0.5)
    await assert_accessible(page)  # received, with its flags
