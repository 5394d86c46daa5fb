"""What a social worker was told, in Chromium: her inbox (on her home page and its own page),
a mail's unsubscribe page used without JavaScript, and the coordinators' follow-up of what
was sent — each with no WCAG 2.2 AA violation, in French and English, and light."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from playwright.async_api import expect

from boucle.devstack.stack import Stack
from shared.db import transaction
from shared.events import utc_now
from shared.notifications import outbox
from shared.notifications.outbox import Notice
from tests.browser.conftest import OpenPage, signed_in
from tests.support.axe import assert_accessible
from tests.support.households import Territory
from tests.support.stacks import token_for

LIGHT = 50_000  # bytes a page may weigh


async def her_news(pool: asyncpg.Pool, recipient: str) -> str:
    """Two notifications for ``recipient``: one mailed (pending), one to print; the token of
    the mailed one's unsubscribe link."""
    campaign = {"campaign": "Tablettes pour les démarches", "path": "/achats/campagnes"}
    proposal = {"reference": "M-TEST1", "device": "ordinateur portable", "path": "/demandes"}
    async with transaction(pool) as connection:
        await outbox.write(
            connection,
            [
                Notice(
                    recipient=recipient,
                    kind="campaign_cancelled",
                    details=campaign,
                    email="amina@example.org",
                ),
                Notice(recipient=recipient, kind="device_proposed", details=proposal),
            ],
            utc_now(),
        )
    [mailed] = [n for n in await outbox.inbox(pool, recipient) if n.email]
    return str(mailed.unsubscribe_token)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_her_inbox_and_home_page_have_no_wcag_violation(
    open_page: OpenPage,
    stack: Stack,
    territory: Territory,
    purchase_pool: asyncpg.Pool,
    lang: str,
) -> None:
    recipient = f"browser-worker-{uuid.uuid4().hex[:8]}"
    await her_news(purchase_pool, recipient)
    token = token_for(
        stack, "social_worker", f"organisation:{territory.organisation_id}", subject=recipient
    )
    page = await open_page(**signed_in(token, True))
    gp = stack.url("group_purchase")

    answer = await page.goto(f"{gp}/notifications?lang={lang}")
    assert answer is not None and len(await answer.body()) < LIGHT
    subject = (
        "Un appareil est proposé au foyer M-TEST1"
        if lang == "fr"
        else ("A device is proposed for household M-TEST1")
    )
    await expect(page.get_by_role("heading", name=subject)).to_be_visible()
    await assert_accessible(page)

    await page.goto(f"{gp}/demandes?lang={lang}")
    await expect(page.get_by_role("link", name=subject, exact=True)).to_be_visible()
    await assert_accessible(page)


async def test_the_unsubscribe_page_works_without_javascript_and_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, purchase_pool: asyncpg.Pool
) -> None:
    token = await her_news(purchase_pool, f"browser-worker-{uuid.uuid4().hex[:8]}")
    url = f"{stack.url('group_purchase')}/notifications/desabonnement/{token}"
    scanned = await open_page()
    await scanned.goto(url)
    await assert_accessible(scanned)

    page = await open_page(java_script_enabled=False)
    await page.goto(url)
    await page.get_by_role("button", name="Me désabonner").click()
    await expect(page.get_by_role("status")).to_contain_text("les campagnes annulées")
    await scanned.goto(url)  # done: the page still answers, asking changes nothing more
    await scanned.get_by_role("button", name="Me désabonner").click()
    await assert_accessible(scanned)
    unknown = await scanned.goto(url.replace(token, str(uuid.uuid4())))
    assert unknown is not None and unknown.status == 404
    await assert_accessible(scanned)


async def test_the_follow_up_of_what_was_sent_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, purchase_pool: asyncpg.Pool
) -> None:
    await her_news(purchase_pool, f"browser-worker-{uuid.uuid4().hex[:8]}")
    page = await open_page(**signed_in(token_for(stack, "coordinator"), True))
    await page.goto(f"{stack.url('group_purchase')}/notifications/suivi")
    await expect(page.get_by_text("Tentatives d'envoi : 0").first).to_be_visible()
    await assert_accessible(page)
