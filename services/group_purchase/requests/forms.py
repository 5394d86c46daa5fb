"""The request pages' forms read into the commands of requests; a field that cannot be read
says which one and why, so the page can show the message next to it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence

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
from shared.web.form_reading import FieldProblem, choice, text, whole

INTERNET_ACCESS = ("home", "phone_only", "none")
ORGANISATION_KINDS = ("social_service", "association", "school", "other")
MEMORY_CHOICES = ("0", "4", "8", "16")
STORAGE_CHOICES = ("0", "64", "128", "256", "512")
MAX_UNITS = 20  # children counted on the form: more is surely a typing mistake
MAX_QUOTA = 10_000
PHONE = re.compile(r"^[0-9 +().-]*$")


def situation_from(form: Mapping[str, str]) -> Situation:
    """The published criteria ticked (or counted) on the form."""
    declared: dict[str, int | bool] = {}
    for criterion in load_policy().criteria:
        if criterion.per_unit:
            declared[criterion.key] = whole(form, criterion.key, 0, MAX_UNITS) or 0
        else:
            declared[criterion.key] = form.get(criterion.key) == "yes"
    return msgspec.convert(declared, Situation)


def household_from(
    form: Mapping[str, str], organisations: Sequence[Organisation]
) -> HouseholdCreate:
    reachable = {str(organisation.id) for organisation in organisations}
    organisation_id = choice(form, "organisation_id", sorted(reachable))
    phone = text(form, "contact_phone", limit=40)
    if not PHONE.match(phone):
        raise FieldProblem("contact_phone", "requests.field.phone")
    return HouseholdCreate(
        organisation_id=uuid.UUID(organisation_id),
        commune=text(form, "commune", required=True, limit=100, least=2),
        situation=situation_from(form),
        existing_equipment=text(form, "existing_equipment"),
        internet_access=choice(form, "internet_access", INTERNET_ACCESS, blank=True),  # type: ignore[arg-type]
        contact_name=text(form, "contact_name", limit=120),
        contact_phone=phone,
        consent=form.get("consent") == "yes",
    )


def need_from(form: Mapping[str, str]) -> NeedCreate:
    return NeedCreate(
        device_type=choice(form, "device_type", DEVICE_TYPES),  # type: ignore[arg-type]
        purpose=choice(form, "purpose", PURPOSES),  # type: ignore[arg-type]
        min_memory_gb=int(choice(form, "min_memory_gb", MEMORY_CHOICES, blank=True) or 0),
        min_storage_gb=int(choice(form, "min_storage_gb", STORAGE_CHOICES, blank=True) or 0),
        larger_screen=form.get("larger_screen") == "yes",
        keyboard_layout=text(form, "keyboard_layout", limit=40),
        accessibility_note=text(form, "accessibility_note"),
        pickup_place=text(form, "pickup_place"),
    )


def organisation_from(form: Mapping[str, str]) -> OrganisationCreate:
    return OrganisationCreate(
        name=text(form, "name", required=True, least=2),
        kind=choice(form, "kind", ORGANISATION_KINDS),  # type: ignore[arg-type]
        contact=text(form, "contact"),
        commune=text(form, "commune", limit=100),
        monthly_quota=quota_from(form),
    )


def quota_from(form: Mapping[str, str]) -> int | None:
    """Devices an organisation may reserve per month; blank means no limit."""
    return whole(form, "monthly_quota", 0, MAX_QUOTA)
