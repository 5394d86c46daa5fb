"""The group-purchase pages' forms read into the commands of campaigns: amounts typed in euros
become exact cents, price tiers are read row by row, a deadline date is the end of that day in
Paris. A field that cannot be read says which one and why, to show next to it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time

from services.group_purchase.campaigns.domain import (
    CampaignCreate,
    DeliveredDevice,
    Delivery,
    Supplier,
    SupplierCreate,
    SupplierKind,
)
from services.group_purchase.campaigns.pricing import PriceTier
from services.group_purchase.campaigns.views import CampaignView
from shared.web.form_reading import FieldProblem, cents_of, choice, read_form, whole
from shared.web.pages import TIMEZONE

SUPPLIER_KINDS: tuple[str, ...] = SupplierKind.__args__  # type: ignore[attr-defined]
POLICIES = ("extend_once", "cancel")
TIER_ROWS = 4  # rows of the tiers table; a supplier's quote rarely has more
MAX_QUANTITY = 100_000
MAX_DELIVERY = 2000


def _whole(form: Mapping[str, str], name: str, low: int, high: int, default: int | None) -> int:
    """A whole number, ``default`` when left blank (required when there is none)."""
    number = whole(form, name, low, high)
    if number is not None:
        return number
    if default is None:
        raise FieldProblem(name, "form.field.number", low=low, high=high)
    return default


def supplier_from(form: Mapping[str, str]) -> SupplierCreate:
    """The supplier as the API decodes it; a phone number refused says what it may hold."""
    try:
        return read_form(SupplierCreate, form)
    except FieldProblem as problem:
        if problem.field == "phone" and problem.key == "form.field.invalid":
            raise FieldProblem("phone", "campaigns.field.phone") from problem
        raise


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
    """A draft's content as a whole, as the API decodes it (the tiers checked by the
    campaign's own rules after); the page reads the tiers, the deadline and the supplier."""
    supplier = form.get("supplier_id", "").strip()
    if supplier and supplier not in {str(known.id) for known in suppliers}:
        raise FieldProblem("supplier_id", "form.field.choose")
    return read_form(
        CampaignCreate,
        form,
        names={"tiers": "tier_from_1"},
        supplier_id=uuid.UUID(supplier) if supplier else None,
        tiers=tiers_from(form),
        deadline=deadline_from(form),
    )


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
    return read_form(
        Delivery,
        form,
        names={"devices": "delivered"},
        devices=[DeliveredDevice() for _ in range(count)],
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
