"""A hand-over receipt with plausible values, for the tests of its PDF."""

from __future__ import annotations

from datetime import UTC, datetime

from services.group_purchase.requests.receipt_pdf import HandOverReceipt


def receipt(**changes: object) -> HandOverReceipt:
    fields: dict[str, object] = {
        "household_reference": "M-7K2Q9",
        "label": "K7Q2M9XBA",
        "device_type": "laptop",
        "make_model": "Lenovo ThinkPad T480",
        "grade": "B",
        "handed_over_at": datetime(2026, 3, 12, 13, 30, tzinfo=UTC),
        "handed_over_at_place": "Maison de quartier Jean Macé",
        "organisation_name": "CCAS de Roubaix",
        "organisation_contact": "03 20 00 00 00",
        "passport_url": "HTTPS://BOUCLE.EXAMPLE/D/K7Q2M9XBA",
    } | changes
    return HandOverReceipt(**fields)  # type: ignore[arg-type]
