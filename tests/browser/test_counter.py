"""The counter page in Chromium: a collector registers a donation with the keyboard (or a
USB scanner that types like one), with or without JavaScript; no WCAG violation."""

from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from playwright.async_api import Page, expect

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from services.collection_point.store import PointStore
from shared.labels import format_code, generate_code
from tests.browser.conftest import OpenPage, signed_in_as_collector
from tests.support.axe import SMALLEST_PHONE, assert_accessible
from tests.support.labels import issued_codes

ACKNOWLEDGED = "Le donateur a été informé de ces trois points et les accepte"


async def open_counter(
    open_page: OpenPage, stack: Stack, point: CollectionPoint, **options: Any
) -> Page:
    page = await open_page(**{**signed_in_as_collector(stack, point), **options})
    answer = await page.goto(f"{stack.url('collection_point')}/guichet?point={point.id}")
    assert answer is not None and answer.status == 200
    return page


async def test_without_javascript_a_typed_code_and_enter_register_the_donation(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    code = format_code((await issued_codes(stack, http, collection_point.id))[0])
    page = await open_counter(open_page, stack, collection_point, java_script_enabled=False)
    label = page.get_by_label("Étiquette", exact=True)
    await expect(label).to_be_focused()
    await expect(page.get_by_label("Ordinateur portable")).to_be_checked()

    await page.get_by_label(ACKNOWLEDGED).check()
    await label.fill(code.lower())
    await label.press("Enter")

    await expect(page.get_by_role("status")).to_have_text(f"Ordinateur portable {code} enregistré")
    await expect(page.get_by_role("table")).to_contain_text(code)
    await expect(page.get_by_label("Étiquette", exact=True)).to_have_value("")
    await expect(page.get_by_label("Étiquette", exact=True)).to_be_focused()


async def test_with_javascript_a_keyboard_wedge_scanner_types_into_the_label_field(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    (code,) = await issued_codes(stack, http, collection_point.id)
    page = await open_counter(open_page, stack, collection_point)

    await page.get_by_label(ACKNOWLEDGED).check()  # the focus goes back to the label field
    await page.keyboard.type(f"HTTPS://{stack.public_host.upper()}/D/{code}")
    await page.keyboard.press("Enter")

    await expect(page.get_by_role("status")).to_have_text(
        f"Ordinateur portable {format_code(code)} enregistré"
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_counter_page_has_no_wcag_violation_empty_refused_confirmed_or_narrow(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    lang: str,
) -> None:
    page = await open_page(**signed_in_as_collector(stack, collection_point))
    await page.goto(
        f"{stack.url('collection_point')}/guichet?point={collection_point.id}&lang={lang}"
    )
    await assert_accessible(page)

    (code,) = await issued_codes(stack, http, collection_point.id)
    wrong = code[:8] + ("0" if code[8] != "0" else "1")
    await page.locator("#acknowledged").check()
    await page.locator("#label").fill(wrong)
    await page.locator("#label").press("Enter")
    await expect(page.locator("#label")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#label-error")).to_contain_text(format_code(wrong))
    await assert_accessible(page)

    await page.locator("#acknowledged").check()
    await page.locator("#label").fill(code)
    await page.locator("#label").press("Enter")
    await expect(page.get_by_role("status")).to_contain_text(format_code(code))
    await assert_accessible(page)
    await page.set_viewport_size(SMALLEST_PHONE)
    await assert_accessible(page)


async def test_a_signed_out_browser_is_offered_to_sign_in(
    open_page: OpenPage, stack: Stack
) -> None:
    page = await open_page(java_script_enabled=False)
    answer = await page.goto(f"{stack.url('collection_point')}/guichet")
    assert answer is not None and answer.status == 401
    await expect(page.get_by_role("main").get_by_role("link", name="Se connecter")).to_be_visible()


async def test_a_collector_of_two_points_chooses_one_and_the_counter_remembers_it(
    open_page: OpenPage,
    stack: Stack,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    town_hall = CollectionPoint(
        id=uuid.uuid4(),
        name=f"Mairie test {uuid.uuid4().hex[:6]}",
        kind="town_hall",
        address="2 place de test",
        postcode="59100",
        commune="Roubaix",
    )
    async with collection_pool.acquire() as connection:
        await PointStore(connection).upsert_point(town_hall)
    page = await open_page(**signed_in_as_collector(stack, collection_point, town_hall))
    counter = f"{stack.url('collection_point')}/guichet"

    await page.goto(counter)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Choisir le point de collecte")
    await assert_accessible(page)
    await page.get_by_role("link", name=town_hall.name).click()
    await expect(page.get_by_text(f"Point de collecte : {town_hall.name}")).to_be_visible()

    await page.goto(counter)
    await expect(page.get_by_text(f"Point de collecte : {town_hall.name}")).to_be_visible()
    await page.get_by_role("link", name="Changer de point").click()
    await expect(page.get_by_role("link", name=collection_point.name)).to_be_visible()


async def test_a_morning_at_the_counter_without_javascript_by_keyboard_alone(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    page = await open_counter(open_page, stack, collection_point, java_script_enabled=False)
    first, second, third = await issued_codes(stack, http, collection_point.id, 3)

    # A neighbour's laptop: the scanner types the URL and Enter, after the acknowledgement.
    await page.get_by_label(ACKNOWLEDGED).focus()
    await page.keyboard.press("Space")
    await page.get_by_label("Étiquette", exact=True).focus()
    await page.keyboard.type(f"HTTPS://{stack.public_host.upper()}/D/{first}")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_have_text(
        f"Ordinateur portable {format_code(first)} enregistré"
    )

    # A tablet: the type is chosen with the keyboard, then the scan.
    await page.get_by_label("Tablette").check()
    await page.get_by_label(ACKNOWLEDGED).check()
    await page.get_by_label("Étiquette", exact=True).fill(format_code(second))
    await page.get_by_role("button", name="Enregistrer le don").press("Enter")
    await expect(page.get_by_role("status")).to_have_text(
        f"Tablette {format_code(second)} enregistrée"
    )

    # A company's laptop, with its details and a receipt.
    await page.get_by_text("Détails de l'appareil et du donateur (facultatif)").click()
    await page.get_by_label("Marque").fill("Lenovo")
    await page.get_by_label("Modèle").fill("ThinkPad T480")
    await page.get_by_label("État visible").select_option("worn")
    await page.get_by_label("Chargeur").check()
    await page.get_by_label("Poids en kg").fill("1,6")
    await page.get_by_label("Le don vient").select_option("company")
    await page.get_by_label("Nom ou organisation, pour un reçu").fill("Brasserie du Nord")
    await page.get_by_label("E-mail", exact=True).fill("dons@brasserie.example")
    await page.get_by_label(ACKNOWLEDGED).check()
    await page.get_by_label("Étiquette", exact=True).fill(format_code(third))
    await page.get_by_label("Étiquette", exact=True).press("Enter")
    await expect(page.get_by_role("status")).to_contain_text(format_code(third))
    await expect(
        page.get_by_role("link", name="Reçu de don pour Brasserie du Nord (PDF)")
    ).to_be_visible()

    await page.get_by_role("link", name="Ce que le point a collecté").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ce que le point a collecté")
    table = page.get_by_role("table")
    for code in (first, second, third):
        await expect(table).to_contain_text(format_code(code))
    await expect(table).to_contain_text("Lenovo ThinkPad T480")


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_counter_with_its_details_open_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, collection_point: CollectionPoint, lang: str
) -> None:
    page = await open_page(**signed_in_as_collector(stack, collection_point))
    await page.goto(
        f"{stack.url('collection_point')}/guichet?point={collection_point.id}&lang={lang}"
    )
    await page.locator("details.counter-details summary").click()
    await expect(page.locator("#brand")).to_be_visible()
    await assert_accessible(page)

    await page.locator("#label").fill(generate_code())  # scanned first, as at the counter
    await page.locator("#weight").fill("250")
    await page.locator("#contact_email").fill("dons@example.org")
    await page.locator("#donor_reference").fill("ACME")
    await page.locator("#acknowledged").check()
    await page.locator("button.counter-submit").click()
    await expect(page.locator("#weight")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#donor_reference")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#weight")).to_be_focused()
    await assert_accessible(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_news_for_the_donor_is_asked_plainly_and_has_no_wcag_violation(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    lang: str,
) -> None:
    (code,) = await issued_codes(stack, http, collection_point.id)
    page = await open_page(**signed_in_as_collector(stack, collection_point))
    await page.goto(
        f"{stack.url('collection_point')}/guichet?point={collection_point.id}&lang={lang}"
    )
    await page.locator("details.counter-details summary").click()
    news = page.locator("#contact_news")
    await expect(news).not_to_be_checked()  # off unless the donor asks
    await expect(news).to_have_accessible_description(re.compile("(clic|click)"))
    await assert_accessible(page)

    await page.locator("#label").fill(code)
    await news.check()
    await page.locator("#acknowledged").check()
    await page.locator("button.counter-submit").click()
    await expect(page.locator("#contact_email")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#contact_news")).to_be_checked()
    await assert_accessible(page)


async def test_without_javascript_news_needs_an_address_then_is_kept(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    (code,) = await issued_codes(stack, http, collection_point.id)
    page = await open_counter(open_page, stack, collection_point, java_script_enabled=False)
    await page.locator("details.counter-details summary").click()
    await page.get_by_label("Étiquette", exact=True).fill(code)
    await page.get_by_label("Le donateur veut des nouvelles de son appareil par e-mail").check()
    await page.get_by_label(ACKNOWLEDGED).check()
    await page.locator("button.counter-submit").click()
    email = page.locator("#contact_email")
    await expect(email).to_have_attribute("aria-invalid", "true")
    await expect(email).to_be_focused()
    await expect(page.locator("#contact_email-error")).to_contain_text("il faut son adresse")

    await email.fill("martin@example.org")
    await page.get_by_label(ACKNOWLEDGED).check()
    await page.locator("button.counter-submit").click()
    await expect(page.get_by_role("status")).to_contain_text(format_code(code))
    kept = await collection_pool.fetchrow(
        "SELECT c.news, c.language, c.email FROM intakes i "
        "JOIN donor_contacts c ON c.intake_id = i.id WHERE i.label = $1",
        code,
    )
    assert tuple(kept) == (True, "fr", "martin@example.org")
