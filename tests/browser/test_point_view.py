"""The point's own view of what it collected, in Chromium: where each device is now, filters
by state and by day, 100 a page, by keyboard and without JavaScript; no WCAG violation."""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import httpx
import pytest
from playwright.async_api import expect

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint, Intake
from services.collection_point.store import IntakeStore
from shared.events import utc_now, uuid7
from shared.labels import format_code, generate_code
from tests.browser.conftest import OpenPage, signed_in, signed_in_as_collector
from tests.support.axe import SMALLEST_PHONE, assert_accessible
from tests.support.labels import issued_codes
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

ACKNOWLEDGED = {"data_erasure": True, "recycling": True, "stickers_removed": True}


async def _donated(
    stack: Stack,
    http: httpx.AsyncClient,
    point: CollectionPoint,
    device_type: str = "laptop",
    contact: dict[str, object] | None = None,
) -> str:
    """A device registered at ``point`` (with the donor's ``contact``, when given)."""
    (code,) = await issued_codes(stack, http, point.id)
    token = token_for(stack, "collector", f"collection_point:{point.id}")
    collector = {"Authorization": f"Bearer {token}"}
    answer = await http.post(
        f"{stack.url('collection_point')}/api/v1/intakes",
        json={
            "label": code,
            "device_type": device_type,
            "collection_point_id": str(point.id),
            "acknowledgements": ACKNOWLEDGED,
            "brand": "Lenovo",
            "model": "ThinkPad",
            **({"contact": contact} if contact else {}),
        },
        headers=collector,
    )
    assert answer.status_code == 201, answer.text
    return code


async def _announced(pool: asyncpg.Pool, code: str) -> None:
    async def state() -> str | None:
        return await pool.fetchval("SELECT inventory_state FROM intakes WHERE label = $1", code)

    await wait_for(state)


def _view(stack: Stack, point: CollectionPoint) -> str:
    return f"{stack.url('collection_point')}/guichet/{point.id}/collecte"


