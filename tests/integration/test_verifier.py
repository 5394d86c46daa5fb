"""A certificate checked by its PDF over real HTTP: the issued document is confirmed, the
same document with one byte changed is refused, a file too large or not a PDF is refused in
words; the JSON twin answers the same."""

from __future__ import annotations

import html
import re

import httpx

from boucle.devstack.stack import Stack
from tests.support.verifier import issued_pdf

HTML = {"Accept": "text/html"}

__all__ = ["issued_pdf"]  # the fixture applies here too


def _one_byte_changed(document: bytes) -> bytes:
    altered = bytearray(document)
    altered[len(altered) // 2] ^= 1
    return bytes(altered)


async def _upload(stack: Stack, document: bytes, name: str = "certificat.pdf") -> httpx.Response:
    """Open /verifier as a browser does, then send its upload form with the page's token."""
    async with httpx.AsyncClient(timeout=30, headers=HTML) as browser:
        shown = await browser.get(f"{stack.url('refurbishment')}/verifier")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', shown.text)
        assert token, shown.text
        return await browser.post(
            f"{stack.url('refurbishment')}/verifier",
            data={"_csrf_token": token.group(1)},
            files={"certificate": (name, document, "application/pdf")},
        )


async def test_the_issued_pdf_is_confirmed_and_a_copy_changed_by_one_byte_is_refused(
    stack: Stack, issued_pdf: bytes
) -> None:
    genuine = await _upload(stack, issued_pdf)
    assert genuine.status_code == 200, genuine.text
    assert "Certificat authentique" in html.unescape(genuine.text)

    forged = await _upload(stack, _one_byte_changed(issued_pdf))
    assert forged.status_code == 404
    assert "Ce document ne correspond à aucun certificat" in html.unescape(forged.text)


async def test_a_file_over_five_megabytes_or_not_a_pdf_is_refused_in_words(stack: Stack) -> None:
    too_large = await _upload(stack, b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024))
    assert too_large.status_code == 413
    assert "Ce fichier dépasse 5 Mo" in html.unescape(too_large.text)

    not_pdf = await _upload(stack, b"GIF89a not a certificate", name="photo.gif")
    assert not_pdf.status_code == 422
    assert "Ce fichier n'est pas un PDF" in html.unescape(not_pdf.text)


async def test_the_upload_form_needs_the_page_token(stack: Stack, http: httpx.AsyncClient) -> None:
    forged = await http.post(
        f"{stack.url('refurbishment')}/verifier",
        files={"certificate": ("certificat.pdf", b"%PDF-1.4\n", "application/pdf")},
    )
    assert forged.status_code == 403


async def test_the_json_twin_answers_the_same_from_the_raw_pdf(
    stack: Stack, http: httpx.AsyncClient, issued_pdf: bytes
) -> None:
    url = f"{stack.url('refurbishment')}/api/v1/certificates/verification"
    pdf = {"Content-Type": "application/pdf"}
    genuine = await http.post(url, content=issued_pdf, headers=pdf)
    assert genuine.status_code == 200, genuine.text
    assert genuine.json()["genuine"] is True
    assert genuine.json()["workshop"].startswith("Atelier ")

    forged = await http.post(url, content=_one_byte_changed(issued_pdf), headers=pdf)
    assert forged.status_code == 200
    assert forged.json()["genuine"] is False

    too_large = await http.post(url, content=b"%PDF-" + b"0" * (6 * 1024 * 1024), headers=pdf)
    assert too_large.status_code == 413
    assert too_large.headers["content-type"] == "application/problem+json"
    assert too_large.json()["code"] == "certificate.too_large"
    assert "Ce fichier dépasse 5 Mo" in too_large.json()["detail"]
    not_pdf = await http.post(url, content=b"hello", headers=pdf)
    in_english = await http.post(url, content=b"hello", headers={**pdf, "Accept-Language": "en"})
    for refused in (not_pdf, in_english):
        assert refused.status_code == 422
        assert refused.json()["code"] == "certificate.not_pdf"
    assert not_pdf.json()["detail"] == (
        "Ce fichier n'est pas un PDF. Choisissez le certificat tel qu'il a été téléchargé "
        "(fichier .pdf)."
    )
    assert in_english.json()["detail"] == (
        "This file is not a PDF. Choose the certificate as it was downloaded (a .pdf file)."
    )
