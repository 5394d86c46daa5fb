"""Repair open data: every row has ORDS's required fields and only its codes."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from services.refurbishment.bench.ords import (
    CATEGORIES,
    COLUMNS,
    REQUIRED,
    RepairBarrier,
    RepairRecord,
    RepairStatus,
    ords_csv,
    record_of,
)

ORDS_CATEGORIES = {
    "Laptop", "Desktop computer", "Mobile", "Tablet", "Flat screen", "PC accessory",
    "Printer/scanner",
}  # fmt: skip


def _record(**changes: object) -> RepairRecord:
    values: dict[str, object] = {
        "id": "wo-1",
        "device_type": "laptop",
        "brand": "Lenovo",
        "status": RepairStatus.FIXED,
        "problem": "Keyboard: two keys missing, replaced from the parts bin",
        "workshop_id": "atelier-roubaix",
        "event_date": date(2026, 11, 20),
    }
    values.update(changes)
    return RepairRecord(**values)  # type: ignore[arg-type]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_every_row_has_the_required_fields_and_valid_codes() -> None:
    records = [
        _record(),
        _record(id="wo-2", device_type="smartphone", status=RepairStatus.END_OF_LIFE,
                barrier=RepairBarrier.SPARE_PARTS_TOO_EXPENSIVE, problem="Cracked screen"),
    ]  # fmt: skip
    text = ords_csv(records, "Boucle — MEL", date(2026, 11, 28))
    assert text.splitlines()[0] == ",".join(COLUMNS)
    for row in _rows(text):
        assert all(row[field] for field in REQUIRED), row
        assert row["country"] == "FRA"
        assert int(row["repair_status"]) in {0, 1, 2, 3}
        assert row["product_category"] in ORDS_CATEGORIES
        if row["repair_status"] == "3":
            assert int(row["repair_barrier_if_end_of_life"]) in range(1, 7)
        else:
            assert row["repair_barrier_if_end_of_life"] == ""
        date.fromisoformat(row["event_date"])


def test_every_device_type_maps_to_an_ords_category() -> None:
    assert set(CATEGORIES.values()) <= ORDS_CATEGORIES


def test_an_end_of_life_record_without_its_barrier_is_refused() -> None:
    with pytest.raises(ValueError, match="barrier"):
        ords_csv([_record(status=RepairStatus.END_OF_LIFE)], "Boucle", date(2026, 11, 28))


def test_a_released_device_says_which_kinds_of_repair_it_had_never_the_words_typed() -> None:
    row = {
        "id": "wo-2",
        "device_type": "laptop",
        "workshop_id": "atelier-roubaix",
        "outcome": "released",
        "outcome_note": "",
        "closed_at": datetime(2026, 11, 28, 10, tzinfo=UTC),
        "grade": "B",
        "brand": "Lenovo",
        "repair_kinds": ["cleaning", "replacement"],
    }
    record = record_of(row)
    assert record.status is RepairStatus.FIXED
    assert record.problem == (
        "Refurbished: data erased under certificate, graded B; repaired: cleaning, replacement"
    )
    assert record_of({**row, "repair_kinds": []}).problem.endswith("graded B")


ORDS_V03_FIELDS = {
    "id", "data_provider", "country", "partner_product_category", "product_category",
    "product_category_id", "brand", "year_of_manufacture", "product_age", "repair_status",
    "repair_barrier_if_end_of_life", "group_identifier", "problem", "event_date", "record_date",
}  # fmt: skip


def test_the_header_names_exactly_the_fields_of_ords_v0_3() -> None:
    header = ords_csv([_record()], "Boucle — MEL", date(2026, 11, 28)).splitlines()[0]
    assert set(header.split(",")) == ORDS_V03_FIELDS
    assert len(header.split(",")) == len(ORDS_V03_FIELDS)
