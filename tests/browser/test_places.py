"""The public list of collection points in Chromium: filters work without JavaScript, no
accessibility violation."""

from __future__ import annotations

import httpx

from boucle.devstack.stack import Stack
from tests.browser.conftest import OpenPage
from tests.support.axe import assert_no_wcag_violation
from tests.support.places import created_place


async def test_a_citizen_filters_places_by_town_without_javascript(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient
) -> None:
    created = (await created_place(http, stack)).json()["place"]
    page = await open_page(java_script_enabled=False)
    answer = await page.goto(f"{stack.url('collection_point')}/lieux")
    assert answer is not None and answer.status == 200
    await page.get_by_label("Commune ou code postal").fill(created["commune"])
    await page.get_by_role("button", name="Afficher").click()
    await page.get_by_role("link", name=created["name"]).click()
    assert await page.get_by_role("heading", level=1).inner_text() == created["name"]
    assert "Ouvert maintenant" in await page.content()


async def test_the_places_pages_have_no_wcag_violation(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient
) -> None:
    created = (await created_place(http, stack)).json()["place"]
    base = stack.url("collection_point")
    for url in (f"{base}/lieux", f"{base}/lieux?lang=en", f"{base}/lieux/{created['id']}"):
        assert (await http.get(url)).status_code == 200, url
        await assert_no_wcag_violation(open_page, url)
