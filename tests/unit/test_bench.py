"""The release rule of the bench: a certificate and a grade, and a device that works."""

from __future__ import annotations

import uuid

import pytest

from services.refurbishment import bench_forms
from services.refurbishment.bench import ReleaseRefused, WorkOrder, check_release
from services.refurbishment.diagnosis import Diagnosis, StorageSpec, grade_prefill


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
