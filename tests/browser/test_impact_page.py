"""The public impact page in Chromium: accessible, readable without JavaScript, printable."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from boucle.devstack.stack import Stack
from tests.browser.conftest import OpenPage, Passport
from tests.support.axe import assert_no_wcag_violation


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_impact_page_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, passport: Passport, lang: str
) -> None:
    await assert_no_wcag_violation(open_page, f"{stack.url('inventory')}/impact?lang={lang}")


async def test_the_chart_and_its_table_show_without_javascript(
    open_page: OpenPage, stack: Stack, passport: Passport
) -> None:
    page = await open_page(java_script_enabled=False)
    await page.goto(f"{stack.url('inventory')}/impact")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("impact")
    chart = page.get_by_role("img", name="Appareils collectés et remis, par mois")
    await expect(chart).to_be_visible()
    await expect(
        page.get_by_role("table", name="Appareils collectés et remis, par mois")
    ).to_be_visible()
    await expect(page.get_by_role("cell", name=passport.place_name)).to_have_count(0)
    await expect(page.get_by_role("rowheader", name=passport.place_name)).to_be_visible()
    await page.emulate_media(media="print")
    await expect(chart).to_be_visible()
    await expect(page.locator("form.impact-filter")).to_be_hidden()
