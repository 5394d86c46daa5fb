"""Public impact figures: what was collected, reused, recycled and avoided, traced to device
records and to the versioned, sourced factors, over an optional period."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

import asyncpg
import msgspec

from services.inventory.impact import (
    DEFAULT_VERSION,
    avoided_by_reuse,
    factor_set,
    methods_by_text,
)
from shared.spreadsheets import DictWriter
from shared.web.pages import TIMEZONE

REUSED_STATES = ("ready", "reserved", "delivered")
ENDED_STATES = ("recycled", "dismantled")
# what the e-waste kilograms are made of
WEIGHT_BASIS = "measured at the collection point where weighed, default weight by type otherwise"
PERIOD_BASIS = (
    "collected: registration date; delivered: date of the device's first handing over; "
    "households: date first equipped (Europe/Paris)"
)


class Period(msgspec.Struct, frozen=True, kw_only=True):
    """Days in Paris time, both ends included; an open end reaches the first or last record."""

    start: date | None = None
    end: date | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        def midnight(day: date) -> datetime:
            return datetime.combine(day, time.min, tzinfo=TIMEZONE)

        return (
            midnight(self.start) if self.start else None,
            midnight(self.end + timedelta(days=1)) if self.end else None,
        )


class MonthFlow(msgspec.Struct, frozen=True, kw_only=True):
    month: str  # YYYY-MM, Paris time
    collected: int
    delivered: int


class PlaceFlow(msgspec.Struct, frozen=True, kw_only=True):
    place_name: str  # where the device was collected
    collected: int
    delivered: int
    commune: str = ""  # as the place published it ("" when not known)


class CommuneFlow(msgspec.Struct, frozen=True, kw_only=True):
    commune: str  # of the collection places
    collected: int
    delivered: int


class ImpactFigures(msgspec.Struct, frozen=True, kw_only=True):
    factors_version: str
    period_from: date | None
    period_to: date | None
    period_basis: str
    devices_collected: int
    devices_reused: int
    devices_delivered: int
    devices_recycled_or_dismantled: int
    households_equipped: int
    ewaste_diverted_kg: float
    weight_basis: str
    devices_without_weight: int
    avoided_kg_co2e: float
    gross_embodied_kg_co2e: float
    devices_without_factor: int
    methods: list[str]
    sources: dict[str, str]
    by_month: list[MonthFlow]
    by_place: list[PlaceFlow]
    by_commune: list[CommuneFlow]


# The counters of migration 018: whole months from the monthly counters, the days at a
# period's edges from the daily ones, and the moves not yet folded into either by their day
# (query arguments: $1/$2 and $3/$4 the edge days, $5/$6 the months, $7 the period's ends).
_MONTH = "to_char({at}, 'YYYY-MM')"


def _counter_rows(table: str, columns: str) -> str:
    """``table``'s rows of a period, from its three tiers, with ``columns`` and ``at``."""
    return (
        f"SELECT {columns}, day AS at FROM {table} "
        "WHERE day BETWEEN $1 AND $2 OR day BETWEEN $3 AND $4 "
        f"UNION ALL SELECT {columns}, month AS at FROM {table}_monthly "
        "WHERE $5::date <= $6::date AND month BETWEEN $5 AND $6 "
        f"UNION ALL SELECT {columns}, day AS at FROM {table}_moves "
        "WHERE ($7::date IS NULL OR day >= $7) AND ($8::date IS NULL OR day <= $8)"
    )


def counter_bounds(period: Period) -> tuple[date | None, ...]:
    """The edge days, the whole months and the ends of ``period``, as query arguments."""
    first, last = period.start or date.min, period.end or date.max
    months_from = first if first.day == 1 else _next_month(first)
    months_to = _month_of(last) if _next_month(last) - timedelta(days=1) == last else None
    if months_to is None and last.replace(day=1) > date.min:
        months_to = _month_of(last.replace(day=1) - timedelta(days=1))
    if months_to is None or months_from > months_to:  # no whole month: days only
        return (first, last, None, None, date.max, date.min, period.start, period.end)
    head = (first, months_from - timedelta(days=1)) if first < months_from else (None, None)
    tail_from = _next_month(months_to)
    tail = (tail_from, last) if tail_from <= last else (None, None)
    return (*head, *tail, months_from, months_to, period.start, period.end)


