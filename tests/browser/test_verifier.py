"""The public certificate check in Chromium: usable without JavaScript, no axe violation."""

from __future__ import annotations

import httpx

from shared.devstack.stack import Stack
from tests.browser.conftest import OpenPage
from tests.browser.test_accessibility import assert_no_wcag_violation


async def test_an_unknown_fingerprint_is_said_in_words_without_javascript(
    open_page: OpenPage, stack: Stack
) -> None:
    page = await open_page(java_script_enabled=False)
    await page.goto(f"{stack.url('refurbishment')}/verifier")
    await page.get_by_label("Empreinte SHA-256 du certificat (64 caractères)").fill("ab" * 32)
    await page.get_by_role("button", name="Vérifier").click()
    assert await page.get_by_role("heading", name="Certificat inconnu").is_visible()


async def test_the_certificate_check_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient
) -> None:
    base = f"{stack.url('refurbishment')}/verifier"
    for url in (base, f"{base}?lang=en", f"{base}?sha256=nope"):
        assert (await http.get(url)).status_code in {200, 422}
        await assert_no_wcag_violation(open_page, url)
