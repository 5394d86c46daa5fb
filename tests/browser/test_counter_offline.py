"""The counter without network, in Chromium: installable (manifest, service worker), the page
opens from the browser's copy, scans made offline are kept with their idempotency key and
reach inventory exactly once when the network returns; a refused one says why and keeps what
was typed; a scan whose answer was lost on the way is registered once."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest
from playwright.async_api import Page, Route, expect

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from shared.label_sheets import render_png
from shared.labels import format_code, generate_code
from tests.browser.conftest import OpenPage, signed_in_as_collector, wait_in_inventory
from tests.support.axe import assert_accessible
from tests.support.labels import issued_codes
from tests.support.stacks import token_for

PAGE_BUDGET = 50_000  # bytes transferred for the counter page and everything it loads


async def ready_offline(
    open_page: OpenPage, stack: Stack, point: CollectionPoint, lang: str = "fr"
) -> Page:
    """The counter opened online, once its service worker keeps the page and its files."""
    page = await open_page(**signed_in_as_collector(stack, point))
    await page.goto(f"{stack.url('collection_point')}/guichet?point={point.id}&lang={lang}")
    # what the collector is told once the browser keeps the page and its files
    ready = page.locator("#offline-ready")
    await expect(ready).to_be_visible()
    await expect(ready).to_contain_text("s'ouvre quand même" if lang == "fr" else "still opens")
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    return page


async def offline(page: Page) -> None:
    """The network cut, once the page itself knows it (``navigator.onLine`` follows the
    emulation a moment later: a scan before that would be sent, not kept)."""
    await page.context.set_offline(True)
    await page.wait_for_function("!navigator.onLine")


async def scan(page: Page, label: str, brand: str = "") -> None:
    """A donation as the collector registers it: details if any, acknowledgement, label, Enter."""
    if brand:
        await page.locator("details.counter-details summary").click()
        await page.locator("#brand").fill(brand)
    await page.locator("#acknowledged").check()
    await page.locator("#label").fill(label)
    await page.locator("#label").press("Enter")


async def intakes_of(pool: asyncpg.Pool, code: str) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM intakes WHERE label = $1", code))


@pytest.mark.parametrize("reload", [False, True], ids=["staying_on_the_page", "after_a_reload"])
async def test_scans_made_offline_reach_inventory_once_when_the_network_returns(
    reload: bool,
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    codes = await issued_codes(stack, http, collection_point.id, 3)
    page = await ready_offline(open_page, stack, collection_point)
    queue = page.locator("#queue-list")
    await offline(page)

    await scan(page, codes[0])
    await expect(page.locator("#offline-news")).to_contain_text("gardé sur cet appareil")
    await scan(page, format_code(codes[1]), brand="Lenovo")
    await expect(queue.locator("li")).to_have_count(2)
    await expect(queue).to_contain_text("En attente d'envoi")
    await expect(page.locator("#label")).to_have_value("")
    await expect(page.locator("#brand")).to_have_value("")
    await expect(page.locator("#acknowledged")).not_to_be_checked()
    await assert_accessible(page)

    if reload:
        await page.reload()  # no network: the page comes from the browser's copy
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            "Guichet : enregistrer un don"
        )
        await expect(page.locator("#offline-news")).to_contain_text("Pas de réseau")
    await expect(queue.locator("li.is-waiting")).to_have_count(2)
    await scan(page, codes[2])
    await expect(queue.locator("li.is-waiting")).to_have_count(3)
    await assert_accessible(page)
    assert all([await intakes_of(collection_pool, code) == 0 for code in codes])

    await page.context.set_offline(False)
    await expect(queue.locator("li.is-sent")).to_have_count(3)
    for code in codes:
        await expect(queue).to_contain_text(f"{format_code(code)} enregistré")
    await expect(page.locator("#offline-news")).to_contain_text("envoyés : 3")
    await assert_accessible(page)
    for code in codes:
        await wait_in_inventory(stack, http, code, token_for(stack, "collector"))
        assert await intakes_of(collection_pool, code) == 1
    brand = await collection_pool.fetchval("SELECT brand FROM intakes WHERE label = $1", codes[1])
    assert brand == "Lenovo"

    await page.reload()  # online: today's table lists them, the kept list is done with them
    await expect(page.locator("#queue")).to_be_hidden()
    for code in codes:
        await expect(page.locator(".counter-today")).to_contain_text(format_code(code))


async def test_a_photo_of_the_label_taken_offline_is_kept_and_read_when_the_network_returns(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    (code,) = await issued_codes(stack, http, collection_point.id)
    photo = {
        "name": "label.png",
        "mimeType": "image/png",
        "buffer": render_png(code, stack.public_host),
    }
    page = await ready_offline(open_page, stack, collection_point)
    await offline(page)
    await page.locator("#photo").set_input_files(photo)
    await scan(page, "")
    await expect(page.locator("#queue-list li.is-waiting")).to_contain_text("Étiquette en photo")

    await page.context.set_offline(False)
    await expect(page.locator("#queue-list li.is-sent")).to_contain_text(format_code(code))
    assert await intakes_of(collection_pool, code) == 1


async def test_a_refused_queued_scan_says_why_keeps_what_was_typed_and_can_be_sent_again(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    (code,) = await issued_codes(stack, http, collection_point.id)
    wrong = code[:8] + ("0" if code[8] != "0" else "1")  # a wrong check symbol
    page = await ready_offline(open_page, stack, collection_point)
    await offline(page)
    await scan(page, wrong, brand="Dell")
    await expect(page.locator("#queue-list li.is-waiting")).to_have_count(1)

    await page.context.set_offline(False)
    refused = page.locator("#queue-list li.is-refused")
    await expect(refused).to_contain_text("Refusé")
    await expect(refused).to_contain_text(format_code(wrong))  # the reason names the label
    await expect(page.locator("#offline-news")).to_contain_text("refusés : 1")
    await assert_accessible(page)

    await refused.get_by_role("button", name=f"Corriger {wrong}").click()
    await expect(page.locator("#label")).to_have_value(wrong)
    await expect(page.locator("#label")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#label")).to_be_focused()
    await expect(page.locator("#label-error")).to_contain_text(format_code(wrong))
    await expect(page.locator("#brand")).to_have_value("Dell")
    await expect(page.locator("#acknowledged")).to_be_checked()
    await assert_accessible(page)

    await page.locator("#label").fill(code)
    await page.locator("#label").press("Enter")
    await expect(page.get_by_role("status")).to_have_text(
        f"Ordinateur portable {format_code(code)} enregistré"
    )
    await expect(page.locator("#queue")).to_be_hidden()  # the refused one was replaced
    assert await intakes_of(collection_pool, code) == 1
    assert await collection_pool.fetchval("SELECT brand FROM intakes WHERE label = $1", code) == (
        "Dell"
    )


async def test_in_english_the_kept_donations_and_the_reasons_of_a_refusal_are_in_english(
    open_page: OpenPage, stack: Stack, collection_point: CollectionPoint
) -> None:
    page = await ready_offline(open_page, stack, collection_point, lang="en")
    code = generate_code()
    wrong = code[:8] + ("0" if code[8] != "0" else "1")  # a wrong check symbol
    await offline(page)
    await scan(page, wrong)
    await expect(page.locator("#offline-news")).to_contain_text("kept on this device")
    await expect(page.get_by_role("heading", name="Donations kept on this device")).to_be_visible()

    await page.context.set_offline(False)
    refused = page.locator("#queue-list li.is-refused")
    await expect(refused).to_contain_text("Refused")
    await expect(refused).to_contain_text("does not match")
    await assert_accessible(page)


async def test_a_browser_that_lost_its_form_token_offline_gets_a_new_one_and_sends(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    (code,) = await issued_codes(stack, http, collection_point.id)
    page = await ready_offline(open_page, stack, collection_point)
    await offline(page)
    await scan(page, code)
    await page.context.clear_cookies(name="boucle_csrf")  # the browser was closed meanwhile
    assert await form_token_cookie(page) is None

    await page.context.set_offline(False)
    await expect(page.locator("#queue-list li.is-sent")).to_have_count(1)
    assert await intakes_of(collection_pool, code) == 1
    for token in await page.locator("input[name=_csrf_token]").all():  # counter, sign-out
        assert await token.input_value() == await form_token_cookie(page)


async def form_token_cookie(page: Page) -> str | None:
    cookies = await page.context.cookies()
    return next((c["value"] for c in cookies if c["name"] == "boucle_csrf"), None)


async def test_a_scan_whose_answer_was_lost_on_the_way_is_sent_again_and_registered_once(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    (code,) = await issued_codes(stack, http, collection_point.id)
    page = await ready_offline(open_page, stack, collection_point)
    delivered: list[int] = []

    async def lost_answer(route: Route) -> None:
        """The request reaches the server; its answer never comes back."""
        if route.request.method != "POST":
            await route.continue_()
            return
        answer = await route.fetch()
        delivered.append(answer.status)
        await route.abort("internetdisconnected")

    await page.route("**/guichet?*", lost_answer)
    await scan(page, code)
    await expect(page.locator("#queue-list li.is-waiting")).to_have_count(1)
    assert delivered == [201]
    assert await intakes_of(collection_pool, code) == 1  # registered, but the browser cannot know

    await page.unroute("**/guichet?*", lost_answer)
    await page.evaluate("window.dispatchEvent(new Event('online'))")  # the network is back
    await expect(page.locator("#queue-list li.is-sent")).to_contain_text(
        f"Ordinateur portable {format_code(code)} enregistré"
    )
    assert await intakes_of(collection_pool, code) == 1
    await wait_in_inventory(stack, http, code, token_for(stack, "collector"))


async def test_the_counter_is_installable_and_stays_within_its_page_budget(
    open_page: OpenPage, stack: Stack, collection_point: CollectionPoint
) -> None:
    page = await open_page(**signed_in_as_collector(stack, collection_point))
    transferred: list[int] = []

    async def measured(response: object) -> None:
        sizes = await response.request.sizes()  # type: ignore[attr-defined]
        transferred.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    page.on("response", measured)
    await page.goto(f"{stack.url('collection_point')}/guichet?point={collection_point.id}")
    await page.wait_for_load_state("networkidle")
    assert 0 < sum(transferred) < PAGE_BUDGET, transferred

    manifest_url = await page.locator("link[rel=manifest]").get_attribute("href")
    assert manifest_url is not None
    manifest = await page.evaluate(
        "async (url) => (await fetch(url)).json()", manifest_url.replace("?lang=fr", "")
    )
    assert manifest["start_url"] == manifest["scope"] == "/guichet"
    assert manifest["display"] == "standalone"
    assert manifest["name"] == "Boucle — guichet de collecte"
    assert any(icon["type"] == "image/svg+xml" for icon in manifest["icons"])
    scope = await page.evaluate("async () => (await navigator.serviceWorker.ready).scope", None)
    assert scope == f"{stack.url('collection_point')}/guichet"
    assert uuid.UUID(await page.locator("input[name=key]").input_value())
    devtools = await page.context.new_cdp_session(page)
    chromium_says = await devtools.send("Page.getInstallabilityErrors")
    errors = [error["errorId"] for error in chromium_says["installabilityErrors"]]
    assert errors in ([], ["in-incognito"])  # a test's browser context is an incognito one
