"""The notifications kit on a real PostgreSQL (a schema of its own, the shared migrations) and a
real SMTP server on loopback: each mail is received exactly once, a mail waits while SMTP is
down and goes once when it is back, and unsubscribing stops that kind only."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from boucle.devstack.mail_catcher import MailCatcher
from boucle.devstack.processes import free_port
from boucle.devstack.stack import Stack
from shared.config import MailSettings
from shared.db import create_pool, transaction
from shared.events import utc_now
from shared.migrations import migrate
from shared.notifications import outbox
from shared.notifications.outbox import Notice
from shared.notifications.sender import MailSender

BASE = "https://boucle.example.org"


class Clock:
    def __init__(self) -> None:
        self.at = utc_now()

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
async def kit_pool(stack: Stack, tmp_path: Path) -> AsyncIterator[asyncpg.Pool]:
    """A schema with only the shared tables: no other test's notifications in it."""
    schema = f"notify_{uuid.uuid4().hex[:8]}"
    (tmp_path / "none").mkdir()
    await migrate(stack.postgres.dsn, schema, tmp_path / "none")
    pool = await create_pool(stack.postgres.dsn, schema, 1, 4)
    yield pool
    await pool.close()


@pytest.fixture
def catcher() -> Iterator[MailCatcher]:
    started = MailCatcher().start()
    yield started
    started.stop()


def mail_settings(port: int) -> MailSettings:
    return MailSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_timeout_seconds=2,
        mail_retry_first_seconds=5,
        mail_max_attempts=3,
    )


async def notify(pool: asyncpg.Pool, *notices: Notice) -> None:
    async with transaction(pool) as connection:
        await outbox.write(connection, notices, utc_now())


def told(
    recipient: str, email: str = "", kind: str = "campaign_cancelled", lang: str = "fr"
) -> Notice:
    return Notice(
        recipient=recipient,
        kind=kind,
        email=email,
        language=lang,
        details={"campaign": "Tablettes pour les démarches", "path": "/achats/campagnes/x"},
    )


async def test_each_mail_reaches_the_smtp_server_exactly_once(
    kit_pool: asyncpg.Pool, catcher: MailCatcher
) -> None:
    await notify(
        kit_pool,
        told("amina", "amina@example.org"),
        told("brian", "brian@example.org", lang="en"),
        told("chloe"),  # no address: her inbox and a letter
    )
    sender = MailSender(kit_pool, mail_settings(catcher.port), BASE)

    assert await sender.deliver_due() == 2
    assert await sender.deliver_due() == 0  # again: nothing goes twice

    french = catcher.messages("amina@example.org")
    english = catcher.messages("brian@example.org")
    assert len(french) == 1 and len(english) == 1 and len(catcher.messages()) == 2
    assert french[0]["Subject"] == "Campagne « Tablettes pour les démarches » annulée"
    assert english[0]["Subject"] == "Campaign “Tablettes pour les démarches” cancelled"
    body = french[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"{BASE}/achats/campagnes/x" in body
    assert french[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stored = {n.recipient: n for n in await outbox.latest(kit_pool, 10)}
    assert french[0]["Message-ID"] == f"<{stored['amina'].id}@boucle.localhost>"
    assert french[0]["List-Unsubscribe"] == (
        f"<{BASE}/notifications/desabonnement/{stored['amina'].unsubscribe_token}>"
    )
    assert (stored["amina"].mail_status, stored["amina"].attempts) == ("sent", 1)
    assert stored["chloe"].mail_status == "no_address"


async def test_a_mail_waits_while_smtp_is_down_then_goes_once(kit_pool: asyncpg.Pool) -> None:
    await notify(kit_pool, told("amina", "amina@example.org"))
    port = free_port()  # nothing listens there yet
    clock = Clock()
    sender = MailSender(kit_pool, mail_settings(port), BASE, clock=clock)

    assert await sender.deliver_due() == 0
    [waiting] = await outbox.latest(kit_pool, 10)
    assert (waiting.mail_status, waiting.attempts) == ("pending", 1)
    assert waiting.last_error  # traceable: why it did not go
    assert await sender.deliver_due() == 0  # not before its backoff
    assert (await outbox.latest(kit_pool, 10))[0].attempts == 1

    catcher = MailCatcher(port).start()
    try:
        clock.at += timedelta(seconds=6)
        assert await sender.deliver_due() == 1
        clock.at += timedelta(hours=1)
        assert await sender.deliver_due() == 0
        assert len(catcher.messages()) == 1
    finally:
        catcher.stop()
    [sent] = await outbox.latest(kit_pool, 10)
    assert (sent.mail_status, sent.attempts, sent.last_error) == ("sent", 2, "")


async def test_a_mail_that_never_goes_is_failed_after_the_last_attempt(
    kit_pool: asyncpg.Pool,
) -> None:
    await notify(kit_pool, told("amina", "amina@example.org"))
    clock = Clock()
    sender = MailSender(kit_pool, mail_settings(free_port()), BASE, clock=clock)
    for _ in range(3):
        await sender.deliver_due()
        clock.at += timedelta(hours=2)
    [given_up] = await outbox.latest(kit_pool, 10)
    assert (given_up.mail_status, given_up.attempts) == ("failed", 3)


async def test_unsubscribing_stops_that_kind_of_mail_only(
    kit_pool: asyncpg.Pool, catcher: MailCatcher
) -> None:
    await notify(kit_pool, told("amina", "amina@example.org"))
    [first] = await outbox.latest(kit_pool, 10)

    assert await outbox.unsubscribe(kit_pool, first.unsubscribe_token) == "campaign_cancelled"
    assert await outbox.unsubscribe(kit_pool, first.unsubscribe_token) == "campaign_cancelled"
    assert await outbox.unsubscribe(kit_pool, uuid.uuid4()) == ""
    await notify(
        kit_pool,
        told("amina", "amina@example.org"),
        told("amina", "amina@example.org", kind="campaign_ordered"),
        told("brian", "brian@example.org"),  # someone else still hears of it
    )
    sender = MailSender(kit_pool, mail_settings(catcher.port), BASE)
    assert await sender.deliver_due() == 2

    subjects = sorted(str(m["Subject"]) for m in catcher.messages())
    assert subjects == [
        "Campagne « Tablettes pour les démarches » annulée",  # to brian
        "Campagne « Tablettes pour les démarches » commandée",  # to amina
    ]
    statuses = sorted(n.mail_status for n in await outbox.inbox(kit_pool, "amina"))
    assert statuses == ["sent", "unsubscribed", "unsubscribed"]  # all still in her inbox
