"""Opening hours in OSM ``opening_hours`` syntax, with French public holidays (``PH``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
from opening_hours import OpeningHours, ParserError  # type: ignore[attr-defined]

from shared.errors import DomainError

TIMEZONE = ZoneInfo("Europe/Paris")


class InvalidOpeningHours(DomainError):
    def __init__(self, hours: str, reason: str) -> None:
        super().__init__(
            f"The opening hours “{hours}” cannot be read ({reason}). Write them like "
            "“Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00; PH off”.",
            code="places.hours",
            hours=hours,
        )


class OpeningStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Whether a place is open at a moment, and when that changes (None: never, or unknown)."""

    known: bool
    open_now: bool
    next_change: datetime | None


def parse_hours(hours: str) -> OpeningHours | None:
    """The parsed hours; None when none are given (a place that says "call us")."""
    text = hours.strip()
    if not text:
        return None
    try:
        return OpeningHours(text, timezone=TIMEZONE, country="FR")
    except ParserError as error:
        first_line = str(error).strip().splitlines()[0].rstrip(":")
        raise InvalidOpeningHours(text, first_line) from error


def opening_status(hours: str, at: datetime) -> OpeningStatus:
    parsed = parse_hours(hours)
    if parsed is None:
        return OpeningStatus(known=False, open_now=False, next_change=None)
    moment = at.astimezone(TIMEZONE)
    return OpeningStatus(
        known=True, open_now=bool(parsed.is_open(moment)), next_change=parsed.next_change(moment)
    )
