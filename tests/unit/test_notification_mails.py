"""A notification's mail as a person's mail client reads it, and the wait between attempts."""

from __future__ import annotations

from datetime import timedelta

from shared.config import MailSettings
from shared.notifications.outbox import Notification
from shared.notifications.sender import backoff
from shared.notifications.texts import MailLinks, mail_of, text_of
from tests.support.notices import TOKEN, a_notification


def notification(language: str = "fr", **details: object) -> Notification:
    given = {"reference": "M-7KQ2", "device": "tablette", "path": "/demandes/r1", **details}
    return a_notification("reservation_lapsed", given, language)


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


def test_a_page_of_another_service_is_linked_at_its_address_where_it_has_its_own() -> None:
    dead_letters = {"new": 1, "count": 1, "path": "/registre/lettres-mortes", "site": "inventory"}
    told = a_notification("attention_dead_letters", dead_letters)
    on_its_port = {"inventory": "http://127.0.0.1:8001/", "group_purchase": ""}
    one_origin = {"inventory": "", "group_purchase": ""}

    assert text_of(told, "http://127.0.0.1:8004", sites=on_its_port).link == (
        "http://127.0.0.1:8001/registre/lettres-mortes"
    )
    assert text_of(told, "https://b.example", sites=one_origin).link == (
        "https://b.example/registre/lettres-mortes"
    )
    assert text_of(told, sites=one_origin).link == "/registre/lettres-mortes"  # the inbox
    mail = mail_of(
        told, "ne-pas-repondre@boucle.example", "http://127.0.0.1:8004", sites=on_its_port
    )
    assert "http://127.0.0.1:8001/registre/lettres-mortes" in mail.get_content()
    assert "site" not in mail["Subject"] and "inventory" not in mail.get_content()


def test_a_service_may_lead_its_mails_elsewhere_and_offer_no_inbox() -> None:
    links = MailLinks(unsubscribe_path="/dons/desabonnement", inbox_path="")
    passport = notification(path="/d/AB12CD34", site="inventory")
    inventory = {"inventory": "https://d.example"}
    mail = mail_of(
        passport, "ne-pas-repondre@boucle.example", "https://c.example", links, inventory
    )

    assert mail["List-Unsubscribe"] == f"<https://c.example/dons/desabonnement/{TOKEN}>"
    body = mail.get_content()
    assert "https://d.example/d/AB12CD34" in body
    assert f"https://c.example/dons/desabonnement/{TOKEN}" in body
    assert "Tous vos messages" not in body and "/notifications" not in body


def test_each_failed_attempt_doubles_the_wait_up_to_the_maximum() -> None:
    settings = MailSettings(mail_retry_first_seconds=5, mail_retry_max_seconds=60)
    waits = [backoff(attempts, settings) for attempts in (1, 2, 3, 4, 5, 10)]
    assert waits == [timedelta(seconds=s) for s in (5, 10, 20, 40, 60, 60)]
