"""Bulk intake of a corporate donation from a CSV file: every row checked, every problem
reported with its line, nothing imported unless every row is valid (pure, no I/O).

Columns: ``label`` and ``device_type`` (required), ``brand``, ``model`` and ``serial_number``
(optional, 80 characters at most). No acknowledgement column: a bulk donation is made under a
signed donation agreement, whose terms are the donor's acknowledgements."""

from __future__ import annotations

import csv
import io
from typing import Any, get_args

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
    """What is wrong on one line: ``message`` in English, said from the catalogs' message
    ``refusal.<code>`` filled with ``values`` in the reader's language."""

    line: int
    column: str
    message: str
    code: str
    values: dict[str, Any] = msgspec.field(default_factory=dict)


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
            code="bulk.problems",
            count=len(problems),
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
            [
                _problem(1, name, "bulk.column_missing", "this column is missing", name=name)
                for name in missing
            ]
        )
    reader.fieldnames = columns
    rows: list[BulkRow] = []
    problems: list[RowProblem] = []
    first_line_of: dict[str, int] = {}
    for line, record in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            message = f"more than {MAX_ROWS} rows"
            problems.append(_problem(line, "", "bulk.too_many_rows", message, maximum=MAX_ROWS))
            break
        row = _row(line, record, accepted, first_line_of, problems)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.append(_problem(2, "", "bulk.no_device", "the file has no device"))
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
        problems.append(_problem(line, "label", error.code, str(error), **error.details))
        label = ""
    if label and label in first_line_of:
        first = first_line_of[label]
        message = f"{format_code(label)} is already on line {first}"
        problems.append(
            _problem(
                line,
                "label",
                "bulk.label_twice",
                message,
                label=format_code(label),
                first_line=first,
            )
        )
    elif label:
        first_line_of[label] = line
    if device_type not in DEVICE_TYPES:
        types = ", ".join(DEVICE_TYPES)
        message = f"“{device_type}” is not a device type ({types})"
        problems.append(
            _problem(
                line,
                "device_type",
                "bulk.unknown_type",
                message,
                typed=device_type[:40],
                types=types,
            )
        )
    elif device_type not in accepted:
        message = f"this collection point does not take {device_type} devices"
        problems.append(
            _problem(line, "device_type", "bulk.type_not_accepted", message, type=device_type)
        )
    texts = {name: (record.get(name) or "").strip() for name in OPTIONAL_COLUMNS}
    for name, value in texts.items():
        if len(value) > MAX_TEXT:
            message = f"more than {MAX_TEXT} characters"
            problems.append(_problem(line, name, "bulk.too_long", message, maximum=MAX_TEXT))
    if len(problems) > found:
        return None
    return BulkRow(line=line, label=label, device_type=device_type, **texts)  # type: ignore[arg-type]


def already_attached(rows: list[BulkRow], taken: set[str]) -> list[RowProblem]:
    """Rows whose label is already on another device."""
    return _label_problems(
        [row for row in rows if row.label in taken],
        "counter.label_attached_elsewhere",
        "{label} is already attached to another device",
    )


def never_issued(rows: list[BulkRow], issued: set[str]) -> list[RowProblem]:
    """Rows whose label belongs to no batch: mistyped, or not a Boucle label."""
    return _label_problems(
        [row for row in rows if row.label not in issued],
        "counter.label_never_issued",
        "{label} was never printed by Boucle: check the characters under the QR code, or take "
        "a label from your roll",
    )


def voided(rows: list[BulkRow], voided_labels: set[str]) -> list[RowProblem]:
    """Rows whose label was voided: a fresh label goes on that device."""
    return _label_problems(
        [row for row in rows if row.label in voided_labels],
        "bulk.label_voided",
        "{label} was voided: put a fresh label on this device",
    )


def _label_problems(rows: list[BulkRow], code: str, message: str) -> list[RowProblem]:
    """One problem per row, about its label."""
    return [
        _problem(
            row.line,
            "label",
            code,
            message.format(label=format_code(row.label)),
            label=format_code(row.label),
        )
        for row in rows
    ]


def _problem(line: int, where: str, code: str, message: str, **values: Any) -> RowProblem:
    return RowProblem(line=line, column=where, message=message, code=code, values=values)
