"""A person's own account page in Chromium, on a 360 px phone and without JavaScript: the
latest of what she was told, with the way to all of it, and the form where she sets her
e-mail address and the language of her mails — a bad address said next to its field, in the
page's language, changing nothing; no WCAG 2.2 AA violation in French and English."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from playwright.async_api import Page, expect

from boucle.devstack.stack import Stack
from services.group_purchase.accounts import handlers
from shared.db import transaction
from shared.events import utc_now
from shared.notifications import outbox
from shared.notifications.outbox import Notice
from tests.browser.conftest import OpenPage, signed_in
from tests.support.axe import assert_accessible
from tests.support.purchase_units import accounts_on
from tests.support.stacks import token_for

PHONE = {"width": 360, "height": 740}


async def amina(pool: asyncpg.Pool) -> str:
    """A social worker's account with a proposal in her messages; its id."""
    login = f"amina.{uuid.uuid4().hex[:6]}"
    account = await handlers.add_account(accounts_on(pool), login, "Amina K.", ("social_worker",))
    proposal = {"reference": "M-COMPTE", "device": "ordinateur portable", "path": "/demandes"}
    async with transaction(pool) as connection:
        notice = Notice(recipient=str(account.id), kind="device_proposed", details=proposal)
        await outbox.write(connection, [notice], utc_now())
    return str(account.id)


async def her_page(open_page: OpenPage, stack: Stack, account_id: str, javascript: bool) -> Page:
    token = token_for(stack, "social_worker", subject=account_id)
    return await open_page(viewport=PHONE, **signed_in(token, javascript=javascript))


async def fits(page: Page) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def test_she_sets_her_address_and_language_without_javascript_on_a_phone(
    open_page: OpenPage, stack: Stack, purchase_pool: asyncpg.Pool
) -> None:
    account_id = await amina(purchase_pool)
    page = await her_page(open_page, stack, account_id, javascript=False)
    await page.goto(f"{stack.url('group_purchase')}/compte")
    messages = page.get_by_role("region", name="Vos messages")
    await expect(messages).to_contain_text("Un appareil est proposé au foyer M-COMPTE")
    await expect(messages.get_by_role("link", name="Tous vos messages")).to_have_attribute(
        "href", "/notifications"
    )
    await fits(page)

    address = page.get_by_label("Adresse électronique")
    await address.fill("amina at ccas")
    await page.get_by_role("button", name="Enregistrer").click()
    await expect(page.locator("#contact-email-error")).to_contain_text(
        "« amina at ccas » n'est pas une adresse électronique"
    )
    await expect(address).to_have_value("amina at ccas")
    await expect(address).to_have_attribute("aria-invalid", "true")
    await fits(page)
    row = await purchase_pool.fetchrow(
        "SELECT email, language FROM accounts WHERE id = $1::uuid", account_id
    )
    assert tuple(row) == ("", "fr")  # nothing changed

    await address.fill("amina.k@ccas-roubaix.example")
    await page.get_by_label("Anglais").check()
    await page.get_by_role("button", name="Enregistrer").click()
    await expect(page.get_by_role("status")).to_contain_text("C'est enregistré")
    await expect(address).to_have_value("amina.k@ccas-roubaix.example")
    await expect(page.get_by_label("Anglais")).to_be_checked()
    row = await purchase_pool.fetchrow(
        "SELECT email, language FROM accounts WHERE id = $1::uuid", account_id
    )
    assert tuple(row) == ("amina.k@ccas-roubaix.example", "en")

    # blank: no mail, her messages and letters only
    await address.fill("")
    await page.get_by_role("button", name="Enregistrer").click()
    await expect(page.get_by_role("status")).to_contain_text("C'est enregistré")
    assert (
        await purchase_pool.fetchval("SELECT email FROM accounts WHERE id = $1::uuid", account_id)
        == ""
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_her_account_page_has_no_wcag_violation_even_with_a_refusal(
    open_page: OpenPage, stack: Stack, purchase_pool: asyncpg.Pool, lang: str
) -> None:
    page = await her_page(open_page, stack, await amina(purchase_pool), javascript=True)
    await page.goto(f"{stack.url('group_purchase')}/compte?lang={lang}")
    await assert_accessible(page)
    await page.locator("#contact-email").fill("not-an-address@")
    await page.locator("#contact-form button[type=submit]").click()
    await expect(page.locator("#contact-email-error")).to_be_visible()
    await assert_accessible(page)
