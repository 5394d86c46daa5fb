"""The release rule of the bench: a certificate and a grade, and a device that works."""

from __future__ import annotations

import uuid

import pytest

from services.refurbishment.bench import ReleaseRefused, WorkOrder, check_release


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
