"""The donation receipt an organisation gets for the devices it gave at a point on one day:
what was received, where, and the promise that every data carrier is erased with a
certificate.

Rendered deterministically (creation date = the day's last intake), so a reprint is the same
document. It names the donor reference the agent typed, never a person's contact."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import asyncpg
import msgspec
from fpdf import FPDF

from services.collection_point.domain import PARIS, point_scope
from services.collection_point.places.store import PlaceStore
from services.collection_point.store import IntakeStore, ReceivedDevice
from shared.auth import Principal
from shared.errors import DomainError, NotFound
from shared.labels import format_code
from shared.pdf import SANS, UnicodePDF
from shared.web.i18n import translator

PROGRAMME = "Boucle"
LINE = 5.5  # mm, one line of 10 pt text
BODY = 10.5  # pt
COLUMNS = (("label", 32.0), ("device", 38.0), ("make_model", 62.0), ("serial", 48.0))

_FRENCH = translator("fr")  # the receipt is a French administrative document


Day = date


class ReceiptDay(msgspec.Struct, frozen=True, kw_only=True):
    """The day a donation receipt is asked for (the ``date`` query parameter)."""

    date: Day | None = None


class DonationReceipt(msgspec.Struct, frozen=True, kw_only=True):
    donor_reference: str
    day: date
    point_name: str
    point_address: str
    devices: list[ReceivedDevice]


async def receipt_for(
    pool: asyncpg.Pool, principal: Principal, point_id: uuid.UUID, donor: str, day: date | None
) -> DonationReceipt:
    """The devices ``donor`` gave at the point on ``day`` (Paris time); 404 alike for a point
    out of scope and a donor with no device that day."""
    place = await PlaceStore(pool).get_place(point_id)
    if place is None or not principal.may_reach(point_scope(point_id)):
        raise NotFound(f"No collection point {point_id} that you work at.", code="places.not_yours")
    if not donor.strip() or day is None:
        raise DomainError(
            "Say whose receipt and which day: donor=<the donor reference typed at the counter> "
            "and date=YYYY-MM-DD.",
            code="donation_receipt.donor_and_day",
        )
    start = datetime.combine(day, time(), PARIS)
    end = datetime.combine(day + timedelta(days=1), time(), PARIS)
    devices = await IntakeStore(pool).given_by(point_id, donor.strip(), start, end)
    if not devices:
        raise NotFound(
            f"No device was received at {place.name} for the donor “{donor.strip()}” on "
            f"{day:%d/%m/%Y}. Check the donor reference typed at the counter and the date.",
            code="donation_receipt.nothing_given",
            place=place.name,
            day=day,
        )
    return DonationReceipt(
        donor_reference=donor.strip(),
        day=day,
        point_name=place.name,
        point_address=f"{place.address}, {place.postcode} {place.commune}".strip(", "),
        devices=devices,
    )


def render_receipt(receipt: DonationReceipt) -> bytes:
    """The receipt as an A4 PDF, in French (the language of the agreements it stands for)."""
    pdf = UnicodePDF(unit="mm", format="A4")
    pdf.set_creation_date(max(device.received_at for device in receipt.devices))
    pdf.set_title(f"Reçu de don - {receipt.donor_reference} - {receipt.day:%d/%m/%Y}")
    pdf.set_creator(PROGRAMME)
    pdf.set_lang("fr")
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font(SANS, style="B", size=15)
    title = "Reçu de don de matériel informatique"
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    day = f"{receipt.day.day} {_FRENCH(f'month.{receipt.day.month}')} {receipt.day.year}"
    for caption, value in (
        ("Donateur", receipt.donor_reference),
        ("Date du don", day),
        ("Point de collecte", receipt.point_name),
        ("Adresse", receipt.point_address),
        ("Appareils reçus", str(len(receipt.devices))),
    ):
        pdf.set_font(SANS, style="B", size=10)
        pdf.cell(45, LINE, caption)
        pdf.set_font(SANS, size=BODY)
        pdf.multi_cell(0, LINE, value or "-", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _devices(pdf, receipt.devices)
    pdf.ln(4)
    pdf.set_font(SANS, style="B", size=BODY)
    pdf.multi_cell(
        0,
        LINE,
        "Toutes les données des appareils reçus seront effacées selon une méthode reconnue, "
        "et chaque effacement fera l'objet d'un certificat consultable avec l'étiquette "
        "Boucle de l'appareil.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(SANS, size=BODY)
    pdf.multi_cell(
        0,
        LINE,
        "Les appareils sont reconditionnés et remis à des foyers de la métropole qui en ont "
        "besoin ; un appareil qui ne peut pas être réemployé est confié à une filière de "
        "recyclage agréée.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def _devices(pdf: FPDF, devices: list[ReceivedDevice]) -> None:
    headings = ("Étiquette", "Type", "Marque, modèle", "N° de série")
    pdf.set_font(SANS, style="B", size=10)
    for (_, width), heading in zip(COLUMNS, headings, strict=True):
        pdf.cell(width, LINE + 1, heading, border="B")
    pdf.ln(LINE + 1)
    pdf.set_font(SANS, size=10)
    for device in devices:
        make_model = " ".join(part for part in (device.brand, device.model) if part)
        cells = (
            format_code(device.label),
            _FRENCH(f"type.{device.device_type}"),
            make_model or "-",
            device.serial_number or "-",
        )
        for (_, width), text in zip(COLUMNS, cells, strict=True):
            pdf.cell(width, LINE + 1, _fitted(pdf, text, width - 1))
        pdf.ln(LINE + 1)


def _fitted(pdf: FPDF, text: str, width: float) -> str:
    """``text`` shortened with an ellipsis mark to fit ``width`` mm on one line."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
