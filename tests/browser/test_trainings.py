"""An administrator records a person's erasure training and gives them the erasure-officer
role in Chromium, without JavaScript; the person sees their training ending soon on their
account page; the pages meet WCAG 2.2 AA."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from playwright.async_api import expect

from boucle.devstack.stack import Stack
from services.group_purchase.accounts import handlers
from services.group_purchase.accounts.domain import Account
from shared.db import create_pool
from shared.events import utc_now
from shared.trainings import local_day
from tests.browser.conftest import OpenPage, signed_in
from tests.support.axe import assert_accessible
from tests.support.purchase_units import accounts_on
from tests.support.stacks import token_for


@pytest.fixture
async def noor(stack: Stack) -> AsyncIterator[Account]:
    pool = await create_pool(stack.postgres.dsn, "purchase", 1, 2)
    login = f"noor.{uuid.uuid4().hex[:6]}"
    account = await handlers.add_account(accounts_on(pool), login, "Noor Haddad", ("refurbisher",))
    await pool.close()
    yield account


async def test_an_administrator_records_a_training_then_gives_the_erasure_role(
    open_page: OpenPage, stack: Stack, noor: Account
) -> None:
    page = await open_page(**signed_in(token_for(stack, "admin"), javascript=False))
    await page.goto(f"{stack.url('group_purchase')}/accounts")
    await page.get_by_role("link", name=noor.login).click()
    await expect(page.get_by_role("heading", name="Noor Haddad")).to_be_visible()

    await page.get_by_label("Responsable de l'effacement").check()
    await page.get_by_role("button", name="Enregistrer les rôles").click()
    await expect(page.get_by_role("alert")).to_contain_text("formation à l'effacement")

    today = local_day(utc_now())
    reference = f"EFF-{uuid.uuid4().hex[:6]}"
    await page.get_by_label("Formation", exact=True).select_option("data_erasure")
    await page.get_by_label("Référence").fill(reference)
    await page.get_by_label("Suivie le").fill((today - timedelta(days=700)).isoformat())
    await page.get_by_label("Formateur ou organisme").fill("Centre de formation de Lille")
    await page.get_by_label("Valide jusqu'au").fill((today + timedelta(days=12)).isoformat())
    await page.get_by_role("button", name="Enregistrer une formation").click()
    await expect(page.get_by_role("status")).to_contain_text("La formation est enregistrée")
    await expect(page.get_by_role("row", name=reference)).to_contain_text("expire le")

    await page.get_by_label("Responsable de l'effacement").check()
    await page.get_by_role("button", name="Enregistrer les rôles").click()
    await expect(page.get_by_role("status")).to_contain_text("Les rôles du compte sont")
    await expect(page.get_by_label("Responsable de l'effacement")).to_be_checked()

    await page.goto(f"{stack.url('group_purchase')}/accounts")
    await expect(page.get_by_role("table", name="Formations qui expirent dans les 30 jours"))\
        .to_contain_text(reference)  # fmt: skip

    mine = await open_page(**signed_in(token_for(stack, "refurbisher", subject=str(noor.id))))
    await mine.goto(f"{stack.url('group_purchase')}/compte")
    await expect(mine.get_by_role("status")).to_contain_text("expire dans moins de 30 jours")
    await expect(mine.get_by_role("status")).to_contain_text(reference)


async def test_an_administrator_sets_where_a_person_is_told_without_javascript(
    open_page: OpenPage, stack: Stack, noor: Account
) -> None:
    page = await open_page(**signed_in(token_for(stack, "admin"), javascript=False))
    await page.goto(f"{stack.url('group_purchase')}/accounts/{noor.id}")
    contact = page.locator("#contact-form")
    address = contact.get_by_label("Adresse électronique")
    await expect(address).to_have_value("")
    await address.fill("noor at atelier")
    await contact.get_by_role("button", name="Enregistrer").click()
    await expect(page.locator("#contact-email-error")).to_contain_text(
        "« noor at atelier » n'est pas une adresse électronique"
    )
    await expect(address).to_have_value("noor at atelier")

    await address.fill("noor.haddad@atelier-fives.example")
    await contact.get_by_label("Anglais").check()
    await contact.get_by_role("button", name="Enregistrer").click()
    await expect(page.get_by_role("status")).to_contain_text("ses prochains messages")
    await expect(address).to_have_value("noor.haddad@atelier-fives.example")
    pool = await create_pool(stack.postgres.dsn, "purchase", 1, 1)
    try:
        row = await pool.fetchrow("SELECT email, language FROM accounts WHERE id = $1", noor.id)
        actors = await pool.fetch(
            "SELECT actor FROM audit_log WHERE action = 'account.contact_set' AND subject = $1",
            f"account:{noor.id}",
        )
    finally:
        await pool.close()
    assert tuple(row) == ("noor.haddad@atelier-fives.example", "en")
    assert [entry["actor"] for entry in actors] == ["test-admin"]  # the one who changed it


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_training_pages_have_no_wcag_violation(
    open_page: OpenPage, stack: Stack, noor: Account, lang: str
) -> None:
    admin = await open_page(**signed_in(token_for(stack, "admin")))
    await admin.goto(f"{stack.url('group_purchase')}/accounts/{noor.id}?lang={lang}")
    await assert_accessible(admin)
    # a refusal next to its field, as the administrator sees it
    await admin.locator("#give-erasure_officer").check()
    save = "Enregistrer les rôles" if lang == "fr" else "Save the roles"
    await admin.get_by_role("button", name=save).click()
    await expect(admin.locator("#roles-roles-error")).to_be_visible()
    await assert_accessible(admin)
    await admin.locator("#contact-email").fill("pas une adresse")  # and the contact's refusal
    await admin.locator("#contact-form button").click()
    await expect(admin.locator("#contact-email-error")).to_be_visible()
    await assert_accessible(admin)
    await admin.goto(f"{stack.url('group_purchase')}/accounts?lang={lang}")
    await assert_accessible(admin)
    person = await open_page(**signed_in(token_for(stack, "refurbisher", subject=str(noor.id))))
    await person.goto(f"{stack.url('group_purchase')}/compte?lang={lang}")
    await assert_accessible(person)
