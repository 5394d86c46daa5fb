"""A person signs in and out in Chromium; the sign-in page meets WCAG 2.2 AA."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import ConsoleMessage, expect

from boucle.devstack.stack import Stack
from services.group_purchase.accounts import handlers
from shared.db import create_pool
from tests.browser.conftest import OpenPage, Passport
from tests.support.axe import assert_accessible, assert_no_wcag_violation
from tests.support.purchase_units import accounts_on
from tests.support.stacks import token_for

PASSWORD = "un vélo bleu sous la pluie"


@pytest.fixture
async def coordinator_login(stack: Stack) -> AsyncIterator[str]:
    pool = await create_pool(stack.postgres.dsn, "purchase", 1, 2)
    login = f"coordination.{uuid.uuid4().hex[:6]}"
    await handlers.add_account(
        accounts_on(pool), login, "Morgan Coordination", ("coordinator",), (), PASSWORD
    )
    await pool.close()
    yield login


async def test_a_coordinator_signs_in_from_a_passport_comes_back_to_it_and_signs_out(
    open_page: OpenPage, stack: Stack, passport: Passport, coordinator_login: str
) -> None:
    page = await open_page()
    refused: list[str] = []

    def remember_policy_violations(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", remember_policy_violations)
    await page.goto(passport.url)
    await page.get_by_role("link", name="Se connecter").click()
    await expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    await page.get_by_label("Identifiant").fill(coordinator_login)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()

    await expect(page).to_have_url(passport.url)
    await expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    cookies = {cookie["name"]: cookie for cookie in await page.context.cookies()}
    assert cookies["boucle_session"]["httpOnly"]
    assert cookies["boucle_session"]["sameSite"] == "Lax"

    await page.get_by_role("button", name="Se déconnecter").click()
    await expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    cookies = {cookie["name"]: cookie for cookie in await page.context.cookies()}
    assert "boucle_session" not in cookies
    assert refused == []


async def test_a_wrong_password_is_announced_next_to_the_form(
    open_page: OpenPage, stack: Stack, coordinator_login: str
) -> None:
    page = await open_page()
    await page.goto(f"{stack.url('group_purchase')}/auth/sign-in?lang=en")
    await page.get_by_label("Login").fill(coordinator_login)
    await page.get_by_label("Password").fill("not my password at all")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_have_text("Wrong login or password.")
    await expect(page.get_by_label("Login")).to_have_value(coordinator_login)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_sign_in_page_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, lang: str
) -> None:
    await assert_no_wcag_violation(
        open_page, f"{stack.url('group_purchase')}/auth/sign-in?lang={lang}"
    )


@pytest.mark.parametrize("path", ["/accounts", "/auth/password"])
async def test_the_account_pages_have_no_wcag_violation(
    open_page: OpenPage, stack: Stack, path: str
) -> None:
    page = await open_page()
    await page.context.add_cookies(
        [
            {
                "name": "boucle_session",
                "value": token_for(stack, "admin"),
                "url": stack.url("group_purchase"),
            }
        ]
    )
    await page.goto(stack.url("group_purchase") + path)
    await expect(page.locator("h1")).to_be_visible()
    await assert_accessible(page)
