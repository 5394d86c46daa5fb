"""Bulk intake files: every problem reported with its line, nothing accepted if one is wrong."""

from __future__ import annotations

import pytest

from services.collection_point.intake.bulk import BulkRefused, already_attached, read_rows
from shared.labels import format_code, generate_code

ALL = ["laptop", "desktop", "tablet", "smartphone", "monitor"]


def test_a_clean_spreadsheet_export_with_semicolons_is_read() -> None:
    codes = [generate_code() for _ in range(3)]
    text = "Label;Device_type;Serial\n" + "".join(
        f"{format_code(code).lower()};Laptop;SN{index}\n" for index, code in enumerate(codes)
    )
    rows, problems = read_rows(text, ALL)
    assert problems == []
    assert [row.label for row in rows] == codes
    assert {row.device_type for row in rows} == {"laptop"}
    assert [row.line for row in rows] == [2, 3, 4]


def test_every_problem_is_reported_with_its_line_and_column() -> None:
    good, repeated = generate_code(), generate_code()
    text = (
        "label,device_type\n"
        f"{good},laptop\n"
        f"{repeated},toaster\n"
        f"{good},tablet\n"
        f"{good[:8]}{'0' if good[8] != '0' else '1'},laptop\n"
        f"{repeated},printer\n"
    )
    rows, problems = read_rows(text, ALL)
    assert [row.line for row in rows] == [2]
    found = {(p.line, p.column) for p in problems}
    assert found == {
        (3, "device_type"),  # not a device type
        (4, "label"),  # already on line 2
        (5, "label"),  # wrong check symbol
        (6, "label"),  # already on line 3
        (6, "device_type"),  # printers are not taken here
    }


def test_a_file_without_the_label_column_says_so() -> None:
    with pytest.raises(BulkRefused) as refused:
        read_rows("serial,device_type\nX,laptop\n", ALL)
    assert [(p.line, p.column) for p in refused.value.problems] == [(1, "label")]


def test_an_empty_file_is_a_problem() -> None:
    assert [p.message for p in read_rows("label,device_type\n", ALL)[1]] == [
        "the file has no device"
    ]


def test_labels_already_on_devices_are_reported_by_line() -> None:
    codes = [generate_code() for _ in range(2)]
    rows, _ = read_rows("label,device_type\n" + "".join(f"{c},laptop\n" for c in codes), ALL)
    assert [(p.line, p.column) for p in already_attached(rows, {codes[1]})] == [(3, "label")]
