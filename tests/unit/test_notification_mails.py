"""A notification's mail as a person's mail client reads it, and the wait between attempts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shared.config import MailSettings
from shared.notifications.outbox import Notification
from shared.notifications.sender import backoff
from shared.notifications.texts import MailLinks, mail_of

TOKEN = uuid.UUID("0b4f3a58-58b3-4b4e-8f56-9a3c0f2d6c11")


def notification(language: str = "fr", **details: object) -> Notification:
    return Notification(
        id=uuid.UUID("01930000-0000-7000-8000-000000000001"),
        recipient="account-1",
        kind="reservation_lapsed",
        details={"reference": "M-7KQ2", "device": "tablette", "path": "/demandes/r1", **details},
        language=language,
        email="amina@example.org",
        mail_status="pending",
        attempts=0,
        last_error="",
        sent_at=None,
        unsubscribe_token=TOKEN,
        created_at=datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
    )


def test_the_mail_says_what_happened_in_her_language_with_a_link_and_unsubscribe() -> None:
    mail = mail_of(notification(), "Boucle <ne-pas-repondre@boucle.example>", "https://b.example/")

    assert mail["To"] == "amina@example.org"
    assert mail["Subject"] == "La réservation du foyer M-7KQ2 a expiré"
    assert mail["Message-ID"] == "<01930000-0000-7000-8000-000000000001@boucle.example>"
    assert mail["List-Unsubscribe"] == f"<https://b.example/notifications/desabonnement/{TOKEN}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = mail.get_content()
    assert "L'appareil (tablette) réservé pour le foyer M-7KQ2" in body
    assert "https://b.example/demandes/r1" in body


def test_in_english_when_her_account_says_so() -> None:
    mail = mail_of(notification("en"), "ne-pas-repondre@boucle.example", "https://b.example")
    assert mail["Subject"] == "The reservation for household M-7KQ2 has lapsed"
    assert mail["Content-Language"] == "en"


def test_a_service_may_lead_its_mails_elsewhere_and_offer_no_inbox() -> None:
    links = MailLinks(
        unsubscribe_path="/dons/desabonnement", inbox_path="", pages_url="https://d.example"
    )
    mail = mail_of(notification(), "ne-pas-repondre@boucle.example", "https://c.example", links)

    assert mail["List-Unsubscribe"] == f"<https://c.example/dons/desabonnement/{TOKEN}>"
    body = mail.get_content()
    assert "https://d.example/demandes/r1" in body
    assert f"https://c.example/dons/desabonnement/{TOKEN}" in body
    assert "Tous vos messages" not in body and "/notifications" not in body


def test_each_failed_attempt_doubles_the_wait_up_to_the_maximum() -> None:
    settings = MailSettings(mail_retry_first_seconds=5, mail_retry_max_seconds=60)
    waits = [backoff(attempts, settings) for attempts in (1, 2, 3, 4, 5, 10)]
    assert waits == [timedelta(seconds=s) for s in (5, 10, 20, 40, 60, 60)]
