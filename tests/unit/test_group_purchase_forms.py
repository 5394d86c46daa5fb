"""group_purchase's page forms are read as the Structs its API decodes: what the API takes,
the page takes, and what it refuses is said next to the field that holds it."""

from __future__ import annotations

import uuid

import pytest

from services.group_purchase.campaigns.forms import campaign_from, delivery_from, supplier_from
from services.group_purchase.requests.domain import MAX_MONTHLY_QUOTA, Organisation
from services.group_purchase.requests.forms import household_from, need_from, organisation_from
from shared.web.form_reading import FieldProblem

ORGANISATION = Organisation(
    id=uuid.uuid4(), name="CCAS de Roubaix", kind="social_service", contact="", commune=""
)
HOUSEHOLD = {"organisation_id": str(ORGANISATION.id), "commune": "Roubaix", "consent": "yes"}
CAMPAIGN = {
    "device_type": "tablet",
    "tier_from_1": "1",
    "tier_price_1": "249,90",
    "minimum_quantity": "2",
    "maximum_quantity": "3",
    "deadline": "2026-12-24",
}


def problem(read: object, *args: object) -> FieldProblem:
    with pytest.raises(FieldProblem) as raised:
        read(*args)  # type: ignore[operator]
    return raised.value


def test_a_household_is_read_with_its_situation_and_consent() -> None:
    household = household_from(
        {**HOUSEHOLD, "school_age_children": "2", "no_computer": "yes", "contact_phone": "06 12"},
        [ORGANISATION],
    )
    assert household.consent and household.organisation_id == ORGANISATION.id
    assert household.situation.school_age_children == 2 and household.situation.no_computer


def test_a_households_fields_are_held_to_the_limits_the_api_holds_them_to() -> None:
    short = problem(household_from, {**HOUSEHOLD, "commune": "R"}, [ORGANISATION])
    assert (short.field, short.key, short.values) == (
        "commune",
        "form.field.too_short",
        {"least": 2},
    )
    phone = problem(household_from, {**HOUSEHOLD, "contact_phone": "appeler Léa"}, [ORGANISATION])
    assert (phone.field, phone.key) == ("contact_phone", "requests.field.phone")
    long_name = problem(household_from, {**HOUSEHOLD, "contact_name": "x" * 121}, [ORGANISATION])
    assert (long_name.field, long_name.key) == ("contact_name", "form.field.too_long")
    elsewhere = {**HOUSEHOLD, "organisation_id": str(uuid.uuid4())}
    assert problem(household_from, elsewhere, [ORGANISATION]).field == "organisation_id"


def test_a_need_is_read_with_its_ticked_larger_screen() -> None:
    need = need_from({"device_type": "laptop", "purpose": "school", "larger_screen": "yes"})
    assert need.larger_screen and need.min_memory_gb == 0
    assert (
        problem(need_from, {"device_type": "fax", "purpose": "school"}).key == "form.field.choose"
    )


def test_an_organisations_quota_goes_as_high_on_the_page_as_in_the_api() -> None:
    highest = {"name": "CCAS", "monthly_quota": str(MAX_MONTHLY_QUOTA)}
    assert organisation_from(highest).monthly_quota == MAX_MONTHLY_QUOTA
    beyond = problem(organisation_from, {"name": "CCAS", "monthly_quota": "100001"})
    assert (beyond.field, beyond.values) == ("monthly_quota", {"low": 0, "high": MAX_MONTHLY_QUOTA})
    assert organisation_from({"name": "CCAS", "monthly_quota": ""}).monthly_quota is None


def test_a_supplier_is_required_a_name_and_a_phone_of_digits() -> None:
    assert problem(supplier_from, {"name": ""}).key == "form.field.required"
    phone = problem(supplier_from, {"name": "Ateliers", "phone": "demander Paul"})
    assert (phone.field, phone.key) == ("phone", "campaigns.field.phone")
    assert supplier_from({"name": "Ateliers", "kind": "other"}).kind == "other"


def test_a_draft_is_read_whole_and_a_field_beyond_its_limits_is_named() -> None:
    draft = campaign_from({**CAMPAIGN, "min_memory_gb": "4"}, [])
    assert draft.tiers[0].unit_price_cents == 24_990 and draft.min_memory_gb == 4
    assert draft.deadline is not None and draft.deadline.hour == 23
    memory = problem(campaign_from, {**CAMPAIGN, "min_memory_gb": "65"}, [])
    assert (memory.field, memory.key, memory.values) == (
        "min_memory_gb",
        "form.field.number",
        {"low": 0, "high": 64},
    )
    days = problem(campaign_from, {**CAMPAIGN, "extension_days": "91"}, [])
    assert (days.field, days.values) == ("extension_days", {"low": 1, "high": 90})
    title = problem(campaign_from, {**CAMPAIGN, "title": "x" * 201}, [])
    assert (title.field, title.key) == ("title", "form.field.too_long")


def test_a_delivery_note_beyond_its_limit_is_refused_next_to_it() -> None:
    assert len(delivery_from({"delivered": "3"}).devices) == 3
    note = problem(delivery_from, {"delivered": "3", "discrepancy_note": "x" * 501})
    assert (note.field, note.key) == ("discrepancy_note", "form.field.too_long")
