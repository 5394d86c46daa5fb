"""The group-purchase pages' forms read into the commands of campaigns: amounts typed in euros
become exact cents, price tiers are read row by row, a deadline date is the end of that day in
Paris. A field that cannot be read says which one and why, to show next to it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

import msgspec

from services.group_purchase.campaigns.domain import (
    CampaignCreate,
    DeliveredDevice,
    Delivery,
    Supplier,
    SupplierCreate,
)
from services.group_purchase.campaigns.pricing import PriceTier
from services.group_purchase.campaigns.views import CampaignView
from services.group_purchase.requests.domain import (
    DEVICE_TYPES,
    MAX_MEMORY_GB,
    MAX_STORAGE_GB,
)
from shared.grades import GRADES
from shared.web.form_reading import FieldProblem, cents_of, choice, text, whole
from shared.web.pages import TIMEZONE

SUPPLIER_KINDS = ("refurbisher", "social_enterprise", "other")
POLICIES = ("extend_once", "cancel")
TIER_ROWS = 4  # rows of the tiers table; a supplier's quote rarely has more
MAX_QUANTITY = 100_000
MAX_DELIVERY = 2000
PHONE = re.compile(r"^[0-9 +().-]*$")


def _whole(form: Mapping[str, str], name: str, low: int, high: int, default: int | None) -> int:
    """A whole number, ``default`` when left blank (required when there is none)."""
    number = whole(form, name, low, high)
    if number is not None:
        return number
    if default is None:
        raise FieldProblem(name, "form.field.number", low=low, high=high)
    return default


def supplier_from(form: Mapping[str, str]) -> SupplierCreate:
    phone = text(form, "phone", limit=40)
    if not PHONE.match(phone):
        raise FieldProblem("phone", "campaigns.field.phone")
    return SupplierCreate(
        name=text(form, "name", least=2),
        kind=choice(form, "kind", SUPPLIER_KINDS),  # type: ignore[arg-type]
        contact=text(form, "contact"),
        email=text(form, "email"),
        phone=phone,
        terms=text(form, "terms", limit=2000),
    )


def tiers_from(form: Mapping[str, str]) -> list[PriceTier]:
    """The rows filled in: "from" quantity, optional "up to", unit price in euros. An empty
    "up to" runs to the next row's start (the last row: no upper bound)."""
    rows: list[tuple[int, int | None, int]] = []
    for row in range(1, TIER_ROWS + 1):
        start, end, price = (f"tier_{part}_{row}" for part in ("from", "to", "price"))
        if not any(form.get(name, "").strip() for name in (start, end, price)):
            continue
        low = _whole(form, start, 1, MAX_QUANTITY, None)
        high = _whole(form, end, 1, MAX_QUANTITY, 0) or None
        cents = cents_of(form.get(price, ""))
        if not cents:
            raise FieldProblem(price, "campaigns.field.euros")
        rows.append((low, high, cents))
    if not rows:
        raise FieldProblem("tier_from_1", "campaigns.field.tiers_missing")
    rows.sort(key=lambda row: row[0])
    tiers = []
    for index, (low, high, cents) in enumerate(rows):
        following = rows[index + 1][0] if index + 1 < len(rows) else None
        if high is None and following is not None:
            high = max(low, following - 1)
        tiers.append(PriceTier(min_quantity=low, max_quantity=high, unit_price_cents=cents))
    return tiers


def deadline_from(form: Mapping[str, str]) -> datetime | None:
    """The end of the chosen day in Paris: pledges are taken all that day."""
    typed = form.get("deadline", "").strip()
    if not typed:
        return None
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        raise FieldProblem("deadline", "campaigns.field.date") from None
    return datetime.combine(day, time(23, 59, 59), TIMEZONE)


def campaign_from(form: Mapping[str, str], suppliers: Sequence[Supplier]) -> CampaignCreate:
    """A draft's content as a whole (the tiers checked by the campaign's own rules after)."""
    supplier = form.get("supplier_id", "").strip()
    if supplier and supplier not in {str(known.id) for known in suppliers}:
        raise FieldProblem("supplier_id", "form.field.choose")
    content: dict[str, Any] = {
        "title": text(form, "title"),
        "device_type": choice(form, "device_type", DEVICE_TYPES),
        "min_memory_gb": _whole(form, "min_memory_gb", 0, MAX_MEMORY_GB, 0),
        "min_storage_gb": _whole(form, "min_storage_gb", 0, MAX_STORAGE_GB, 0),
        "grade": choice(form, "grade", GRADES),
        "supplier_id": uuid.UUID(supplier) if supplier else None,
        "supplier_offer": text(form, "supplier_offer"),
        "tiers": tiers_from(form),
        "minimum_quantity": _whole(form, "minimum_quantity", 1, MAX_QUANTITY, None),
        "maximum_quantity": _whole(form, "maximum_quantity", 1, MAX_QUANTITY, None),
        "deadline": deadline_from(form),
        "extension_days": _whole(form, "extension_days", 1, 90, 14),
        "subsidy_funder": text(form, "subsidy_funder"),
    }
    try:
        return msgspec.convert(content, CampaignCreate)
    except msgspec.ValidationError as error:
        found = re.search(r"`\$\.(\w+)", str(error))
        raise FieldProblem(
            found.group(1) if found else "title", "campaigns.field.invalid"
        ) from None


def policy_from(form: Mapping[str, str]) -> str:
    return choice(form, "deadline_policy", POLICIES)


def need_from(form: Mapping[str, str]) -> uuid.UUID:
    try:
        return uuid.UUID(form.get("need_id", "").strip())
    except ValueError:
        raise FieldProblem("need_id", "campaigns.field.need") from None


def delivery_from(form: Mapping[str, str]) -> Delivery:
    """As many devices as counted on the delivery note (their details come with the labels'
    first scan at the workshop); a count that differs from the order needs a note."""
    count = _whole(form, "delivered", 1, MAX_DELIVERY, None)
    return Delivery(
        devices=[DeliveredDevice() for _ in range(count)],
        place_name=text(form, "place_name"),
        discrepancy_note=text(form, "discrepancy_note", limit=500),
    )


def campaign_typed(content: CampaignView) -> dict[str, str]:
    """A draft shown in its form again, as someone would type it."""
    typed = {
        "title": content.title,
        "device_type": content.device_type,
        "min_memory_gb": str(content.min_memory_gb),
        "min_storage_gb": str(content.min_storage_gb),
        "grade": content.grade,
        "supplier_id": str(content.supplier.id) if content.supplier else "",
        "supplier_offer": content.supplier_offer,
        "minimum_quantity": str(content.minimum_quantity),
        "maximum_quantity": str(content.maximum_quantity),
        "deadline": content.deadline.astimezone(TIMEZONE).date().isoformat()
        if content.deadline
        else "",
        "extension_days": str(content.extension_days),
        "subsidy_funder": content.subsidy_funder,
    }
    for row, tier in enumerate(content.tiers[:TIER_ROWS], start=1):
        typed[f"tier_from_{row}"] = str(tier.min_quantity)
        typed[f"tier_to_{row}"] = str(tier.max_quantity or "")
        typed[f"tier_price_{row}"] = euros_typed(tier.unit_price_cents)
    return typed


def euros_typed(cents: int) -> str:
    """``24990`` → ``249,90`` as a French person types it (whole euros without decimals)."""
    euros, rest = divmod(cents, 100)
    return f"{euros},{rest:02d}" if rest else str(euros)
