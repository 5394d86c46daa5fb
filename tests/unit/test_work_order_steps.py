"""The work order page opens the step to do now, for the person at it, and folds the others."""

from __future__ import annotations

from typing import Any

from services.refurbishment.bench.views import OrderView


def _order(**given: Any) -> OrderView:
    facts: dict[str, Any] = {
        "label": "K7Q2-M9XB-A",
        "is_phone": False,
        "is_officer": False,
        "person": "camille",
        "closed": False,
        "outcome": "",
        "barrier": "",
        "opened_at": None,
        "closed_at": None,
    }
    return OrderView(**{**facts, **given})


ISSUED = [{"id": "c1", "issued_at": "2026-11-28"}]
PASSED = {"grade": "A", "functional_pass": True, "battery_health": None, "specs": {}}
FAILED = {**PASSED, "functional_pass": False}


def test_an_officer_erases_first_and_a_refurbisher_diagnoses_meanwhile() -> None:
    assert _order(is_officer=True).current_step == "erasure"
    assert _order().current_step == "diagnosis"
    assert _order().step_state("erasure") == "missing"
    assert _order().step_state("diagnosis") == "now"
    assert _order(pending=[{"id": "e1"}]).step_state("erasure") == "pending"


def test_failed_tests_call_for_a_repair_and_passed_ones_for_the_release() -> None:
    assert _order(certificates=ISSUED, grading=FAILED).current_step == "repair"
    assert _order(certificates=ISSUED, grading=FAILED).step_state("grade") == "missing"
    released = _order(certificates=ISSUED, grading=PASSED)
    assert released.current_step == "release"
    assert released.step_state("grade") == "done"
    assert released.step_state("erasure") == "done"
    assert released.step_state("recycle") == "optional"


def test_a_graded_device_still_to_erase_waits_on_the_erasure() -> None:
    assert _order(grading=PASSED).current_step == "erasure"


def test_only_one_step_is_open_the_refused_one_before_the_one_to_do_now() -> None:
    order = _order(is_officer=True)
    steps = ("erasure", "diagnosis", "repair", "grade", "release", "recycle", "dismantle")

    assert [step for step in steps if order.opens(step, "")] == ["erasure"]
    assert [step for step in steps if order.opens(step, "dismantling")] == ["dismantle"]
    assert [step for step in steps if order.opens(step, "no_storage")] == ["erasure"]
    assert [step for step in steps if order.opens(step, "take")] == ["erasure"]
