"""The rules of the bench: release (a certificate, a grade, a device that works), dismantling
(an erasure first), the parts bin, and the battery thresholds of grading."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.refurbishment.bench import forms as bench_forms
from services.refurbishment.bench.diagnosis import Diagnosis, StorageSpec, grade_prefill
from services.refurbishment.bench.domain import (
    DismantleRefused,
    GradeGiven,
    GradeRefused,
    GradingThresholds,
    ReleaseRefused,
    WorkOrder,
    check_dismantle,
    check_grade,
    check_release,
)
from services.refurbishment.bench.refusals import explain
from services.refurbishment.parts.domain import PartCreate, PartsBinEmpty
from shared.config import load_settings
from shared.errors import Conflict
from shared.web.i18n import translator


def _order(**changes: object) -> WorkOrder:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "device_id": uuid.uuid4(),
        "label": "K7Q2M9XBA",
        "device_type": "laptop",
        "workshop_id": uuid.uuid4(),
        "workshop_name": "Atelier de Roubaix",
        "erased": True,
        "graded": True,
        "functional_pass": True,
        "closed": False,
        "state": "open",
        "opened_at": datetime.now(UTC),
    }
    values.update(changes)
    return WorkOrder(**values)  # type: ignore[arg-type]


def test_an_erased_graded_working_device_may_be_released() -> None:
    check_release(_order())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"erased": False}, "erasure certificate"),
        ({"graded": False}, "a grade"),
        (
            {"erased": False, "graded": False},
            "certificate validated by a second erasure officer and a grade",
        ),
        ({"functional_pass": False}, "failed its functional tests"),
        ({"closed": True}, "closed"),
    ],
)
def test_a_device_is_never_released_without_what_it_needs(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ReleaseRefused if "closed" not in changes else Exception, match=message):
        check_release(_order(**changes))


def test_the_grade_form_starts_from_the_diagnosis_and_a_failed_test_is_not_a_pass() -> None:
    diagnosis = Diagnosis(
        brand="Lenovo",
        memory_gb=8,
        storage=[StorageSpec(kind="nvme", size_gb=256), StorageSpec(kind="hdd", size_gb=500)],
        battery_health=58,
        tests={"power": "pass", "battery": "fail"},
    )
    assert grade_prefill(diagnosis) == {
        "brand": "Lenovo",
        "memory_gb": "8",
        "storage_gb": "756",
        "battery_health": "58",
        "functional_pass": "no",
    }
    assert grade_prefill(Diagnosis(tests={"power": "pass"}))["functional_pass"] == "yes"
    assert "functional_pass" not in grade_prefill(Diagnosis())


def test_the_diagnosis_form_reads_specs_tests_and_notes_and_says_which_field_is_wrong() -> None:
    typed = {
        "brand": "Lenovo",
        "memory_gb": "8",
        "storage_kind_1": "ssd",
        "storage_gb_1": "256",
        "screen_inches": "15,6",
        "keyboard_layout": "azerty_fr",
        "test_power": "pass",
        "test_wifi": "fail",
        "test_camera_audio": "",
        "cosmetic_notes": "Coque rayée",
    }
    diagnosis = bench_forms.diagnosis_from(typed)
    assert diagnosis.storage == [StorageSpec(kind="ssd", size_gb=256)]
    assert diagnosis.screen_inches == 15.6
    assert diagnosis.tests == {"power": "pass", "wifi": "fail"}
    assert bench_forms.diagnosis_from(bench_forms.diagnosis_form(diagnosis)) == diagnosis
    with pytest.raises(bench_forms.FieldProblem) as problem:
        bench_forms.diagnosis_from({**typed, "storage_gb_1": "", "storage_kind_1": "ssd"})
    assert problem.value.field == "storage_gb_1"
    with pytest.raises(bench_forms.FieldProblem) as problem:
        bench_forms.diagnosis_from({**typed, "test_power": "maybe"})
    assert problem.value.field == "test_power"


def test_a_repair_form_reads_a_part_and_its_cost_in_cents() -> None:
    repair = bench_forms.repair_from(
        {
            "kind": "replacement",
            "description": "Batterie remplacée",
            "part_name": "Batterie 01AV421",
            "part_source": "bought",
            "part_cost": "45,90",
            "minutes": "25",
        }
    )
    assert repair.parts[0].cost_cents == 4590
    assert repair.minutes == 25
    without_part = bench_forms.repair_from(
        {"kind": "cleaning", "description": "Ventilateur nettoyé", "minutes": "10"}
    )
    assert without_part.parts == []
    with pytest.raises(bench_forms.FieldProblem) as problem:
        bench_forms.repair_from({"kind": "cleaning", "description": "Ventilateur nettoyé"})
    assert problem.value.field == "minutes"
    with pytest.raises(bench_forms.FieldProblem) as problem:
        bench_forms.repair_from(
            {"kind": "other", "description": "Vis", "part_name": "Vis", "minutes": "5"}
        )
    assert problem.value.field == "part_source"


def test_a_part_cost_beyond_what_the_api_accepts_is_refused_on_the_page_too() -> None:
    """The limit is the one PartUsed declares (100,000.00 €), not one of the form's own."""
    typed = {
        "kind": "replacement",
        "description": "Carte mère remplacée",
        "part_name": "Carte mère",
        "part_source": "bought",
        "minutes": "60",
    }
    assert bench_forms.repair_from({**typed, "part_cost": "100000"}).parts[0].cost_cents == (
        10_000_000
    )
    with pytest.raises(bench_forms.FieldProblem) as problem:
        bench_forms.repair_from({**typed, "part_cost": "100000,01"})
    assert (problem.value.field, problem.value.key) == ("part_cost", "form.field.beyond_limits")


