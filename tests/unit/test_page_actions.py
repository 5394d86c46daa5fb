"""What a page's form answers when a use case refuses: the refusal next to its field, in the
page's language, with the status to answer; something out of reach stays a 404."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from shared.errors import Conflict, DomainError, NotFound
from shared.web.actions import Errors, act, done_url, refusal_of
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


def test_something_not_found_that_a_field_names_is_said_next_to_that_field() -> None:
    unknown = NotFound("No such label.", code="bench.label_unknown", label="K7Q2-M9XB-4")
    refusal, status = refusal_of(unknown, translator("fr"), {"bench.label_unknown": "label"})
    assert (refusal.field, status) == ("label", 404)


def a_page_request() -> Any:
    """What act() reads of a page's request when the step is refused: its language."""
    return SimpleNamespace(query_params={"lang": "en"}, cookies={})


async def refused_here(_: Errors, status: int) -> str:
    return f"the form again ({status})"


async def test_a_refusal_can_lead_elsewhere_instead_of_being_said() -> None:
    async def already_here() -> None:
        raise Conflict("Already checked in.", code="bench.checked_in_elsewhere")

    async def its_work_order(error: DomainError) -> str | None:
        return f"/atelier/commandes/7?fait=already_here&code={error.code}"

    answer = await act(
        a_page_request(),
        already_here,
        done="/atelier/1",
        again=refused_here,
        elsewhere={"bench.checked_in_elsewhere": its_work_order},
    )

    assert answer.status_code == 303
    assert answer.url == "/atelier/commandes/7?fait=already_here&code=bench.checked_in_elsewhere"


async def test_a_refusal_whose_elsewhere_is_nowhere_is_said_as_any_other() -> None:
    async def elsewhere_indeed() -> None:
        raise Conflict("Checked in at Tourcoing.", code="bench.checked_in_elsewhere")

    async def not_here(_: DomainError) -> str | None:
        return None

    answer = await act(
        a_page_request(),
        elsewhere_indeed,
        done="/atelier/1",
        again=refused_here,
        elsewhere={"bench.checked_in_elsewhere": not_here},
    )

    assert answer == "the form again (409)"


def test_the_confirmation_is_named_in_the_address() -> None:
    assert done_url("/demandes/1", "confirmed", "besoin-2") == "/demandes/1?fait=confirmed#besoin-2"
    assert done_url("/achats/fournisseurs", "created") == "/achats/fournisseurs?fait=created"
