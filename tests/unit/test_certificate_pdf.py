"""The certificate PDF: the same certificate always gives the same document and fingerprint;
a copy altered by one byte does not match."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pypdfium2

from services.refurbishment.erasure.certificate_pdf import fingerprint, render_certificate
from services.refurbishment.erasure.domain import certify
from tests.support.erasure import AMINA, BRUNO, START, ssd


def _certificate():  # type: ignore[no-untyped-def]
    return certify(
        uuid.UUID("01a22300-0000-7000-8000-000000000001"),
        "K7Q2M9XBA",
        "laptop",
        (ssd(),),
        None,
        AMINA,
        BRUNO,
        START + timedelta(minutes=5),
    )


def test_the_same_certificate_renders_to_the_same_bytes() -> None:
    first = render_certificate(_certificate(), "Atelier de Roubaix", "https://b.example/verifier")
    second = render_certificate(_certificate(), "Atelier de Roubaix", "https://b.example/verifier")
    assert fingerprint(first) == fingerprint(second)


def test_a_copy_altered_by_one_byte_has_another_fingerprint() -> None:
    document = render_certificate(_certificate(), "Atelier de Roubaix", "https://b.example/v")
    middle = len(document) // 2
    altered = document[:middle] + bytes([document[middle] ^ 1]) + document[middle + 1 :]
    assert fingerprint(altered) != fingerprint(document)


def test_the_certificate_names_the_device_the_medium_and_both_officers() -> None:
    document = render_certificate(_certificate(), "Atelier de Roubaix", "https://b.example/v")
    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(document))
    for expected in ("K7Q2-M9XB-A", "S35ENX0J000000", "crypto erase", "Purge", "Amina", "Bruno"):
        assert expected in text


def test_names_keep_their_typographic_marks() -> None:
    document = render_certificate(
        _certificate(), "Atelier d’Hellemmes – Fives", "https://b.example/v"
    )
    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(document))
    assert "Atelier d’Hellemmes – Fives" in text