def test_a_device_cannot_be_dismantled_without_an_erasure_certificate() -> None:
    with pytest.raises(DismantleRefused, match="erasure certificate"):
        check_dismantle(_order(erased=False, graded=False, functional_pass=False))
    with pytest.raises(Conflict, match="closed"):
        check_dismantle(_order(closed=True))
    check_dismantle(_order(graded=False, functional_pass=False))


def test_the_dismantling_form_reads_the_reason_and_the_parts_kept() -> None:
    dismantling = bench_forms.dismantling_from(
        {
            "barrier": "6",
            "reason": "Carte mère morte",
            "part_name_1": "Barrette DDR4 8 Go",
            "part_kind_1": "memory",
            "part_condition_1": "working",
            "part_quantity_1": "2",
            "part_name_2": "",
            "part_kind_2": "",
        }
    )
    assert dismantling.barrier == 6
    assert dismantling.parts == [
        PartCreate(name="Barrette DDR4 8 Go", kind="memory", condition="working", quantity=2)
    ]
    with pytest.raises(bench_forms.FieldProblem) as problem:
        bench_forms.dismantling_from(
            {"barrier": "6", "reason": "Carte mère morte", "part_name_1": "Écran"}
        )
    assert problem.value.field == "part_kind_1"


def test_a_part_from_an_empty_bin_is_refused_in_words() -> None:
    refusal = explain(PartsBinEmpty("Batterie 01AV421"), translator("fr"))
    assert refusal.field == "part_name"
    assert "Le bac à pièces ne contient aucune pièce « Batterie 01AV421 »" in refusal.text
    english = explain(PartsBinEmpty("Batterie 01AV421"), translator("en"))
    assert "The parts bin holds no “Batterie 01AV421”" in english.text


POLICY = GradingThresholds(grade_a_min_battery=80, release_min_battery=50)


def _graded(grade: str, functional_pass: bool, battery: int | None) -> GradeGiven:
    return GradeGiven(grade=grade, functional_pass=functional_pass, battery_health=battery)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (_graded("A", True, 79), "under the 80% grade A needs"),
        (_graded("B", True, 49), "under the 50% a device needs to pass its tests"),
        (_graded("A", True, 30), "under the 50% a device needs to pass its tests"),
    ],
)
def test_a_worn_battery_caps_the_grade_and_the_tests(given: GradeGiven, message: str) -> None:
    with pytest.raises(GradeRefused, match=message):
        check_grade(given, POLICY)


@pytest.mark.parametrize(
    "given",
    [
        _graded("A", True, 80),
        _graded("B", True, 50),
        _graded("C", False, 10),  # failed tests: it goes to repair, parts or recycling
        _graded("A", True, None),  # no battery measured (a screen, a keyboard)
    ],
)
def test_a_battery_at_or_over_the_thresholds_is_graded_as_given(given: GradeGiven) -> None:
    check_grade(given, POLICY)


def test_the_thresholds_come_from_the_configuration_and_are_said_next_to_the_battery() -> None:
    settings = load_settings(
        {"BOUCLE_GRADE_A_MIN_BATTERY_PERCENT": "85", "BOUCLE_RELEASE_MIN_BATTERY_PERCENT": "60"},
        service="refurbishment",
    )
    assert (
        settings.refurbishment.grade_a_min_battery_percent,
        settings.refurbishment.release_min_battery_percent,
    ) == (85, 60)
    policy = GradingThresholds(grade_a_min_battery=85, release_min_battery=60)
    with pytest.raises(GradeRefused) as refused:
        check_grade(_graded("A", True, 82), policy)
    refusal = explain(refused.value, translator("fr"))
    assert refusal.field == "battery_health"
    assert refusal.text.startswith("Une batterie à 82 % est sous les 85 %")
