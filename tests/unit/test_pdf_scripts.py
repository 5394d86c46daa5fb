"""Every PDF Boucle hands out prints names in any script as they were typed: the euro sign,
the French ligatures, Polish, Arabic (read back in its logical order) and Chinese."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import msgspec
import pypdfium2
import pytest

from services.collection_point.intake.donation_receipt import (
    DonationReceipt,
    ReceivedDevice,
)
from services.collection_point.intake.donation_receipt import (
    render_receipt as render_donation_receipt,
)
from services.group_purchase.campaigns.order_documents import order_pdf
from services.group_purchase.requests.paper_form_pdf import render_request_form
from services.group_purchase.requests.receipt_pdf import render_receipt as render_hand_over_receipt
from services.refurbishment.erasure.certificate_pdf import render_certificate
from services.refurbishment.erasure.domain import Officer, certify
from shared.label_sheets import FORMATS, render_sheets
from shared.labels import generate_code
from shared.pdf import SANS, UnicodePDF
from tests.support.campaign_documents import document as order_document
from tests.support.erasure import BRUNO, START, ssd
from tests.support.receipts import receipt

SAMPLE = "Cœur d'Œuvre — 12,50 € — Łódź — محمد — 王芳"
NAMES = ("Cœur d'Œuvre", "12,50 €", "Łódź", "محمد", "王芳")


def _text(document: bytes) -> str:
    pages = pypdfium2.PdfDocument(document)
    return re.sub(r"\s+", " ", " ".join(page.get_textpage().get_text_range() for page in pages))


def _fonts(document: bytes) -> set[str]:
    return set(re.findall(rb"/BaseFont /([\w+-]+)", document))  # type: ignore[arg-type]


def _donation_receipt() -> bytes:
    received = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
    device = ReceivedDevice(label="K7Q2M9XBA", device_type="laptop", received_at=received)
    return render_donation_receipt(
        DonationReceipt(
            donor_reference=SAMPLE,
            day=date(2026, 3, 12),
            point_name="Médiathèque de Fives",
            point_address="1 rue Pierre Legrand, 59800 Lille",
            devices=[device],
        )
    )


def _certificate() -> bytes:
    officer = Officer(id="m", name=SAMPLE, roles=("erasure_officer",))
    certificate = certify(
        uuid.UUID("01a22300-0000-7000-8000-000000000002"),
        "K7Q2M9XBA",
        "laptop",
        (ssd(),),
        None,
        officer,
        BRUNO,
        START + timedelta(minutes=5),
    )
    return render_certificate(certificate, "Atelier de Roubaix", "https://b.example/v")


def _order() -> bytes:
    return order_pdf(msgspec.structs.replace(order_document(), supplier_name=SAMPLE))


DOCUMENTS = {
    "donation receipt": _donation_receipt,
    "erasure certificate": _certificate,
    "hand-over receipt": lambda: render_hand_over_receipt(receipt(organisation_name=SAMPLE)),
    "paper request form": lambda: render_request_form([("no_computer", SAMPLE)]),
    "purchase order": _order,
}


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_every_name_prints_as_typed_whatever_its_script(kind: str) -> None:
    text = _text(DOCUMENTS[kind]())
    for name in NAMES:
        assert name in text
    assert SAMPLE in text  # Arabic read back right to left in the line: the same logical order
    assert "EUR" not in text


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_the_fonts_are_embedded_and_never_the_latin_1_core_fonts(kind: str) -> None:
    fonts = _fonts(DOCUMENTS[kind]())
    assert any(b"SourceSans3" in font for font in fonts)
    assert any(b"Kurinto" in font for font in fonts)  # Arabic and Chinese
    assert not fonts & {b"Helvetica", b"Helvetica-Bold", b"Courier", b"Courier-Bold"}


def test_labels_print_their_code_in_an_embedded_font() -> None:
    code = generate_code()
    document = render_sheets([code], FORMATS["L7160"], "https://boucle.example")
    fonts = _fonts(document)
    assert any(b"SourceCodePro" in font for font in fonts)
    assert not any(b"Kurinto" in font for font in fonts)  # no large font unless it is needed
    assert "Boucle" in _text(document)


def test_arabic_letters_are_joined_and_set_right_to_left() -> None:
    """The shaped glyphs differ from the isolated letters, and the first letter typed is drawn
    rightmost."""
    pdf = UnicodePDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.set_font(SANS, size=20)
    pdf.cell(text="محمد")
    page = pypdfium2.PdfDocument(bytes(pdf.output()))[0].get_textpage()
    boxes = [page.get_charbox(index) for index in range(page.count_chars())]
    text = page.get_text_range()
    assert text == "محمد"
    first_letter_left, last_letter_left = boxes[0][0], boxes[-1][0]
    assert first_letter_left > last_letter_left
