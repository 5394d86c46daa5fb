"""Itinerant collection points (a *bus numérique*): their schedule of stops, its rules, and
where the bus is at a moment. Days and hours are Paris time, as the people waiting read them."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Annotated

import msgspec

from services.collection_point.places.domain import INSEE, Latitude, Longitude, Name
from services.collection_point.places.hours import TIMEZONE, OpeningStatus
from shared.errors import DomainError

Hour = Annotated[
    str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, Paris time")
]
InseeCode = Annotated[str, msgspec.Meta(pattern=f"^{INSEE}$", description="the commune's code")]
MOST_STOPS = 200  # a year of stops or so, in one schedule
NEXT_STOPS = 10  # how many of the next stops the pages and the exports show
OSM_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class StopFields(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One stop as a coordinator plans it: where (a place in a commune, and its position) and
    when (a day, from ``opens`` to ``closes``)."""

    place_name: Name
    commune: Name
    insee_code: InseeCode
    latitude: Latitude
    longitude: Longitude
    day: date
    opens: Hour
    closes: Hour

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.day, time.fromisoformat(self.opens), TIMEZONE)

    @property
    def ends(self) -> datetime:
        return datetime.combine(self.day, time.fromisoformat(self.closes), TIMEZONE)

    @property
    def opening_hours(self) -> str:
        """The stop in OSM ``opening_hours`` syntax: ``2026 Dec 08 09:30-12:30``."""
        month = OSM_MONTHS[self.day.month - 1]
        return f"{self.day.year} {month} {self.day.day:02d} {self.opens}-{self.closes}"


class Stop(StopFields, frozen=True, kw_only=True, forbid_unknown_fields=False):
    id: uuid.UUID


class Schedule(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The stops to come: they replace those that have not ended yet."""

    stops: Annotated[list[StopFields], msgspec.Meta(max_length=MOST_STOPS)]


class StopHoursOutOfOrder(DomainError):
    def __init__(self, stop: StopFields) -> None:
        super().__init__(
            f"The stop at {stop.place_name} on {stop.day} closes at {stop.closes}, which is "
            f"not after it opens ({stop.opens}): give the opening hour first.",
            code="places.stop_hours",
            place=stop.place_name,
            day=stop.day.isoformat(),
            opens=stop.opens,
            closes=stop.closes,
        )


class StopsOverlap(DomainError):
    def __init__(self, first: StopFields, second: StopFields) -> None:
        super().__init__(
            f"On {second.day} the bus cannot be at {first.place_name} "
            f"({first.opens}-{first.closes}) and at {second.place_name} "
            f"({second.opens}-{second.closes}) at once: move one of the two stops.",
            code="places.stop_overlap",
            day=second.day.isoformat(),
            first=f"{first.place_name} {first.opens}-{first.closes}",
            second=f"{second.place_name} {second.opens}-{second.closes}",
        )


class StopAlreadyOver(DomainError):
    def __init__(self, stop: StopFields) -> None:
        super().__init__(
            f"The stop at {stop.place_name} on {stop.day} ({stop.opens}-{stop.closes}) is "
            "already over: a schedule gives the stops to come.",
            code="places.stop_past",
            place=stop.place_name,
            day=stop.day.isoformat(),
        )


class NotItinerant(DomainError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} is a fixed place: only an itinerant one (kind “mobile”) has stops.",
            code="places.not_itinerant",
            place=name,
        )


def checked_schedule(
    stops: Sequence[StopFields], ended: Sequence[StopFields], now: datetime
) -> list[StopFields]:
    """The stops in time order, once every rule holds: hours in order, none over yet, and no
    two at once (the stops already over included: they stay)."""
    for stop in stops:
        if stop.ends <= stop.starts:
            raise StopHoursOutOfOrder(stop)
        if stop.ends <= now:
            raise StopAlreadyOver(stop)
    ordered = sorted(stops, key=lambda stop: stop.starts)
    timeline = sorted([*ended, *ordered], key=lambda stop: stop.starts)
    for before, after in itertools.pairwise(timeline):
        if after.starts < before.ends:
            raise StopsOverlap(before, after)
    return ordered


def paris_day(at: datetime) -> date:
    """The day it is in Paris at ``at``: the day of the stops around then."""
    return at.astimezone(TIMEZONE).date()


def not_over(stops: Sequence[Stop], at: datetime) -> list[Stop]:
    """The stops that have not ended at ``at``, in time order."""
    return sorted((stop for stop in stops if stop.ends > at), key=lambda stop: stop.starts)


def where_at(stops: Sequence[Stop], at: datetime) -> tuple[OpeningStatus, Stop | None]:
    """Whether the bus is open at ``at`` — at one of its stops — and that stop, or else the
    next one (None when no stop is planned: its hours are then unknown)."""
    coming = not_over(stops, at)
    if not coming:
        return OpeningStatus(known=False, open_now=False, next_change=None), None
    stop = coming[0]
    here = stop.starts <= at
    change = stop.ends if here else stop.starts
    return OpeningStatus(known=True, open_now=here, next_change=change), stop
