"""The reminders' pure rules: a deadline said in Paris time, in the person's language, and the
texts of each reminder's kind in both catalogs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.group_purchase.notifications.store import deadline_text
from shared.notifications.texts import text_of
from tests.support.notices import a_notification


def test_a_deadline_is_said_in_paris_time_winter_and_summer() -> None:
    assert deadline_text(datetime(2026, 12, 8, 13, 5, tzinfo=UTC), "fr") == (
        "mardi 8 décembre 2026, 14:05"
    )
    assert deadline_text(datetime(2026, 7, 1, 22, 30, tzinfo=UTC), "fr") == (
        "jeudi 2 juillet 2026, 00:30"
    )
    assert deadline_text(datetime(2026, 12, 8, 13, 5, tzinfo=UTC), "en") == (
        "Tuesday, December 8, 2026, 2:05\u202fPM"
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_lapsing_warning_names_the_household_the_device_and_the_deadline(
    language: str,
) -> None:
    text = text_of(
        a_notification(
            "reservation_lapsing",
            {
                "reference": "M-7KQ2",
                "device": "tablette",
                "deadline": "mardi 8 décembre 2026, 14:05",
                "path": "/demandes/r1",
            },
            language,
        ),
        "https://b.example",
    )
    assert "M-7KQ2" in text.subject and "24" in text.subject
    assert "tablette" in text.body and "mardi 8 décembre 2026, 14:05" in text.body
    assert text.link == "https://b.example/demandes/r1"
