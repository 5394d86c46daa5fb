"""The reminders' pure rules: a deadline said in Paris time, in the person's language; who hears
of a training ending, and what each is told."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from services.group_purchase.notifications.reminders import (
    Administrator,
    EndingTraining,
    training_notices,
)
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


def test_a_training_ending_is_told_to_the_person_and_every_other_administrator() -> None:
    sam, admin = uuid.uuid4(), uuid.uuid4()
    ending = EndingTraining(
        account_id=sam,
        login="sam",
        course="data_erasure",
        reference="EFF-1",
        valid_until=date(2027, 1, 6),
        email="sam@example.org",
        language="fr",
    )
    # Sam is an administrator too: told once, as the person
    administrators = [
        Administrator(id=sam, email="sam@example.org", language="fr"),
        Administrator(id=admin, email="", language="en"),
    ]

    mine, theirs = training_notices([ending], administrators)

    assert (mine.recipient, mine.kind, mine.email) == (str(sam), "training_expiring", ending.email)
    assert mine.details == {
        "course": "Effacement certifié des données",
        "reference": "EFF-1",
        "deadline": "6 janvier 2027",
        "path": "/compte",
    }
    assert (theirs.recipient, theirs.kind, theirs.language) == (
        str(admin),
        "training_expiring_admin",
        "en",
    )
    assert theirs.details["course"] == "Certified data erasure"
    assert theirs.details["deadline"] == "January 6, 2027"
    assert theirs.details["login"] == "sam"
    assert theirs.details["path"] == f"/accounts/{sam}"
