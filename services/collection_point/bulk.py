"""Bulk intake of a corporate donation from a CSV file: every row checked, every problem
reported with its line, nothing imported unless every row is valid (pure, no I/O).

Columns: ``label`` and ``device_type`` (required), ``brand``, ``model`` and ``serial_number``
(optional, 80 characters at most). No acknowledgement column: a bulk donation is made under a
signed donation agreement, whose terms are the donor's acknowledgements."""

from __future__ import annotations

import csv
import io
from typing import get_args

import msgspec

from shared.contracts.collection import DeviceType
from shared.errors import DomainError
from shared.labels import LabelError, format_code, parse_code

MAX_ROWS = 2000
DEVICE_TYPES: tuple[str, ...] = get_args(DeviceType)
REQUIRED_COLUMNS = ("label", "device_type")
OPTIONAL_COLUMNS = ("brand", "model", "serial_number")
MAX_TEXT = 80


class RowProblem(msgspec.Struct, frozen=True, kw_only=True):
    line: int
    column: str
    message: str


class BulkRow(msgspec.Struct, frozen=True, kw_only=True):
    line: int
    label: str
    device_type: DeviceType
    brand: str = ""
    model: str = ""
    serial_number: str = ""


class BulkRefused(DomainError):
    """The file cannot be imported as it is; ``problems`` says where and why."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(
            f"Nothing was imported: {len(problems)} problem(s) in the file. Fix them and send "
            "the whole file again.",
            errors=[msgspec.to_builtins(problem) for problem in problems],
        )
        self.problems = problems


def read_rows(text: str, accepted: list[str]) -> tuple[list[BulkRow], list[RowProblem]]:
    """The valid rows of a CSV with at least the columns ``label`` and ``device_type`` (comma
    or semicolon separated, as spreadsheets export them), and every problem found, by line.
    A file without those columns is refused outright."""
    sample = text[:2048]
    dialect = csv.Sniffer().sniff(sample, delimiters=",;") if sample.strip() else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise BulkRefused(
            [RowProblem(line=1, column=name, message="this column is missing") for name in missing]
        )
    reader.fieldnames = columns
    rows: list[BulkRow] = []
    problems: list[RowProblem] = []
    first_line_of: dict[str, int] = {}
    for line, record in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            problems.append(RowProblem(line=line, column="", message=f"more than {MAX_ROWS} rows"))
            break
        row = _row(line, record, accepted, first_line_of, problems)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.append(RowProblem(line=2, column="", message="the file has no device"))
    return rows, problems


def _row(
    line: int,
    record: dict[str, str | None],
    accepted: list[str],
    first_line_of: dict[str, int],
    problems: list[RowProblem],
) -> BulkRow | None:
    raw_label = (record.get("label") or "").strip()
    device_type = (record.get("device_type") or "").strip().lower()
    found = len(problems)
    try:
        label = parse_code(raw_label)
    except LabelError as error:
        problems.append(RowProblem(line=line, column="label", message=str(error)))
        label = ""
    if label and label in first_line_of:
        problems.append(
            RowProblem(
                line=line,
                column="label",
                message=f"{format_code(label)} is already on line {first_line_of[label]}",
            )
        )
    elif label:
        first_line_of[label] = line
    if device_type not in DEVICE_TYPES:
        problems.append(
            RowProblem(
                line=line,
                column="device_type",
                message=f"“{device_type}” is not a device type ({', '.join(DEVICE_TYPES)})",
            )
        )
    elif device_type not in accepted:
        problems.append(
            RowProblem(
                line=line,
                column="device_type",
                message=f"this collection point does not take {device_type} devices",
            )
        )
    texts = {name: (record.get(name) or "").strip() for name in OPTIONAL_COLUMNS}
    for name, value in texts.items():
        if len(value) > MAX_TEXT:
            problems.append(
                RowProblem(line=line, column=name, message=f"more than {MAX_TEXT} characters")
            )
    if len(problems) > found:
        return None
    return BulkRow(line=line, label=label, device_type=device_type, **texts)  # type: ignore[arg-type]


def already_attached(rows: list[BulkRow], taken: set[str]) -> list[RowProblem]:
    """Rows whose label is already on another device."""
    return [
        RowProblem(
            line=row.line,
            column="label",
            message=f"{format_code(row.label)} is already attached to another device",
        )
        for row in rows
        if row.label in taken
    ]


def never_issued(rows: list[BulkRow], issued: set[str]) -> list[RowProblem]:
    """Rows whose label belongs to no batch: mistyped, or not a Boucle label."""
    return [
        RowProblem(
            line=row.line,
            column="label",
            message=f"{format_code(row.label)} was never printed by Boucle: check the characters "
            "under the QR code, or take a label from your roll",
        )
        for row in rows
        if row.label not in issued
    ]


def voided(rows: list[BulkRow], voided_labels: set[str]) -> list[RowProblem]:
    """Rows whose label was voided: a fresh label goes on that device."""
    return [
        RowProblem(
            line=row.line,
            column="label",
            message=f"{format_code(row.label)} was voided: put a fresh label on this device",
        )
        for row in rows
        if row.label in voided_labels
    ]
