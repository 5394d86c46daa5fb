"""Boucle's own footprint, in the open: the bytes each data tier takes (the database, the
archive files, the event streams), rows and events per day, an estimate of the energy and
CO2e a year of keeping them with its method and sourced factors (``footprint-factors.json``,
each saying what it assumes), and what the tiers saved."""

from __future__ import annotations

import io
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from nats.js import JetStreamContext

from shared.spreadsheets import DictWriter

HOURS_A_YEAR = 8760
FACTORS_FILE = Path(__file__).with_name("footprint-factors.json")

_MEASURED = """
SELECT pg_database_size(current_database()) AS database_bytes,
       pg_total_relation_size('device_history') AS active_history_bytes,
       (SELECT reltuples FROM pg_class WHERE oid = 'device_history'::regclass) AS active_rows,
       coalesce((SELECT sum(pg_total_relation_size(i.inhrelid))
                 FROM pg_inherits i WHERE i.inhparent = 'device_history_passive'::regclass),
                0)::bigint AS passive_history_bytes,
       (SELECT count(*) FROM pg_inherits i
        WHERE i.inhparent = 'device_history_passive'::regclass) AS passive_months,
       coalesce((SELECT sum(greatest(c.reltuples, 0)) FROM pg_inherits i
                 JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'device_history_passive'::regclass), 0) AS passive_rows,
       coalesce(sum(a.bytes), 0)::bigint AS archive_file_bytes,
       count(a.month) AS archived_months,
       coalesce(sum(a.rows), 0)::bigint AS archived_rows,
       coalesce(sum(a.database_bytes), 0)::bigint AS archived_database_bytes,
       (SELECT min(registered_at) FROM devices) AS since,
       (SELECT coalesce(sum(bytes), 0) FROM tier_archived_events)::bigint AS event_file_bytes,
       (SELECT coalesce(sum(events), 0) FROM tier_archived_events)::bigint AS archived_events,
       (SELECT coalesce(sum(freed_bytes), 0) FROM tier_stream_purges)::bigint AS freed_bytes
FROM tier_archived a
"""


class Measured(msgspec.Struct, frozen=True, kw_only=True):
    """What was measured, before any estimate."""

    database_bytes: int
    active_history_bytes: int
    passive_history_bytes: int
    passive_months: int
    archive_file_bytes: int
    archived_months: int
    archived_database_bytes: int  # what the archived months took in the database
    history_rows: int  # in all tiers (the database's counts are estimates)
    stream_bytes: int | None  # None: the streams could not be asked
    stream_messages: int | None
    event_file_bytes: int = 0  # the archived events' files
    archived_events: int = 0
    stream_freed_bytes: int = 0  # what purging the archived events freed in the streams
    days: float  # since the first device was registered (at least one)


class Footprint(msgspec.Struct, frozen=True, kw_only=True):
    factors_version: str
    database_bytes: int
    active_history_bytes: int
    passive_history_bytes: int
    passive_months: int
    archive_file_bytes: int
    archived_months: int
    stream_bytes: int | None
    event_file_bytes: int
    archived_events: int
    history_rows_per_day: float
    events_per_day: float | None
    energy_kwh_per_year: float
    kg_co2e_per_year: float
    saved_bytes: int
    saved_kwh_per_year: float
    saved_kg_co2e_per_year: float
    method: str
    factors: dict[str, float]
    assumptions: dict[str, str]
    sources: dict[str, str]


@cache
def _factors() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FACTORS_FILE.read_text())
    return loaded


def kwh_per_year(stored_bytes: int, wh_per_tb_hour: float) -> float:
    """Energy a year of keeping ``stored_bytes`` on a medium of that coefficient, with the
    replication and the data centre's PUE of the factors."""
    factors = _factors()["factors"]
    terabytes = stored_bytes / 1e12
    replicated = terabytes * factors["replication"]["value"] * factors["pue"]["value"]
    return replicated * HOURS_A_YEAR * wh_per_tb_hour / 1000


