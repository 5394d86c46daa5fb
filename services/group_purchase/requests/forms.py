"""The request pages' forms read into the commands of requests; a field that cannot be read
says which one and why, so the page can show the message next to it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

import msgspec

from services.group_purchase.requests.domain import (
    MAX_MONTHLY_QUOTA,
    HouseholdCreate,
    NeedCreate,
    Organisation,
    OrganisationCreate,
    OrganisationKind,
)
from services.group_purchase.requests.priority import Situation, load_policy
from shared.web.form_reading import FieldProblem, choice, read_form, whole

ORGANISATION_KINDS: tuple[str, ...] = OrganisationKind.__args__  # type: ignore[attr-defined]
MEMORY_CHOICES = ("0", "4", "8", "16")
STORAGE_CHOICES = ("0", "64", "128", "256", "512")
MAX_UNITS = 20  # children counted on the form: more is surely a typing mistake


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
    """The household as the API decodes it, among the organisations the page offers; a phone
    number refused says what it may hold."""
    reachable = {str(organisation.id) for organisation in organisations}
    organisation_id = choice(form, "organisation_id", sorted(reachable))
    try:
        return read_form(
            HouseholdCreate,
            form,
            organisation_id=uuid.UUID(organisation_id),
            situation=situation_from(form),
        )
    except FieldProblem as problem:
        if problem.field == "contact_phone" and problem.key == "form.field.invalid":
            raise FieldProblem("contact_phone", "requests.field.phone") from problem
        raise


def need_from(form: Mapping[str, str]) -> NeedCreate:
    """A need as the API decodes it; sizes among those the page offers."""
    return read_form(
        NeedCreate,
        form,
        min_memory_gb=int(choice(form, "min_memory_gb", MEMORY_CHOICES, blank=True) or 0),
        min_storage_gb=int(choice(form, "min_storage_gb", STORAGE_CHOICES, blank=True) or 0),
    )


def organisation_from(form: Mapping[str, str]) -> OrganisationCreate:
    return read_form(OrganisationCreate, form)


def quota_from(form: Mapping[str, str]) -> int | None:
    """Devices an organisation may reserve per month; blank means no limit."""
    return whole(form, "monthly_quota", 0, MAX_MONTHLY_QUOTA)
