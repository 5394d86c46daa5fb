"""What a donor sees after scanning the QR label of the laptop they gave away."""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import OpenPage, Passport


def fact(page: Page, term: str) -> Locator:
    """The value shown next to ``term`` in the passport's key facts."""
    return page.locator("dt", has_text=term).locator("xpath=following-sibling::dd[1]")


async def test_the_passport_reads_in_french_without_javascript(
    open_page: OpenPage, passport: Passport
) -> None:
    page = await open_page(java_script_enabled=False)

    response = await page.goto(passport.url)

    assert response is not None and response.status == 200
    await expect(page.locator("html")).to_have_attribute("lang", "fr")
    await expect(page).to_have_title(f"Passeport de l'appareil {passport.code_display} — Boucle")
    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_contain_text("Passeport de l'appareil")
    await expect(heading).to_contain_text(passport.code_display)
    await expect(fact(page, "Étape actuelle")).to_have_text("Reçu dans un point de collecte")
    await expect(fact(page, "Type d'appareil")).to_have_text("Ordinateur portable")
    journey = page.get_by_role("list", name="Historique").get_by_role("listitem")
    await expect(journey).to_have_count(1)
    await expect(journey).to_contain_text("Reçu dans un point de collecte")
    await expect(journey).to_contain_text(passport.place_name)
    await expect(
        page.get_by_text("Ce passeport ne contient aucune donnée personnelle.")
    ).to_be_visible()


async def test_english_is_one_visible_link_away_and_remembered_on_the_next_visit(
    open_page: OpenPage, passport: Passport
) -> None:
    page = await open_page(java_script_enabled=False)
    await page.goto(passport.url)

    await page.get_by_role("link", name="English").click()

    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Device passport")
    await expect(fact(page, "Current stage")).to_have_text("Received at a collection point")

    await page.goto(passport.url)

    assert "lang=" not in page.url
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Device passport")
    cookies = {cookie["name"]: cookie["value"] for cookie in await page.context.cookies()}
    assert cookies.get("boucle_lang") == "en"

    await page.get_by_role("link", name="Français").click()
    await page.goto(passport.url)

    await expect(page.locator("html")).to_have_attribute("lang", "fr")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Passeport de l'appareil")


async def test_a_printed_passport_keeps_the_facts_and_drops_the_navigation(
    open_page: OpenPage, passport: Passport
) -> None:
    page = await open_page()
    await page.goto(passport.url)

    await page.emulate_media(media="print")

    await expect(page.get_by_role("navigation")).to_be_hidden()
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await expect(page.get_by_text(passport.place_name)).to_be_visible()
    pdf = await page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
