"""Which events leave the streams, and which a reader of a filtered subject gets back from
the archive files: pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.inventory.archive.events import events_due_before
from services.inventory.rebuild.reading import subject_matches


@pytest.mark.parametrize(
    ("pattern", "subject", "matches"),
    [
        ("collection.>", "collection.device.received", True),
        ("collection.>", "collection", False),
        ("collection.>", "collectionx.device", False),
        ("purchase.training.>", "purchase.training.recorded", True),
        ("purchase.training.>", "purchase.reservation.requested", False),
        ("inventory.reservation.expired", "inventory.reservation.expired", True),
        ("inventory.reservation.expired", "inventory.reservation.expired.late", False),
        ("inventory.*.expired", "inventory.reservation.expired", True),
        ("inventory.*.expired", "inventory.reservation.lapsed", False),
        (">", "anything.at.all", True),
    ],
)
def test_a_file_gives_back_what_a_consumer_of_the_subject_would_get(
    pattern: str, subject: str, matches: bool
) -> None:
    assert subject_matches(pattern, subject) is matches


def test_events_leave_the_streams_by_whole_months() -> None:
    now = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    # 1,140 days before is 2023-10-24: October 2023 stays whole, September and before leave
    assert events_due_before(now, 1140) == datetime(2023, 10, 1, tzinfo=UTC)
    assert events_due_before(now, 0) == datetime(2026, 12, 1, tzinfo=UTC)


def test_the_month_is_that_of_utc_whatever_the_clock_s_zone() -> None:
    paris_new_year = datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert events_due_before(paris_new_year, 0) == datetime(2026, 12, 1, tzinfo=UTC)
