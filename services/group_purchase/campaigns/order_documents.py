"""The purchase order of a campaign, as a PDF for the supplier and the funders and as CSV for
accounting: quantity, tier, unit price, total, and how it is paid (households' contributions
by band, then the subsidy). Amounts are whole cents and the lines add up to the total.

Households appear only as counts per band: the supplier never learns who they are."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec

from services.group_purchase.campaigns.pricing import format_euros
from services.group_purchase.requests.receipt_pdf import (
    facts,
    heading,
    new_document,
    paragraph,
    title,
)
from shared.spreadsheets import Writer

TIMEZONE = ZoneInfo("Europe/Paris")
CSV_HEADER = ("order_number", "line", "description", "quantity", "unit_cents", "amount_cents")


class ContributionLine(msgspec.Struct, frozen=True, kw_only=True):
    """The households of one band, who each pay the same share."""

    band: str
    band_label: str
    households: int
    contribution_cents: int  # each

    @property
    def amount_cents(self) -> int:
        return self.households * self.contribution_cents


class OrderDocument(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    ordered_at: datetime
    supplier_name: str
    supplier_contact: str
    supplier_terms: str
    supplier_offer: str
    campaign_title: str
    item: str  # type, minimum specs and grade, in words
    quantity: int
    tier_min_quantity: int
    tier_max_quantity: int | None
    unit_price_cents: int
    total_cents: int
    contributions_cents: int
    subsidy_cents: int
    subsidy_funder: str
    contributions: list[ContributionLine]


def order_csv(document: OrderDocument) -> bytes:
    """One line for the devices, one per band of contributions, the subsidy and the total."""
    buffer = io.StringIO()
    writer = Writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    number = document.number
    writer.writerow(
        (
            number,
            "devices",
            f"{document.item}; tier {_tier_words(document)}",
            document.quantity,
            document.unit_price_cents,
            document.total_cents,
        )
    )
    for line in document.contributions:
        writer.writerow(
            (
                number,
                "contribution",
                f"households, band {line.band}",
                line.households,
                line.contribution_cents,
                line.amount_cents,
            )
        )
    writer.writerow(
        (
            number,
            "subsidy",
            document.subsidy_funder or "subsidy",
            1,
            document.subsidy_cents,
            document.subsidy_cents,
        )
    )
    writer.writerow(
        (number, "total", "devices = contributions + subsidy", "", "", document.total_cents)
    )
    return buffer.getvalue().encode("utf-8")


def _tier_words(document: OrderDocument) -> str:
    upper = "" if document.tier_max_quantity is None else str(document.tier_max_quantity)
    return f"{document.tier_min_quantity}-{upper}" if upper else f"{document.tier_min_quantity}+"


def order_pdf(document: OrderDocument) -> bytes:
    """A one-page A4 bon de commande (bytes depend only on the order)."""
    pdf = new_document(document.ordered_at, f"Bon de commande {document.number}")
    pdf.set_lang("fr")
    title(pdf, f"Bon de commande / Purchase order {document.number}")
    ordered = document.ordered_at.astimezone(TIMEZONE)
    facts(
        pdf,
        [
            ("Date", f"{ordered:%d/%m/%Y %H:%M}"),
            ("Fournisseur", document.supplier_name),
            ("Contact", document.supplier_contact),
            ("Offre", document.supplier_offer),
            ("Campagne", document.campaign_title),
        ],
    )
    heading(pdf, "Articles / Items")
    facts(
        pdf,
        [
            ("Article", document.item),
            ("Quantité", str(document.quantity)),
            ("Palier", _tier_words(document)),
            ("Prix unitaire", format_euros(document.unit_price_cents)),
            ("Total", format_euros(document.total_cents)),
        ],
    )
    heading(pdf, "Financement / How it is paid")
    rows = [
        (
            f"{line.band_label or line.band}",
            f"{line.households} x {format_euros(line.contribution_cents)} = "
            f"{format_euros(line.amount_cents)}",
        )
        for line in document.contributions
    ]
    rows += [
        ("Participations", format_euros(document.contributions_cents)),
        (
            "Subvention",
            format_euros(document.subsidy_cents)
            + (f" ({document.subsidy_funder})" if document.subsidy_funder else ""),
        ),
        ("Total", format_euros(document.total_cents)),
    ]
    facts(pdf, rows)
    if document.supplier_terms.strip():
        heading(pdf, "Conditions du fournisseur / Supplier's terms")
        paragraph(pdf, document.supplier_terms)
    paragraph(
        pdf,
        "Les appareils livrés sont étiquetés par Boucle à la réception ; le nombre livré est "
        "comparé à la commande.",
        style="I",
    )
    return bytes(pdf.output())
