"""The collection points' CSV checked against the "lieux de médiation numérique" Table Schema
(v1.0.2, the official file, column order included) with frictionless, as the standard's own CI
validates files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from frictionless import Report, Resource, Schema

SCHEMA = (
    Path(__file__).parent.parent / "contracts" / "schemas" / "lieux-mediation-numerique-1.0.2.json"
)


def schema_field_names() -> list[str]:
    descriptor: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return [field["name"] for field in descriptor["fields"]]


def validated(csv_text: str, folder: Path) -> Report:
    """The frictionless report of ``csv_text`` written as a UTF-8 file in ``folder``."""
    path = folder / "lieux.csv"
    path.write_text(csv_text, encoding="utf-8")
    schema = Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return Resource(path=path.name, basepath=str(folder), schema=schema).validate()


def problems(report: Report) -> list[list[Any]]:
    """What a failed report says, by row and column."""
    return report.flatten(["rowNumber", "fieldName", "message"])
