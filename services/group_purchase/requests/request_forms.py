"""The request pages' forms read into the commands of requests; a field that cannot be read
says which one and why, so the page can show the message next to it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from services.group_purchase.requests.domain import (
    DEVICE_TYPES,
    PURPOSES,
    HouseholdCreate,
    NeedCreate,
    Organisation,
    OrganisationCreate,
)
from services.group_purchase.requests.priority import Situation, load_policy

INTERNET_ACCESS = ("home", "phone_only", "none")
ORGANISATION_KINDS = ("social_service", "association", "school", "other")
MEMORY_CHOICES = ("0", "4", "8", "16")
STORAGE_CHOICES = ("0", "64", "128", "256", "512")
MAX_UNITS = 20  # children counted on the form: more is surely a typing mistake
MAX_QUOTA = 10_000
PHONE = re.compile(r"^[0-9 +().-]*$")


class FieldProblem(Exception):
    """One field of a form that cannot be read: the message key and the field's name."""

    def __init__(self, field: str, key: str, **values: Any) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key
        self.values = values


def _text(
    form: Mapping[str, str], name: str, required: bool = False, limit: int = 200, least: int = 0
) -> str:
    value = form.get(name, "").strip()
    if required and not value:
        raise FieldProblem(name, "requests.field.required")
    if len(value) > limit:
        raise FieldProblem(name, "requests.field.too_long", limit=limit)
    if value and len(value) < least:
        raise FieldProblem(name, "requests.field.too_short", least=least)
    return value


def _choice(form: Mapping[str, str], name: str, choices: Sequence[str], blank: bool = False) -> str:
    value = form.get(name, "").strip()
    if value not in choices and not (blank and not value):
        raise FieldProblem(name, "requests.field.choose")
    return value


def _whole(form: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise FieldProblem(name, "requests.field.number", low=low, high=high) from None
    if not low <= number <= high:
        raise FieldProblem(name, "requests.field.number", low=low, high=high)
    return number


def situation_from(form: Mapping[str, str]) -> Situation:
    """The published criteria ticked (or counted) on the form."""
    declared: dict[str, int | bool] = {}
    for criterion in load_policy().criteria:
        if criterion.per_unit:
            declared[criterion.key] = _whole(form, criterion.key, 0, MAX_UNITS) or 0
        else:
            declared[criterion.key] = form.get(criterion.key) == "yes"
    return msgspec.convert(declared, Situation)


def household_from(
    form: Mapping[str, str], organisations: Sequence[Organisation]
) -> HouseholdCreate:
    reachable = {str(organisation.id) for organisation in organisations}
    organisation_id = _choice(form, "organisation_id", sorted(reachable))
    phone = _text(form, "contact_phone", limit=40)
    if not PHONE.match(phone):
        raise FieldProblem("contact_phone", "requests.field.phone")
    return HouseholdCreate(
        organisation_id=uuid.UUID(organisation_id),
        commune=_text(form, "commune", required=True, limit=100, least=2),
        situation=situation_from(form),
        existing_equipment=_text(form, "existing_equipment"),
        internet_access=_choice(form, "internet_access", INTERNET_ACCESS, blank=True),  # type: ignore[arg-type]
        contact_name=_text(form, "contact_name", limit=120),
        contact_phone=phone,
        consent=form.get("consent") == "yes",
    )


def need_from(form: Mapping[str, str]) -> NeedCreate:
    return NeedCreate(
        device_type=_choice(form, "device_type", DEVICE_TYPES),  # type: ignore[arg-type]
        purpose=_choice(form, "purpose", PURPOSES),  # type: ignore[arg-type]
        min_memory_gb=int(_choice(form, "min_memory_gb", MEMORY_CHOICES, blank=True) or 0),
        min_storage_gb=int(_choice(form, "min_storage_gb", STORAGE_CHOICES, blank=True) or 0),
        larger_screen=form.get("larger_screen") == "yes",
        keyboard_layout=_text(form, "keyboard_layout", limit=40),
        accessibility_note=_text(form, "accessibility_note"),
        pickup_place=_text(form, "pickup_place"),
    )


def organisation_from(form: Mapping[str, str]) -> OrganisationCreate:
    return OrganisationCreate(
        name=_text(form, "name", required=True, least=2),
        kind=_choice(form, "kind", ORGANISATION_KINDS),  # type: ignore[arg-type]
        contact=_text(form, "contact"),
        commune=_text(form, "commune", limit=100),
        monthly_quota=quota_from(form),
    )


def quota_from(form: Mapping[str, str]) -> int | None:
    """Devices an organisation may reserve per month; blank means no limit."""
    return _whole(form, "monthly_quota", 0, MAX_QUOTA)


def typed_back(form: Mapping[str, str]) -> dict[str, str]:
    """The form as typed, to show it again with the refusal (never the security token)."""
    return {key: value for key, value in form.items() if not key.startswith("_")}
