"""WCAG 2.2 AA as met with a screen reader, a keyboard, a small phone or large text."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from boucle.devstack.stack import Stack
from shared.config import SERVICES
from shared.labels import format_code, generate_code
from tests.browser.conftest import OpenPage, Passport
from tests.support.axe import SMALLEST_PHONE, assert_no_wcag_violation


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_passport_has_no_wcag_violation(
    open_page: OpenPage, passport: Passport, lang: str
) -> None:
    await assert_no_wcag_violation(open_page, f"{passport.url}?lang={lang}")


@pytest.mark.parametrize(
    "label",
    [format_code(generate_code()), "K7Q2-M9XB"],
    ids=["unknown label", "mistyped label"],
)
async def test_the_passport_not_found_page_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, label: str
) -> None:
    await assert_no_wcag_violation(open_page, f"{stack.url('inventory')}/d/{label}")


@pytest.mark.parametrize("service", SERVICES)
async def test_each_service_home_page_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, service: str
) -> None:
    await assert_no_wcag_violation(open_page, f"{stack.url(service)}/")


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_error_page_a_browser_gets_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, lang: str
) -> None:
    await assert_no_wcag_violation(
        open_page, f"{stack.url('collection_point')}/nulle-part?lang={lang}"
    )


async def test_the_first_tab_reaches_a_visible_skip_link_that_moves_to_the_content(
    open_page: OpenPage, passport: Passport
) -> None:
    page = await open_page(java_script_enabled=False)
    await page.goto(passport.url)

    await page.keyboard.press("Tab")

    skip_link = page.get_by_role("link", name="Aller au contenu")
    await expect(skip_link).to_be_focused()
    await expect(skip_link).to_be_in_viewport()
    await expect(skip_link).not_to_have_css("outline-style", "none")

    await page.keyboard.press("Enter")

    await expect(page.get_by_role("main")).to_be_focused()


async def test_the_language_link_shows_where_the_keyboard_is(
    open_page: OpenPage, passport: Passport
) -> None:
    page = await open_page()
    await page.goto(passport.url)

    await page.keyboard.press("Tab")
    await page.keyboard.press("Tab")

    language_link = page.get_by_role("link", name="English")
    await expect(language_link).to_be_focused()
    await expect(language_link).not_to_have_css("outline-style", "none")


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_passport_fits_a_320_pixel_wide_screen_without_sideways_scrolling(
    open_page: OpenPage, passport: Passport, lang: str
) -> None:
    page = await open_page(viewport=SMALLEST_PHONE)
    await page.goto(f"{passport.url}?lang={lang}")

    assert await page.evaluate("document.documentElement.scrollWidth") <= 320
    await expect(page.get_by_role("heading", level=1)).to_be_in_viewport()


async def test_a_long_mistyped_label_does_not_push_the_page_sideways(
    open_page: OpenPage, stack: Stack
) -> None:
    page = await open_page(viewport=SMALLEST_PHONE)
    await page.goto(f"{stack.url('inventory')}/d/{'K7Q2M9XBA' * 8}")

    await expect(page.get_by_role("heading", level=1)).to_have_text("Appareil introuvable")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 320


async def test_the_passport_stays_readable_with_text_at_200_percent(
    open_page: OpenPage, passport: Passport
) -> None:
    # A 1280 px laptop screen zoomed to 200 % leaves 640 CSS px; the text is doubled on top.
    page = await open_page(viewport={"width": 640, "height": 800}, bypass_csp=True)
    await page.goto(passport.url)
    await page.add_style_tag(content=":root { font-size: 200% !important; }")

    await expect(page.locator("body")).to_have_css("font-size", "32px")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 640
    await expect(page.get_by_text(passport.code_display)).to_be_in_viewport(ratio=1)
