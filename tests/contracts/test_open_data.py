"""The collection points' open-data CSV validates against the "lieux de médiation numérique"
Table Schema (v1.0.2, the official file, column order included) with frictionless, as the
standard's own CI validates files."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from frictionless import Resource, Schema

from services.collection_point.demo import DEMO_PLACES
from services.collection_point.open_data import COLUMNS, places_csv, places_geojson
from services.collection_point.places import Place

SCHEMA = Path(__file__).parent / "schemas" / "lieux-mediation-numerique-1.0.2.json"


def _places() -> list[Place]:
    now = datetime(2026, 11, 28, tzinfo=UTC)
    return [
        msgspec.convert(
            {**msgspec.to_builtins(fields), "id": str(uuid.uuid4()), "updated_at": now.isoformat()},
            Place,
        )
        for fields in DEMO_PLACES.values()
    ]


def _report(csv_text: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "lieux.csv"
    path.write_text(csv_text, encoding="utf-8")
    schema = Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return Resource(path=path.name, basepath=str(tmp_path), schema=schema).validate()


def test_the_demo_places_export_is_valid_open_data(tmp_path: Path) -> None:
    report = _report(places_csv(_places(), "Boucle"), tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])


def test_the_export_has_the_standard_columns_in_order() -> None:
    header = places_csv(_places(), "Boucle").splitlines()[0].split(",")
    descriptor = json.loads(SCHEMA.read_text(encoding="utf-8"))
    schema_names = [field["name"] for field in descriptor["fields"]]
    assert header == list(COLUMNS) == schema_names


def test_a_malformed_postcode_would_be_caught_by_the_validation(tmp_path: Path) -> None:
    text = places_csv(_places()[:1], "Boucle").replace(",59000,", ",5900,")
    assert not _report(text, tmp_path).valid


def test_places_with_coordinates_are_a_geojson_feature_collection() -> None:
    collection = places_geojson(_places())
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(DEMO_PLACES)
    longitude, latitude = collection["features"][0]["geometry"]["coordinates"]
    assert 2.5 < longitude < 3.5 and 50 < latitude < 51  # Lille, longitude first
