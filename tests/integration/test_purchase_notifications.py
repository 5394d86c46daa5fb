"""What social workers are told, on the real stack: a device proposed for one of her
households, a reservation about to lapse and one that lapsed, a campaign her families pledged
to that is cancelled — once each, by mail (a real SMTP server on loopback) when she has an
address, in her inbox on her home page, and as a letter to print; one click stops a kind of
mail. No personal data of the household is in a notification, nor in any event. A training
about to expire is told to the person and to the administrators, once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from boucle.devstack.mail_catcher import MailCatcher
from boucle.devstack.stack import Stack
from services.group_purchase.accounts import handlers as account_handlers
from services.group_purchase.accounts.domain import TrainingCreate
from services.group_purchase.campaigns import handlers as campaign_handlers
from services.group_purchase.notifications.reminders import (
    ReminderStore,
    announce_ending_trainings,
    warn_of_lapsing_reservations,
)
from services.group_purchase.notifications.store import deadline_text
from services.inventory.lifecycle.store import LifecycleStore
from services.inventory.reservations.jobs import expire_due
from shared.config import MailSettings
from shared.events import utc_now
from shared.notifications.sender import MailSender
from shared.trainings import local_day
from shared.uow import PostgresUnitOfWork
from shared.web.formats import long_day
from tests.support.campaigns import Api, http_campaign, no_tablet_ready_elsewhere, waiting_need
from tests.support.households import Territory
from tests.support.purchase_units import accounts_on, campaigns_on
from tests.support.register import unit_of_work, until_state
from tests.support.requests import pdf_text
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

__all__ = ["no_tablet_ready_elsewhere"]  # the fixture applies here too
PAGE = {"Accept": "text/html"}


@pytest.fixture
def catcher() -> Iterator[MailCatcher]:
    started = MailCatcher().start()
    yield started
    started.stop()


async def her_account(
    stack: Stack, territory: Territory, pool: asyncpg.Pool, email: str, language: str = "fr"
) -> str:
    """The territory's social worker becomes a person with an account (and an address): the
    households she registers from now on are hers. Her account id."""
    scope = f"organisation:{territory.organisation_id}"
    account = await account_handlers.add_account(
        accounts_on(pool), f"as-{uuid.uuid4().hex[:8]}", "Amina Test", ("social_worker",), (scope,)
    )
    await pool.execute(
        "UPDATE accounts SET email = $2, language = $3 WHERE id = $1", account.id, email, language
    )
    token = token_for(stack, "social_worker", scope, subject=str(account.id))
    territory.worker = {"Authorization": f"Bearer {token}"}
    return str(account.id)


async def notifications_of(pool: asyncpg.Pool, recipient: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT * FROM notifications WHERE recipient = $1 ORDER BY created_at, id", recipient
    )


async def lapsing_told(pool: asyncpg.Pool, recipient: str) -> list[asyncpg.Record]:
    return [
        row
        for row in await notifications_of(pool, recipient)
        if row["kind"] == "reservation_lapsing"
    ]


async def deadline_of(pool: asyncpg.Pool, request: dict[str, Any]) -> datetime:
    expires_at: datetime = await pool.fetchval(
        "SELECT expires_at FROM reservation_attempts WHERE need_id = $1 AND status = 'confirmed'",
        uuid.UUID(request["needs"][0]["id"]),
    )
    return expires_at


def reminders_on(pool: asyncpg.Pool) -> PostgresUnitOfWork[ReminderStore]:
    return PostgresUnitOfWork(pool, ReminderStore, lambda: None)


def sender(pool: asyncpg.Pool, port: int, at: datetime | None = None) -> MailSender:
    """A mail sender on loopback; its clock says ``at`` if given (a reminder told at a time
    the test chose is due then)."""
    settings = MailSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout_seconds=2)
    return MailSender(pool, settings, "http://boucle.test", clock=(lambda: at) if at else utc_now)


async def test_a_cancelled_campaign_is_told_once_by_mail_inbox_and_letter(
    stack: Stack,
    territory: Territory,
    purchase_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
    catcher: MailCatcher,
) -> None:
    address = f"amina-{uuid.uuid4().hex[:6]}@example.org"
    amina = await her_account(stack, territory, purchase_pool, address)
    api = Api(territory)
    needs = [await waiting_need(territory), await waiting_need(territory)]
    campaign_id = await http_campaign(api, minimum=3, maximum=3, policy="cancel")
    for need in needs:  # two of her families: she is told once
        body = {"need_id": need["id"]}
        await api.call(
            "POST", f"/campaigns/{campaign_id}/pledges", territory.worker, 201, json=body
        )

    await campaign_handlers.cancel_campaign(campaigns_on(purchase_pool), uuid.UUID(campaign_id))

    [told] = await notifications_of(purchase_pool, amina)
    assert (told["kind"], told["email"], told["mail_status"]) == (
        "campaign_cancelled",
        address,
        "pending",
    )
    assert "Famille Exemple" not in str(told["details"])  # the household's name stays home
    mailer = sender(purchase_pool, catcher.port)
    await mailer.deliver_due()
    await mailer.deliver_due()
    [mail] = catcher.messages(address)
    assert mail["Subject"] == "Campagne « Tablettes HTTP » annulée"
    body_text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"http://boucle.test/achats/campagnes/{campaign_id}" in body_text

    gp = stack.url("group_purchase")
    home = await http.get(f"{gp}/demandes", headers=territory.worker | PAGE)
    assert home.status_code == 200 and "Tablettes HTTP » annulée" in home.text
    inbox = await http.get(f"{gp}/notifications", headers=territory.worker | PAGE)
    assert "envoyé par courriel" in inbox.text
    letter = await http.get(f"{gp}/notifications/{told['id']}/lettre.pdf", headers=territory.worker)
    assert letter.status_code == 200 and letter.headers["content-type"] == "application/pdf"
    assert "Tablettes HTTP" in pdf_text(letter.content)
    someone_else = territory.worker_of(territory.organisation_id)
    hidden = await http.get(f"{gp}/notifications/{told['id']}/lettre.pdf", headers=someone_else)
    assert hidden.status_code == 404

    # one click from her mail client (RFC 8058): no more mail of that kind, still in her inbox
    link = mail["List-Unsubscribe"].strip("<>").replace("http://boucle.test", gp)
    clicked = await http.post(link, content=b"List-Unsubscribe=One-Click")
    assert clicked.status_code == 200
    another = await waiting_need(territory)
    second = await http_campaign(api, minimum=3, maximum=3, policy="cancel")
    body = {"need_id": another["id"]}
    await api.call("POST", f"/campaigns/{second}/pledges", territory.worker, 201, json=body)
    await campaign_handlers.cancel_campaign(campaigns_on(purchase_pool), uuid.UUID(second))
    await mailer.deliver_due()
    assert len(catcher.messages(address)) == 1
    statuses = [row["mail_status"] for row in await notifications_of(purchase_pool, amina)]
    assert statuses == ["sent", "unsubscribed"]


async def test_a_proposal_and_a_lapsed_reservation_are_told_to_her_inbox(
    stack: Stack,
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
) -> None:
    amina = await her_account(stack, territory, purchase_pool, email="")  # no address: paper
    device, household, request = await territory.reserved(bus, inventory_pool, purchase_pool)

    later = utc_now() + timedelta(days=4)
    assert await expire_due(unit_of_work(inventory_pool, LifecycleStore, later)) >= 1
    await until_state(inventory_pool, device.id, "ready")

    async def lapsed_and_proposed_again() -> list[Any] | None:
        kinds = [row["kind"] for row in await notifications_of(purchase_pool, amina)]
        return kinds if len(kinds) >= 3 else None

    kinds = await wait_for(lapsed_and_proposed_again, within=40)
    assert kinds == ["device_proposed", "reservation_lapsed", "device_proposed"]
    rows = await notifications_of(purchase_pool, amina)
    assert {row["mail_status"] for row in rows} == {"no_address"}
    assert rows[0]["details"]["reference"] == household["reference"]
    assert rows[0]["details"]["path"] == f"/demandes/{request['id']}"
    inbox = await http.get(
        f"{stack.url('group_purchase')}/notifications", headers=territory.worker | PAGE
    )
    assert f"La réservation du foyer {household['reference']} a expiré" in inbox.text
    assert "pas d&#39;adresse électronique : à imprimer" in inbox.text


def test_an_operator_sets_where_an_account_is_told(stack: Stack) -> None:
    def users(*arguments: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "boucle.cli", "users"]
        command += ["--database-url", stack.postgres.dsn, *arguments]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    login = f"contact-{uuid.uuid4().hex[:8]}"
    assert users("add", login, "--name", "Sam Test", "--role", "social_worker").returncode == 0

    done = users("contact", login, "--email", "sam@example.org", "--language", "en")
    assert done.returncode == 0, done.stderr
    refused = users("contact", login, "--email", "sam at example")
    assert refused.returncode == 1 and "not an e-mail address" in refused.stderr
    assert users("contact", "nobody-" + login, "--email", "x@example.org").returncode == 1
    listed = users("list").stdout
    assert login in listed

    async def read() -> asyncpg.Record | None:
        connection = await asyncpg.connect(stack.postgres.dsn)
        try:
            return await connection.fetchrow(
                "SELECT email, language FROM purchase.accounts WHERE login = $1", login
            )
        finally:
            await connection.close()

    # the refused address changed nothing
    assert tuple(asyncio.run(read()) or ()) == ("sam@example.org", "en")


async def test_a_reservation_about_to_lapse_is_told_once_even_by_two_replicas(
    stack: Stack,
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    catcher: MailCatcher,
) -> None:
    address = f"amina-{uuid.uuid4().hex[:6]}@example.org"
    amina = await her_account(stack, territory, purchase_pool, address)
    _, household, request = await territory.reserved(bus, inventory_pool, purchase_pool)
    deadline = await deadline_of(purchase_pool, request)
    reminders = reminders_on(purchase_pool)

    # more than 24 hours left: nothing yet
    await warn_of_lapsing_reservations(reminders, deadline - timedelta(hours=25))
    assert await lapsing_told(purchase_pool, amina) == []

    # 23 hours left: while one replica's round holds the reservation, another's at the same
    # moment skips it (neither waiting nor telling it again); the next round finds it told
    now = deadline - timedelta(hours=23)
    async with reminders.begin() as first:
        assert await first.store.warn_of_lapsing(now) >= 1
        assert await asyncio.wait_for(warn_of_lapsing_reservations(reminders, now), 10) == 0
    await asyncio.gather(
        warn_of_lapsing_reservations(reminders, now), warn_of_lapsing_reservations(reminders, now)
    )
    await warn_of_lapsing_reservations(reminders, now + timedelta(hours=1))
    [told] = await lapsing_told(purchase_pool, amina)
    assert told["details"]["reference"] == household["reference"]
    assert told["details"]["path"] == f"/demandes/{request['id']}"
    assert "Famille Exemple" not in str(told["details"])

    mailer = sender(purchase_pool, catcher.port, at=now + timedelta(hours=2))
    await mailer.deliver_due()
    await mailer.deliver_due()
    [mail] = [m for m in catcher.messages(address) if "24 heures" in m["Subject"]]
    assert mail["Subject"] == (
        f"La réservation du foyer {household['reference']} expire dans moins de 24 heures"
    )
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"avant le {deadline_text(deadline, 'fr')} (heure de Paris)" in body
    assert f"http://boucle.test/demandes/{request['id']}" in body


async def test_no_warning_for_a_reservation_handed_over_or_lapsed_already(
    stack: Stack,
    territory: Territory,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    http: httpx.AsyncClient,
) -> None:
    amina = await her_account(stack, territory, purchase_pool, email="")
    reminders = reminders_on(purchase_pool)
    _, _, waiting = await territory.reserved(bus, inventory_pool, purchase_pool)
    _, _, answered = await territory.reserved(bus, inventory_pool, purchase_pool)
    first_end = await deadline_of(purchase_pool, waiting)
    second_end = await deadline_of(purchase_pool, answered)
    handed = await http.post(
        f"{territory.api}/needs/{answered['needs'][0]['id']}/hand-over",
        json={"place": territory.place},
        headers=territory.worker,
    )
    assert handed.status_code == 201, handed.text

    # the first one's end is past (inventory has not said so yet): too late to warn
    await warn_of_lapsing_reservations(reminders, first_end + timedelta(minutes=1))
    assert await lapsing_told(purchase_pool, amina) == []
    # within 24 h of both ends: the one handed over is not told, the one still waiting is
    await warn_of_lapsing_reservations(reminders, second_end - timedelta(hours=23))
    told = await lapsing_told(purchase_pool, amina)
    assert [row["details"]["path"] for row in told] == [f"/demandes/{waiting['id']}"]
    assert told[0]["mail_status"] == "no_address"  # her inbox and a letter


async def person(pool: asyncpg.Pool, roles: tuple[str, ...], email: str, language: str) -> str:
    """An account with ``roles`` and an address; its id."""
    login = f"p-{uuid.uuid4().hex[:8]}"
    account = await account_handlers.add_account(accounts_on(pool), login, "Sam Test", roles)
    await pool.execute(
        "UPDATE accounts SET email = $2, language = $3 WHERE id = $1", account.id, email, language
    )
    return str(account.id)


async def trained(pool: asyncpg.Pool, account_id: str, days_left: int) -> str:
    """An erasure training of the account ending ``days_left`` days from today; its reference."""
    today = local_day(utc_now())
    given = TrainingCreate(
        course="data_erasure",
        reference=f"EFF-{uuid.uuid4().hex[:8]}",
        taken_on=today - timedelta(days=300),
        trainer="Centre de formation",
        valid_until=today + timedelta(days=days_left),
    )
    await account_handlers.record_training(accounts_on(pool), "test", uuid.UUID(account_id), given)
    return given.reference


async def test_a_training_about_to_expire_is_told_to_the_person_and_administrators_once(
    purchase_pool: asyncpg.Pool, catcher: MailCatcher
) -> None:
    address = f"sacha-{uuid.uuid4().hex[:6]}@example.org"
    sacha = await person(purchase_pool, ("refurbisher",), address, "fr")
    admin_address = f"admin-{uuid.uuid4().hex[:6]}@example.org"
    admin = await person(purchase_pool, ("admin",), admin_address, "en")
    login = await purchase_pool.fetchval("SELECT login FROM accounts WHERE id = $1::uuid", sacha)
    # 40 days left today: the service's own job leaves it; 15 days from now, 25 days are left
    reference = await trained(purchase_pool, sacha, 40)
    reminders = reminders_on(purchase_pool)
    now = utc_now() + timedelta(days=15)
    await asyncio.gather(
        announce_ending_trainings(reminders, now), announce_ending_trainings(reminders, now)
    )
    await announce_ending_trainings(reminders, now + timedelta(days=1))

    [mine] = await notifications_of(purchase_pool, sacha)
    assert (mine["kind"], mine["details"]["reference"]) == ("training_expiring", reference)
    about_sacha = [
        row
        for row in await notifications_of(purchase_pool, admin)
        if row["details"].get("login") == login
    ]
    assert [row["kind"] for row in about_sacha] == ["training_expiring_admin"]

    mailer = sender(purchase_pool, catcher.port, at=now + timedelta(hours=1))
    await mailer.deliver_due()
    last_day = local_day(utc_now()) + timedelta(days=40)
    [mail] = catcher.messages(address)
    assert mail["Subject"] == (
        "Votre formation « Effacement certifié des données » expire le "
        f"{long_day(last_day, language='fr')}"
    )
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert reference in body and "http://boucle.test/compte" in body
    [told] = [m for m in catcher.messages(admin_address) if login in m["Subject"]]
    assert told["Subject"] == (
        f"The training “Certified data erasure” of {login} expires on "
        f"{long_day(last_day, language='en')}"
    )
    admin_body = told.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"http://boucle.test/accounts/{sacha}" in admin_body


async def test_a_renewed_training_is_not_told_and_the_new_one_is_told_in_its_turn(
    purchase_pool: asyncpg.Pool,
) -> None:
    sacha = await person(purchase_pool, ("refurbisher",), "", "fr")
    old = await trained(purchase_pool, sacha, 40)
    new = await trained(purchase_pool, sacha, 70)
    reminders = reminders_on(purchase_pool)
    await announce_ending_trainings(reminders, utc_now() + timedelta(days=15))
    assert await notifications_of(purchase_pool, sacha) == []  # renewed already

    await announce_ending_trainings(reminders, utc_now() + timedelta(days=45))
    told = await notifications_of(purchase_pool, sacha)
    assert [(row["kind"], row["details"]["reference"]) for row in told] == [
        ("training_expiring", new)
    ]
    assert told[0]["mail_status"] == "no_address"
    assert old != new