async def test_without_javascript_the_point_sees_where_its_devices_are_and_filters_them(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    laptop = await _donated(stack, http, collection_point)
    tablet = await _donated(stack, http, collection_point, "tablet")
    await _announced(collection_pool, laptop)
    await _announced(collection_pool, tablet)
    page = await open_page(
        **{**signed_in_as_collector(stack, collection_point), "java_script_enabled": False}
    )
    await page.goto(f"{stack.url('collection_point')}/guichet?point={collection_point.id}")

    await page.get_by_role("link", name="Ce que le point a collecté").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Ce que le point a collecté")
    counts = page.get_by_role("region", name="Où en sont les appareils")
    await expect(counts).to_contain_text("Reçu dans un point de collecte : 2")
    table = page.get_by_role("table")
    await expect(table).to_contain_text(format_code(laptop))
    await expect(table).to_contain_text(format_code(tablet))
    row = page.get_by_role("row", name=format_code(laptop))
    await expect(row).to_contain_text("Ordinateur portable")
    await expect(row).to_contain_text("Lenovo ThinkPad")
    await expect(row).to_contain_text("Reçu dans un point de collecte")

    await page.get_by_label("Où en est l'appareil").select_option("in_transit")
    await page.get_by_role("button", name="Afficher").press("Enter")
    await expect(
        page.get_by_text("Aucun appareil ne correspond à ces filtres.").last
    ).to_be_visible()

    await page.get_by_label("Où en est l'appareil").select_option("received")
    yesterday = (
        (utc_now() - timedelta(days=1)).date().strftime("%d/%m/%Y")
    )  # as a French page writes it
    await page.get_by_label("Jour de réception").fill(yesterday)
    await page.get_by_role("button", name="Afficher").click()
    await expect(page.get_by_role("table")).to_have_count(0)

    await page.get_by_role("link", name="Tout afficher").click()
    await expect(page.get_by_role("table")).to_contain_text(format_code(laptop))


async def test_without_javascript_a_donor_who_asks_is_forgotten_after_saying_what_goes(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    contact = {"name": "Mme Oubli", "email": "oubli@example.org", "news": True}
    given = await _donated(stack, http, collection_point, contact=contact)
    anonymous = await _donated(stack, http, collection_point, "tablet")
    collector = signed_in_as_collector(stack, collection_point)
    page = await open_page(**{**collector, "java_script_enabled": False})
    await page.goto(_view(stack, collection_point))
    await expect(page.get_by_role("row", name=format_code(anonymous))).to_contain_text("Aucun")

    forget = page.get_by_role("link", name=f"Effacer le contact du don {format_code(given)}")
    await forget.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Effacer le contact d'un donateur"
    )
    await expect(page.get_by_role("main")).to_contain_text(format_code(given))
    await expect(page.get_by_role("main")).to_contain_text("Le don reste enregistré")
    asking = page.url
    await page.get_by_role("link", name="Annuler").click()  # changed one's mind: nothing goes
    assert await _contacts(collection_pool, given) == 1

    scanner = await open_page(**collector)  # axe-core runs in the page: JavaScript on
    for url in (_view(stack, collection_point), asking):
        await scanner.goto(url)
        await assert_accessible(scanner)

    await forget.click()
    await page.get_by_role("button", name="Effacer le contact").click()
    await expect(page.get_by_role("status")).to_contain_text("Le contact du donateur est effacé")
    await expect(page.get_by_role("row", name=format_code(given))).to_contain_text("Aucun")
    assert await _contacts(collection_pool, given) == 0
    assert await collection_pool.fetchval(
        "SELECT count(*) FROM intakes WHERE label = $1", given
    ) == 1  # fmt: skip
    await scanner.goto(page.url)  # the list saying it is done
    await assert_accessible(scanner)

    await page.goto(asking)  # the erasure page again: nothing left to erase, and it says so
    await expect(page.get_by_role("status")).to_have_text("Aucun contact n'est gardé pour ce don.")
    await expect(page.get_by_role("button", name="Effacer le contact")).to_have_count(0)


async def _contacts(pool: asyncpg.Pool, code: str) -> int:
    return int(
        await pool.fetchval(
            "SELECT count(*) FROM donor_contacts c JOIN intakes i ON i.id = c.intake_id "
            "WHERE i.label = $1",
            code,
        )
    )


async def test_a_hundred_devices_a_page_with_a_link_to_the_older_ones(
    open_page: OpenPage,
    stack: Stack,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    start = utc_now() - timedelta(hours=2)
    intakes = [
        Intake(
            id=uuid7(),
            device_id=uuid7(),
            label=(code := generate_code()),
            label_display=format_code(code),
            device_type="smartphone",
            collection_point_id=collection_point.id,
            received_by="test",
            received_at=start + timedelta(seconds=index),
            acknowledged_by="donor",
        )
        for index in range(101)
    ]
    async with collection_pool.acquire() as connection:
        await IntakeStore(connection).insert_intakes(intakes)
    page = await open_page(**signed_in_as_collector(stack, collection_point))

    await page.goto(_view(stack, collection_point))

    rows = page.get_by_role("table").get_by_role("row")
    await expect(rows).to_have_count(101)  # the heading row and 100 devices
    await expect(rows.nth(1)).to_contain_text(intakes[-1].label_display)
    await page.get_by_role("link", name="Appareils plus anciens").click()
    await expect(rows).to_have_count(2)
    await expect(rows.nth(1)).to_contain_text(intakes[0].label_display)
    await expect(page.get_by_role("link", name="Appareils plus anciens")).to_have_count(0)
    await assert_accessible(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_point_view_has_no_wcag_violation(
    open_page: OpenPage,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
    lang: str,
) -> None:
    await _announced(collection_pool, await _donated(stack, http, collection_point))
    page = await open_page(**signed_in_as_collector(stack, collection_point))

    await page.goto(f"{_view(stack, collection_point)}?lang={lang}")
    await assert_accessible(page)
    await page.goto(f"{_view(stack, collection_point)}?jour=32/13/2026&lang={lang}")
    await expect(page.locator("#jour")).to_have_attribute("aria-invalid", "true")
    await assert_accessible(page)
    await page.set_viewport_size(SMALLEST_PHONE)
    await assert_accessible(page)


async def test_another_points_collector_finds_nothing_there(
    open_page: OpenPage, stack: Stack, collection_point: CollectionPoint
) -> None:
    elsewhere = token_for(stack, "collector", f"collection_point:{uuid.uuid4()}")
    page = await open_page(**signed_in(elsewhere, javascript=False))

    answer = await page.goto(_view(stack, collection_point))

    assert answer is not None and answer.status == 404