def footprint_of(measured: Measured) -> Footprint:
    spec = _factors()
    factors = spec["factors"]
    on_database = factors["database_wh_per_tb_hour"]["value"]
    on_archive = factors["archive_wh_per_tb_hour"]["value"]
    intensity = factors["kg_co2e_per_kwh"]["value"]
    on_files = measured.archive_file_bytes + measured.event_file_bytes
    energy = kwh_per_year(
        measured.database_bytes + (measured.stream_bytes or 0), on_database
    ) + kwh_per_year(on_files, on_archive)
    # what the archived months took in the database and the archived events in the streams,
    # less the files that keep them now
    left_fast_storage = measured.archived_database_bytes + measured.stream_freed_bytes
    saved = kwh_per_year(left_fast_storage, on_database) - kwh_per_year(on_files, on_archive)
    return Footprint(
        factors_version=spec["version"],
        database_bytes=measured.database_bytes,
        active_history_bytes=measured.active_history_bytes,
        passive_history_bytes=measured.passive_history_bytes,
        passive_months=measured.passive_months,
        archive_file_bytes=measured.archive_file_bytes,
        archived_months=measured.archived_months,
        stream_bytes=measured.stream_bytes,
        event_file_bytes=measured.event_file_bytes,
        archived_events=measured.archived_events,
        history_rows_per_day=round(measured.history_rows / measured.days, 3),
        events_per_day=(
            None
            if measured.stream_messages is None
            else round((measured.stream_messages + measured.archived_events) / measured.days, 3)
        ),
        energy_kwh_per_year=energy,  # unrounded: a small register's are tiny
        kg_co2e_per_year=energy * intensity,
        saved_bytes=left_fast_storage - on_files,
        saved_kwh_per_year=saved,
        saved_kg_co2e_per_year=saved * intensity,
        method=spec["method"],
        factors={name: factor["value"] for name, factor in factors.items()},
        assumptions={name: factor["assumed"] for name, factor in factors.items()},
        sources=spec["sources"],
    )


async def measure(pool: asyncpg.Pool, js: JetStreamContext | None, now: datetime) -> Measured:
    row = await pool.fetchrow(_MEASURED)
    assert row is not None  # an aggregate: always one row
    stream_bytes = stream_messages = None
    if js is not None:
        try:
            streams = await js.streams_info()
        except Exception:  # the page answers without the streams rather than not at all
            streams = None
        if streams is not None:
            stream_bytes = sum(info.state.bytes for info in streams)
            stream_messages = sum(info.state.messages for info in streams)
    since = row["since"]
    days = max((now - since).total_seconds() / 86400, 1.0) if since else 1.0
    return Measured(
        database_bytes=row["database_bytes"],
        active_history_bytes=row["active_history_bytes"],
        passive_history_bytes=row["passive_history_bytes"],
        passive_months=row["passive_months"],
        archive_file_bytes=row["archive_file_bytes"],
        archived_months=row["archived_months"],
        archived_database_bytes=row["archived_database_bytes"],
        history_rows=int(max(row["active_rows"], 0) + row["passive_rows"] + row["archived_rows"]),
        stream_bytes=stream_bytes,
        stream_messages=stream_messages,
        event_file_bytes=row["event_file_bytes"],
        archived_events=row["archived_events"],
        stream_freed_bytes=row["freed_bytes"],
        days=days,
    )


async def footprint(pool: asyncpg.Pool, js: JetStreamContext | None, now: datetime) -> Footprint:
    return footprint_of(await measure(pool, js, now))


CSV_COLUMNS = ("indicator", "value", "unit", "factors_version")
_CSV_ROWS = (
    ("database_bytes", "bytes"),
    ("active_history_bytes", "bytes"),
    ("passive_history_bytes", "bytes"),
    ("passive_months", "months"),
    ("archive_file_bytes", "bytes"),
    ("archived_months", "months"),
    ("stream_bytes", "bytes"),
    ("event_file_bytes", "bytes"),
    ("archived_events", "events"),
    ("history_rows_per_day", "rows a day (average since the first device)"),
    ("events_per_day", "events a day (average since the first device)"),
    ("energy_kwh_per_year", "kWh a year (estimate, storage only)"),
    ("kg_co2e_per_year", "kg CO2e a year (estimate, storage only)"),
    ("saved_bytes", "bytes"),
    ("saved_kwh_per_year", "kWh a year (estimate)"),
    ("saved_kg_co2e_per_year", "kg CO2e a year (estimate)"),
)


def footprint_csv(found: Footprint) -> str:
    """The footprint as long-format UTF-8 CSV (an unknown value left empty)."""
    buffer = io.StringIO()
    writer = DictWriter(buffer, fieldnames=CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    for indicator, unit in _CSV_ROWS:
        value = getattr(found, indicator)
        writer.writerow(
            {
                "indicator": indicator,
                "value": "" if value is None else value,
                "unit": unit,
                "factors_version": found.factors_version,
            }
        )
    return buffer.getvalue()
