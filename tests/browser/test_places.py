"""The public list of collection points in Chromium: filters work without JavaScript, a bus is
found in the villages it visits with its next stops, no accessibility violation."""

from __future__ import annotations

import uuid

import httpx

from boucle.devstack.stack import Stack
from tests.browser.conftest import OpenPage
from tests.support.axe import assert_no_wcag_violation
from tests.support.places import bus_stop, created_place, opened_bus, stops_set


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


async def test_a_citizen_finds_the_bus_in_her_village_and_its_next_stops_without_javascript(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient
) -> None:
    bus = await opened_bus(http, stack)
    village = f"Fretin-{uuid.uuid4().hex[:6]}"
    answer = await stops_set(
        http,
        stack,
        bus["id"],
        [bus_stop(1, "09:30", "12:30", village), bus_stop(2, "14:00", "17:30", village)],
    )
    assert answer.status_code == 200, answer.text
    page = await open_page(java_script_enabled=False)
    await page.goto(f"{stack.url('collection_point')}/lieux")
    await page.get_by_label("Commune ou code postal").fill(village)
    await page.get_by_role("button", name="Afficher").click()
    listed = page.get_by_role("listitem").filter(has_text=bus["name"])
    assert "prochain arrêt" in await listed.inner_text()
    await page.get_by_role("link", name=bus["name"]).click()
    stops = page.get_by_role("table", name="Prochains arrêts")
    rows = await stops.get_by_role("row").all_inner_texts()
    assert len(rows) == 3  # the header, then each stop
    assert f"Parvis de la mairie de {village}" in rows[1]
    assert "de 09:30 à 12:30" in rows[1]


async def test_the_pages_of_a_bus_have_no_wcag_violation(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient
) -> None:
    bus = await opened_bus(http, stack)
    village = f"Wavrin-{uuid.uuid4().hex[:6]}"
    await stops_set(http, stack, bus["id"], [bus_stop(1, "09:30", "12:30", village)])
    base = stack.url("collection_point")
    for url in (
        f"{base}/lieux?q={village}",
        f"{base}/lieux?q={village}&lang=en",
        f"{base}/lieux/{bus['id']}",
        f"{base}/lieux/{bus['id']}?lang=en",
    ):
        assert (await http.get(url)).status_code == 200, url
        await assert_no_wcag_violation(open_page, url)
