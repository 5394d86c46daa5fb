"""The public certificate check in Chromium: usable without JavaScript, by fingerprint or by
uploading the PDF; no axe violation, refusals included."""

from __future__ import annotations

import httpx
from playwright.async_api import Page

from boucle.devstack.stack import Stack
from tests.browser.conftest import OpenPage
from tests.support.axe import assert_accessible, assert_no_wcag_violation
from tests.support.verifier import issued_pdf

PDF_FIELD = "Certificat au format PDF"

__all__ = ["issued_pdf"]  # the fixture applies here too


async def test_an_unknown_fingerprint_is_said_in_words_without_javascript(
    open_page: OpenPage, stack: Stack
) -> None:
    page = await open_page(java_script_enabled=False)
    await page.goto(f"{stack.url('refurbishment')}/verifier")
    await page.get_by_label("Empreinte SHA-256 du certificat (64 caractères)").fill("ab" * 32)
    await page.get_by_role("button", name="Vérifier", exact=True).click()
    assert await page.get_by_role("heading", name="Certificat inconnu").is_visible()


async def _upload(page: Page, name: str, document: bytes, mime: str = "application/pdf") -> None:
    await page.get_by_label(PDF_FIELD).set_input_files(
        {"name": name, "mimeType": mime, "buffer": document}
    )
    await page.get_by_role("button", name="Vérifier le document").click()


async def test_the_issued_pdf_uploaded_through_the_form_is_confirmed_without_javascript(
    open_page: OpenPage,
    stack: Stack,
    issued_pdf: bytes,
) -> None:
    page = await open_page(java_script_enabled=False)
    await page.goto(f"{stack.url('refurbishment')}/verifier")
    await _upload(page, "certificat.pdf", issued_pdf)
    assert await page.get_by_role("heading", name="Certificat authentique").is_visible()

    altered = bytearray(issued_pdf)
    altered[len(altered) // 2] ^= 1
    await _upload(page, "certificat.pdf", bytes(altered))
    assert await page.get_by_role("heading", name="Certificat inconnu").is_visible()
    assert await page.get_by_text("Ce document ne correspond à aucun certificat").is_visible()


async def test_a_file_that_is_not_a_pdf_is_refused_next_to_the_field_without_violation(
    open_page: OpenPage, stack: Stack
) -> None:
    page = await open_page()
    await page.goto(f"{stack.url('refurbishment')}/verifier")
    await _upload(page, "photo.gif", b"GIF89a", mime="image/gif")
    field = page.get_by_label(PDF_FIELD)
    assert await field.get_attribute("aria-invalid") == "true"
    assert await page.locator("#upload-certificate-error").inner_text() == (
        "Ce fichier n'est pas un PDF. Choisissez le certificat tel qu'il a été téléchargé "
        "(fichier .pdf)."
    )
    await assert_accessible(page)


async def test_the_certificate_check_has_no_wcag_violation(
    open_page: OpenPage, stack: Stack, http: httpx.AsyncClient
) -> None:
    base = f"{stack.url('refurbishment')}/verifier"
    for url in (base, f"{base}?lang=en", f"{base}?sha256=nope"):
        assert (await http.get(url)).status_code in {200, 422}
        await assert_no_wcag_violation(open_page, url)
