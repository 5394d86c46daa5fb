"""The certificate PDF: the same certificate always gives the same document and fingerprint;
a copy is checked by the fingerprint recorded when it was issued, and a file that cannot be a
certificate is refused in words."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pypdfium2
import pytest

from services.refurbishment.erasure.certificate_pdf import (
    MAX_CHECKED_PDF,
    DocumentTooLarge,
    NotAPdf,
    fingerprint,
    fingerprint_of_copy,
    render_certificate,
)
from services.refurbishment.erasure.domain import certify
from tests.support.erasure import AMINA, BRUNO, START, ssd


def _certificate(issued_after: timedelta = timedelta(minutes=5)):  # type: ignore[no-untyped-def]
    return certify(
        uuid.UUID("01a22300-0000-7000-8000-000000000001"),
        "K7Q2M9XBA",
        "laptop",
        (ssd(),),
        None,
        AMINA,
        BRUNO,
        START + issued_after,
    )


def test_the_same_certificate_renders_to_the_same_bytes() -> None:
    first = render_certificate(_certificate(), "Atelier de Roubaix", "https://b.example/verifier")
    second = render_certificate(_certificate(), "Atelier de Roubaix", "https://b.example/verifier")
    assert fingerprint(first) == fingerprint(second)


def test_a_downloaded_copy_checks_out_as_the_certificate_issued_and_no_other() -> None:
    """The verifier computes from an uploaded copy the fingerprint recorded at issue; the same
    erasure certified a day later is another document, which this copy does not vouch for."""
    issued = render_certificate(_certificate(), "Atelier de Roubaix", "https://b.example/v")
    later = render_certificate(
        _certificate(timedelta(days=1)), "Atelier de Roubaix", "https://b.example/v"
    )
    assert fingerprint_of_copy(issued) == fingerprint(issued)
    assert fingerprint_of_copy(later) != fingerprint(issued)


def test_a_copy_that_is_not_a_pdf_or_too_large_is_refused_in_words() -> None:
    with pytest.raises(NotAPdf, match="not a PDF") as not_pdf:
        fingerprint_of_copy(b"GIF89a not a certificate")
    assert not_pdf.value.code == "certificate.not_pdf"
    with pytest.raises(DocumentTooLarge, match="over 5 MB") as too_large:
        fingerprint_of_copy(b"%PDF-1.4\n" + b"0" * MAX_CHECKED_PDF)
    assert (too_large.value.code, too_large.value.status_code) == ("certificate.too_large", 413)


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
