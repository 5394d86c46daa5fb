"""No event carries personal data: households travel as an opaque reference, never a name,
a phone number, an e-mail or a street address."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from shared.events import registry
from shared.proto import event_schema

PERSONAL = re.compile(
    r"(^|_)(name|first_?name|last_?name|surname|phone|telephone|mobile|e_?mail|address|street|"
    r"birth|birthday|iban|nir|social_security)($|_)"
)
# Names of places and of workshops are public facts about organisations, not people.
PUBLIC_NAMES = {"collection_point_name", "workshop_name", "place_name"}


def _properties(schema: dict[str, Any], definitions: dict[str, Any]) -> Iterator[str]:
    if "$ref" in schema:
        yield from _properties(definitions[schema["$ref"].rsplit("/", 1)[-1]], definitions)
        return
    for name, child in schema.get("properties", {}).items():
        yield name
        yield from _properties(child, definitions)
    for key in ("items", "anyOf", "oneOf", "allOf"):
        value = schema.get(key)
        for child in value if isinstance(value, list) else [value] if value else []:
            yield from _properties(child, definitions)


@pytest.mark.parametrize("subject", sorted(registry.types()))
def test_no_event_has_a_field_for_personal_data(subject: str) -> None:
    schema = event_schema(registry.types()[subject])
    fields = set(_properties(schema, schema.get("$defs", {})))
    personal = sorted(f for f in fields if PERSONAL.search(f) and f not in PUBLIC_NAMES)
    assert personal == [], f"{subject} carries personal data: {personal}"


def test_the_privacy_check_would_catch_a_household_name() -> None:
    assert PERSONAL.search("household_name")
    assert PERSONAL.search("phone")
    assert PERSONAL.search("contact_email")
    assert not PERSONAL.search("household_ref")
