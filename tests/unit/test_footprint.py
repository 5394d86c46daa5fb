"""Boucle's own footprint: the estimate follows its stated method and factors, and what the
tiers saved is the database's bytes of the archived months less their files'."""

from __future__ import annotations

import csv
import io

import pytest

from services.inventory.impact.footprint import Measured, footprint_csv, footprint_of

MEASURED = Measured(
    database_bytes=40_000_000_000,
    active_history_bytes=10_000_000_000,
    passive_history_bytes=5_000_000_000,
    passive_months=12,
    archive_file_bytes=1_000_000_000,
    archived_months=6,
    archived_database_bytes=9_000_000_000,
    history_rows=3_650_000,
    stream_bytes=10_000_000_000,
    stream_messages=730_000,
    days=365.0,
)


def test_the_estimate_follows_the_stated_method_and_factors() -> None:
    found = footprint_of(MEASURED)
    factors = found.factors
    # 50 GB on SSD and 1 GB on HDD, a year, replicated, in a data centre of that PUE
    kept = factors["replication"] * factors["pue"] * 8760 / 1000
    ssd, hdd = factors["database_wh_per_tb_hour"], factors["archive_wh_per_tb_hour"]
    expected = (0.05 * ssd + 0.001 * hdd) * kept
    assert found.energy_kwh_per_year == pytest.approx(expected, rel=1e-9)
    assert found.kg_co2e_per_year == pytest.approx(expected * factors["kg_co2e_per_kwh"], rel=1e-9)
    assert (found.history_rows_per_day, found.events_per_day) == (10_000.0, 2_000.0)
    assert found.saved_bytes == 8_000_000_000
    saved = (0.009 * ssd - 0.001 * hdd) * kept
    assert found.saved_kwh_per_year == pytest.approx(saved, rel=1e-9)
    # every factor says where it comes from and what it assumes
    assert set(found.assumptions) == set(factors)
    assert all(found.assumptions.values()) and found.sources and "Storage only" in found.method


def test_streams_that_could_not_be_asked_are_said_unknown_not_zero() -> None:
    import msgspec

    found = footprint_of(msgspec.structs.replace(MEASURED, stream_bytes=None, stream_messages=None))
    assert found.stream_bytes is None and found.events_per_day is None
    rows = {row["indicator"]: row for row in csv.DictReader(io.StringIO(footprint_csv(found)))}
    assert rows["stream_bytes"]["value"] == "" and rows["events_per_day"]["value"] == ""
    assert rows["saved_bytes"]["value"] == "8000000000"
    assert rows["database_bytes"]["factors_version"] == found.factors_version


def test_archived_events_count_as_files_and_what_they_freed_in_the_streams_as_saved() -> None:
    import msgspec

    before = footprint_of(MEASURED)
    found = footprint_of(
        msgspec.structs.replace(
            MEASURED,
            event_file_bytes=100_000_000,
            archived_events=365_000,
            stream_freed_bytes=2_100_000_000,
        )
    )
    assert found.events_per_day == 3_000.0  # the streams' 730,000 and the 365,000 archived
    assert found.saved_bytes == before.saved_bytes + 2_000_000_000
    factors = found.factors
    kept = factors["replication"] * factors["pue"] * 8760 / 1000
    files_kwh = 0.0001 * factors["archive_wh_per_tb_hour"] * kept
    assert found.energy_kwh_per_year == pytest.approx(before.energy_kwh_per_year + files_kwh)
    rows = {row["indicator"]: row for row in csv.DictReader(io.StringIO(footprint_csv(found)))}
    assert rows["event_file_bytes"]["value"] == "100000000"
    assert rows["archived_events"]["value"] == "365000"
