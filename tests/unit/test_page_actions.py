"""What a page's form answers when a use case refuses: the refusal next to its field, in the
page's language, with the status to answer; something out of reach stays a 404."""

from __future__ import annotations

import pytest

from shared.errors import Conflict, NotFound
from shared.web.actions import done_url, refusal_of
from shared.web.form_reading import FieldProblem
from shared.web.i18n import translator


def test_a_field_that_cannot_be_read_is_said_next_to_it_with_a_422() -> None:
    refusal, status = refusal_of(FieldProblem("quota", "form.field.required"), translator("fr"))
    assert (refusal.field, status) == ("quota", 422)
    assert refusal.text == translator("fr")("form.field.required")


def test_a_refusal_keeps_its_status_and_goes_where_its_code_says() -> None:
    error = Conflict("This work order is closed.", code="bench.closed")
    refusal, status = refusal_of(error, translator("en"), {"bench.closed": "label"})
    assert (refusal.field, status) == ("label", 409)
    assert refusal.text == translator("en")("refusal.bench.closed")


def test_something_out_of_reach_is_not_turned_into_a_form_refusal() -> None:
    with pytest.raises(NotFound):
        refusal_of(NotFound("No household.", code="requests.household_unknown"), translator("fr"))
    with pytest.raises(ZeroDivisionError):  # a fault is a fault, never a refusal
        refusal_of(ZeroDivisionError(), translator("fr"))


def test_the_confirmation_is_named_in_the_address() -> None:
    assert done_url("/demandes/1", "confirmed", "besoin-2") == "/demandes/1?fait=confirmed#besoin-2"
    assert done_url("/achats/fournisseurs", "created") == "/achats/fournisseurs?fait=created"
