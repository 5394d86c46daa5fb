"""Opening hours: open now and next opening, with French public holidays."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.collection_point.places.hours import TIMEZONE, InvalidOpeningHours, opening_status

LIBRARY = "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00; PH off"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TIMEZONE)


def test_a_library_is_open_on_a_weekday_morning_and_says_when_it_closes() -> None:
    status = opening_status(LIBRARY, _at("2026-12-03 10:15"))
    assert status.open_now
    assert status.next_change == _at("2026-12-03 12:00")


def test_over_lunch_it_is_closed_and_says_when_it_opens_again() -> None:
    status = opening_status(LIBRARY, _at("2026-12-03 12:30"))
    assert not status.open_now
    assert status.next_change == _at("2026-12-03 14:00")


def test_on_christmas_day_it_is_closed_and_opens_the_next_saturday_morning() -> None:
    status = opening_status(LIBRARY, _at("2026-12-25 10:00"))
    assert not status.open_now
    assert status.next_change == _at("2026-12-26 08:30")


def test_on_bastille_day_a_place_closed_on_public_holidays_is_closed() -> None:
    assert not opening_status(LIBRARY, _at("2026-07-14 10:00")).open_now


def test_a_place_without_hours_is_neither_open_nor_closed_but_unknown() -> None:
    status = opening_status("", _at("2026-12-03 10:00"))
    assert not status.known
    assert not status.open_now


@pytest.mark.parametrize("hours", ["Mo-Fr 25:00-12:00", "lundi 9h-12h", "Mo-Fr 09:00-"])
def test_unreadable_hours_are_refused_with_an_example_of_the_syntax(hours: str) -> None:
    with pytest.raises(InvalidOpeningHours, match="Mo-Fr 09:00-12:00"):
        opening_status(hours, _at("2026-12-03 10:00"))
