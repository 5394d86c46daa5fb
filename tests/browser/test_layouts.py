"""Pages worked at all day use the screen: the counter and the bench board read at ease on a
1280 px screen and work on a 360 px phone, without sideways scrolling or axe violation, each
under 50 KB transferred; the work order page opens only the step to do now."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.browser.conftest import OpenPage, bench_person, signed_in, signed_in_as_collector
from tests.support.axe import assert_accessible
from tests.support.bench import at_bench, checked_in, order_path
from tests.support.stacks import token_for
from tests.support.workshop import donated_device, new_workshop

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
PAGE_BUDGET = 50 * 1024  # bytes transferred for a page with its stylesheet and scripts


async def _loaded(page: Page, url: str) -> int:
    """Open ``url``: the bytes it took over the network (bodies as sent, headers aside)."""
    responses: list[Any] = []

    def heard(response: Any) -> None:
        responses.append(response)

    page.on("response", heard)
    await page.goto(url)
    await page.wait_for_load_state("networkidle")
    page.remove_listener("response", heard)
    sizes = [await response.request.sizes() for response in responses]
    return sum(size["responseBodySize"] for size in sizes)


async def _boxes(page: Page, selector: str) -> list[dict[str, float]]:
    return await page.eval_on_selector_all(
        selector,
        "found => found.map(e => { const r = e.getBoundingClientRect();"
        " return {left: r.left, top: r.top, width: r.width, right: r.right}; })",
    )


async def _fits(page: Page, width: int) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280 px", "360 px"])
async def test_the_bench_board_shows_its_four_columns_side_by_side_or_stacked(
    open_page: OpenPage, stack: Stack, collection_point: CollectionPoint, viewport: dict[str, int]
) -> None:
    workshop = await new_workshop(stack)
    code = await donated_device(stack, collection_point)
    async with at_bench(stack, "refurbisher", workshop) as volunteer:
        order = order_path(await checked_in(volunteer, workshop, code))
    page = await open_page(
        viewport=viewport, **bench_person(stack, "erasure_officer", workshop, "amina", True)
    )
    base = stack.url("refurbishment")

    assert await _loaded(page, f"{base}/atelier/{workshop}") < PAGE_BUDGET
    await _fits(page, viewport["width"])
    columns = await _boxes(page, ".bench-column")
    assert len(columns) == 4
    if viewport is LAPTOP:
        assert len({round(column["top"]) for column in columns}) == 1  # one row
        assert min(column["width"] for column in columns) >= 250
        # a card's link says the label and the type on one or two lines, not word by word
        link = page.locator("ul.bench-cards a").first
        height, line = await link.evaluate(
            "a => [a.getBoundingClientRect().height, parseFloat(getComputedStyle(a).lineHeight)]"
        )
        assert height <= 2 * line + 1
    else:
        assert len({round(column["left"]) for column in columns}) == 1  # one above the other
    await assert_accessible(page)

    assert await _loaded(page, base + order) < PAGE_BUDGET
    await _fits(page, viewport["width"])
    await assert_accessible(page)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280 px", "360 px"])
async def test_the_counter_puts_the_days_donations_beside_the_form_on_a_wide_screen(
    open_page: OpenPage, stack: Stack, collection_point: CollectionPoint, viewport: dict[str, int]
) -> None:
    page = await open_page(viewport=viewport, **signed_in_as_collector(stack, collection_point))
    url = f"{stack.url('collection_point')}/guichet?point={collection_point.id}"

    assert await _loaded(page, url) < PAGE_BUDGET
    await _fits(page, viewport["width"])
    (form,) = await _boxes(page, "form.counter")
    (today,) = await _boxes(page, ".counter-today")
    if viewport is LAPTOP:
        assert form["right"] <= today["left"]
        assert today["top"] == form["top"]
        assert form["width"] >= 600
    else:
        assert today["top"] > form["top"]
        assert today["left"] == form["left"]
    await assert_accessible(page)


@pytest.mark.parametrize("role", ["", "admin"], ids=["anonymous", "administrator"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280 px", "360 px"])
async def test_each_service_home_stays_within_its_budget_and_has_no_violation(
    open_page: OpenPage, stack: Stack, viewport: dict[str, int], role: str
) -> None:
    signed = signed_in(token_for(stack, role)) if role else {}
    page = await open_page(viewport=viewport, **signed)
    for service in ("inventory", "collection_point", "refurbishment", "group_purchase"):
        assert await _loaded(page, f"{stack.url(service)}/") < PAGE_BUDGET
        await _fits(page, viewport["width"])
        await assert_accessible(page)