def _month_of(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    """The first day of the month after ``day``'s (the last day there is, at the very end)."""
    if day.year == date.max.year and day.month == 12:
        return date.max
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


class Counts(NamedTuple):
    """What a period's figures are made of: devices (or households) by key."""

    by_state: dict[str, int]
    delivered_by_type: dict[str, int]
    weighed: dict[str, Weighed]
    households: int
    collected_by_month: dict[str, int]
    delivered_by_month: dict[str, int]
    collected_by_place: dict[str, int]
    delivered_by_place: dict[str, int]  # donated devices only


async def impact_figures(
    pool: asyncpg.Pool, period: Period, version: str = DEFAULT_VERSION
) -> ImpactFigures:
    """Every figure of the public impact page and of its open-data exports."""
    async with pool.acquire() as connection, _one_snapshot(connection):
        counts = await counted(connection, period)
        communes = {
            row["name"].lower(): row["commune"]
            for row in await connection.fetch(
                "SELECT name, commune FROM places WHERE commune <> '' ORDER BY updated_at"
            )
        }
    return figures_of(counts, communes, period, version)


async def counted(connection: asyncpg.Connection, period: Period) -> Counts:
    """A period's counts, summed from the counters: three queries, each grouped by every key
    a figure needs (a year is a few thousand groups), summed further here."""
    bounds = counter_bounds(period)
    month = _MONTH.format(at="at")
    collected = await connection.fetch(
        f"SELECT state, {month} AS month, place, sum(devices)::bigint AS devices "
        f"FROM ({_counter_rows('impact_collected', 'place, state, devices')}) counted "
        "GROUP BY 1, 2, 3 HAVING sum(devices) <> 0",
        *bounds,
    )
    handed_over = _counter_rows(
        "impact_handed_over", "device_type, place, donated, devices, weighed, measured_kg"
    )
    delivered = await connection.fetch(
        f"SELECT device_type, {month} AS month, place, donated, sum(devices)::bigint AS devices,"
        " sum(weighed)::bigint AS weighed, sum(measured_kg) AS measured_kg "
        f"FROM ({handed_over}) counted GROUP BY 1, 2, 3, 4 HAVING sum(devices) <> 0",
        *bounds,
    )
    households = await connection.fetchval(
        "SELECT sum(households)::bigint FROM ("
        "SELECT households FROM impact_households "
        "WHERE day BETWEEN $1 AND $2 OR day BETWEEN $3 AND $4 "
        "OR (day >= $5 AND day < $6::date + interval '1 month') "
        "UNION ALL SELECT households FROM impact_households_moves "
        "WHERE ($7::date IS NULL OR day >= $7) AND ($8::date IS NULL OR day <= $8)) counted",
        *bounds,
    )
    weighed: dict[str, Weighed] = {}
    for row in delivered:
        so_far = weighed.get(row["device_type"], Weighed(0, 0.0))
        weighed[row["device_type"]] = Weighed(
            so_far.devices + row["weighed"], so_far.kg + row["measured_kg"]
        )
    delivered_by_type = _summed(delivered, "device_type")
    return Counts(
        by_state=_summed(collected, "state"),
        delivered_by_type=delivered_by_type,
        weighed={kind: weighed[kind] for kind in delivered_by_type},
        households=households or 0,
        collected_by_month=_summed(collected, "month"),
        delivered_by_month=_summed(delivered, "month"),
        collected_by_place=_summed(collected, "place"),
        delivered_by_place=_summed([row for row in delivered if row["donated"]], "place"),
    )


def _summed(rows: Iterable[asyncpg.Record], key: str) -> dict[str, int]:
    """Devices by ``key``, keys whose devices add up to nothing left out."""
    sums: dict[str, int] = {}
    for row in rows:
        sums[row[key]] = sums.get(row[key], 0) + row["devices"]
    return {name: devices for name, devices in sums.items() if devices}


def figures_of(
    counts: Counts, communes: Mapping[str, str], period: Period, version: str = DEFAULT_VERSION
) -> ImpactFigures:
    by_state = counts.by_state
    delivered_by_type = counts.delivered_by_type
    months = _merged(counts.collected_by_month, counts.delivered_by_month)
    places = _merged(counts.collected_by_place, counts.delivered_by_place)
    weighed = counts.weighed
    tally = reuse_tally(delivered_by_type, version, weighed)
    by_place = [
        PlaceFlow(
            place_name=place,
            collected=counts[0],
            delivered=counts[1],
            commune=communes.get(place.lower(), ""),
        )
        for place, counts in sorted(places.items(), key=lambda item: (-item[1][0], item[0]))
    ]
    return ImpactFigures(
        period_from=period.start,
        period_to=period.end,
        period_basis=PERIOD_BASIS,
        devices_collected=sum(by_state.values()),
        devices_reused=sum(by_state.get(state, 0) for state in REUSED_STATES),
        devices_delivered=sum(delivered_by_type.values()),
        devices_recycled_or_dismantled=sum(by_state.get(state, 0) for state in ENDED_STATES),
        households_equipped=counts.households,
        by_month=[
            MonthFlow(month=month, collected=counts[0], delivered=counts[1])
            for month, counts in _every_month(months)
        ],
        by_place=by_place,
        by_commune=by_commune(by_place),
        factors_version=tally.factors_version,
        ewaste_diverted_kg=tally.ewaste_diverted_kg,
        weight_basis=WEIGHT_BASIS,
        devices_without_weight=tally.devices_without_weight,
        avoided_kg_co2e=tally.avoided_kg_co2e,
        gross_embodied_kg_co2e=tally.gross_embodied_kg_co2e,
        devices_without_factor=tally.devices_without_factor,
        methods=tally.methods,
        sources=tally.sources,
    )


def by_commune(places: list[PlaceFlow]) -> list[CommuneFlow]:
    """The places' flows summed by commune (places of unknown commune left out), the
    communes that collected most first."""
    sums: dict[str, list[int]] = {}
    for place in places:
        if place.commune:
            counts = sums.setdefault(place.commune, [0, 0])
            counts[0] += place.collected
            counts[1] += place.delivered
    return [
        CommuneFlow(commune=commune, collected=counts[0], delivered=counts[1])
        for commune, counts in sorted(sums.items(), key=lambda item: (-item[1][0], item[0]))
    ]


class ReuseTally(msgspec.Struct, frozen=True, kw_only=True):
    factors_version: str
    ewaste_diverted_kg: float
    devices_without_weight: int
    avoided_kg_co2e: float
    gross_embodied_kg_co2e: float
    devices_without_factor: int
    methods: list[str]
    sources: dict[str, str]


class Weighed(NamedTuple):
    """Of the delivered devices of a type: how many were weighed, and their total weight."""

    devices: int
    kg: float


def reuse_tally(
    delivered_by_type: dict[str, int],
    version: str = DEFAULT_VERSION,
    weighed: Mapping[str, Weighed] | None = None,
) -> ReuseTally:
    """Weights (measured where weighed, default otherwise), net avoided and gross embodied
    CO2e of delivered devices, by type."""
    factors = factor_set(version)
    weight = avoided_kg = embodied_kg = 0.0
    without_weight = without_factor = 0
    methods: set[str] = set()
    for device_type, devices in delivered_by_type.items():
        factor = factors.factor(device_type)
        avoided = avoided_by_reuse(device_type, version)
        measured = (weighed or {}).get(device_type, Weighed(0, 0.0))
        weight += measured.kg
        unweighed = devices - measured.devices
        if factor is None or factor.default_weight_kg is None:
            without_weight += unweighed
        else:
            weight += factor.default_weight_kg * unweighed
        if avoided is None:
            without_factor += devices
            continue
        avoided_kg += avoided.avoided_kg_co2e * devices
        embodied_kg += avoided.gross_embodied_kg_co2e * devices
        methods.add(avoided.method)
    return ReuseTally(
        factors_version=factors.version,
        ewaste_diverted_kg=round(weight, 2),
        devices_without_weight=without_weight,
        avoided_kg_co2e=round(avoided_kg, 1),
        gross_embodied_kg_co2e=round(embodied_kg, 1),
        devices_without_factor=without_factor,
        methods=sorted(methods) or sorted(methods_by_text(version)),
        sources=factors.sources,
    )


def _one_snapshot(connection: asyncpg.Connection) -> Any:
    """All the figures from one snapshot, so that they add up even while devices arrive."""
    return connection.transaction(isolation="repeatable_read", readonly=True)


def _merged(
    collected: Mapping[str, int], delivered: Mapping[str, int]
) -> dict[str, tuple[int, int]]:
    counts = {key: (devices, 0) for key, devices in collected.items()}
    for key, devices in delivered.items():
        counts[key] = (counts.get(key, (0, 0))[0], devices)
    return counts


def _every_month(counts: dict[str, tuple[int, int]]) -> list[tuple[str, tuple[int, int]]]:
    """Months from the first to the last with a figure, empty months included (a chart with
    a gap where nothing happened tells the truth; one without would not)."""
    if not counts:
        return []
    year, month = map(int, min(counts).split("-"))
    last = max(counts)
    months = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        months.append((key, counts.get(key, (0, 0))))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


CSV_COLUMNS = ("indicator", "value", "unit", "month", "place_name", "period_from", "period_to",
               "factors_version", "commune")  # fmt: skip
TOTALS = (
    ("devices_collected", "devices"),
    ("devices_reused", "devices"),
    ("devices_delivered", "devices"),
    ("devices_recycled_or_dismantled", "devices"),
    ("households_equipped", "households"),
    ("ewaste_diverted_kg", "kg (measured or default weight)"),
    ("avoided_kg_co2e", "kg CO2e (net)"),
    ("gross_embodied_kg_co2e", "kg CO2e (gross embodied)"),
    ("devices_without_weight", "devices"),
    ("devices_without_factor", "devices"),
)


def figures_csv(figures: ImpactFigures) -> str:
    """Long-format UTF-8 CSV: the totals, then devices collected and delivered by month, by
    collection place and by commune, every row stating the period and the factors' version."""
    buffer = io.StringIO()
    writer = DictWriter(buffer, fieldnames=CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    common = {
        "period_from": figures.period_from.isoformat() if figures.period_from else "",
        "period_to": figures.period_to.isoformat() if figures.period_to else "",
        "factors_version": figures.factors_version,
    }
    for indicator, unit in TOTALS:
        value = getattr(figures, indicator)
        writer.writerow({"indicator": indicator, "value": value, "unit": unit, **common})
    for month in figures.by_month:
        for indicator in ("collected", "delivered"):
            value = getattr(month, indicator)
            writer.writerow({"indicator": f"devices_{indicator}", "unit": "devices",
                             "value": value, "month": month.month, **common})  # fmt: skip
    for place in figures.by_place:
        for indicator in ("collected", "delivered"):
            writer.writerow({"indicator": f"devices_{indicator}", "unit": "devices",
                             "value": getattr(place, indicator), "place_name": place.place_name,
                             "commune": place.commune, **common})  # fmt: skip
    for commune in figures.by_commune:
        for indicator in ("collected", "delivered"):
            writer.writerow({"indicator": f"devices_{indicator}", "unit": "devices",
                             "value": getattr(commune, indicator), "commune": commune.commune,
                             **common})  # fmt: skip
    return buffer.getvalue()
