"""What coordinators are told, on the real stack, when something needs a person: a dead letter
produced for real, a device left in a state beyond its threshold, a device type whose open
needs ready stock cannot serve. Each reaches every enabled coordinator once, by mail (a real
SMTP server on loopback) and in her inbox; the watch run twice tells once; the events carry
counts, never a device, an owner or a household."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest
from nats.js import JetStreamContext

from boucle.devstack.mail_catcher import MailCatcher
from boucle.devstack.stack import Stack
from services.group_purchase.accounts import handlers as account_handlers
from services.group_purchase.notifications.coordinators import CoordinatorStore, watch_shortage
from services.inventory.attention.rules import stuck_thresholds
from services.inventory.attention.store import AttentionStore
from services.inventory.attention.watch import dead_letters_of, watch_attention
from shared.config import InventorySettings, MailSettings
from shared.contracts.inventory import AttentionRaised
from shared.events import encode, utc_now
from shared.notifications.sender import MailSender
from tests.support.dead_letters import dead_lettered_check_in
from tests.support.households import Territory
from tests.support.jetstream import done_with
from tests.support.purchase_units import accounts_on
from tests.support.register import Donation, publish, unit_of_work, until_state
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

PAGE = {"Accept": "text/html"}
THRESHOLDS = stuck_thresholds(InventorySettings())
ENVELOPE = {
    "event_id",
    "occurred_at",
    "producer",
    "schema_version",
    "aggregate_id",
    "aggregate_version",
    "correlation_id",
}
ATTENTION_FIELDS = {"kind", "new", "count", "state", "threshold_days", "oldest_since"}


@pytest.fixture
def catcher() -> Iterator[MailCatcher]:
    started = MailCatcher().start()
    yield started
    started.stop()


async def coordinator(pool: asyncpg.Pool, email: str, language: str = "fr") -> str:
    """A coordinator's account with an address; its id (whom notifications name)."""
    account = await account_handlers.add_account(
        accounts_on(pool), f"coord-{uuid.uuid4().hex[:8]}", "Camille Test", ("coordinator",)
    )
    await pool.execute(
        "UPDATE accounts SET email = $2, language = $3 WHERE id = $1", account.id, email, language
    )
    return str(account.id)


async def told(pool: asyncpg.Pool, recipient: str, kind: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT * FROM notifications WHERE recipient = $1 AND kind = $2 ORDER BY created_at, id",
        recipient,
        kind,
    )


async def told_once(pool: asyncpg.Pool, recipient: str, kind: str) -> asyncpg.Record:
    async def there() -> list[asyncpg.Record] | None:
        return await told(pool, recipient, kind) or None

    [notification] = await wait_for(there, within=40)
    return notification


async def attention_events(pool: asyncpg.Pool, since: datetime) -> list[dict[str, Any]]:
    """The attention events inventory announced since ``since``, as they travel."""
    rows = await pool.fetch(
        "SELECT payload FROM outbox WHERE subject = $1 AND created_at >= $2 ORDER BY created_at",
        AttentionRaised.subject,
        since,
    )
    return [msgspec.json.decode(row["payload"]) for row in rows]


async def stuck_events(pool: asyncpg.Pool, since: datetime) -> list[dict[str, Any]]:
    return [event for event in await attention_events(pool, since) if event["kind"] == "stuck"]


def watch(pool: asyncpg.Pool, bus: JetStreamContext, at: datetime | None = None) -> Any:
    return watch_attention(unit_of_work(pool, AttentionStore, at), THRESHOLDS, dead_letters_of(bus))


async def all_applied(bus: JetStreamContext, inventory_pool: asyncpg.Pool) -> None:
    """group_purchase has applied everything inventory announced so far."""

    async def published() -> bool:
        return not await inventory_pool.fetchval(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND subject = $1",
            AttentionRaised.subject,
        )

    await wait_for(published, within=40)
    last = (await bus.stream_info("INVENTORY")).state.last_seq

    async def applied() -> bool:
        floor = (await bus.consumer_info("INVENTORY", "group_purchase")).ack_floor
        return floor is not None and (floor.stream_seq or 0) >= last

    await wait_for(applied, within=40)


async def test_a_dead_letter_reaches_each_coordinator_once_by_mail_and_in_her_inbox(
    stack: Stack,
    http: httpx.AsyncClient,
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    catcher: MailCatcher,
) -> None:
    await watch(inventory_pool, bus)  # what other tests left is told before she arrives
    await all_applied(bus, inventory_pool)
    camille = await coordinator(purchase_pool, f"camille-{uuid.uuid4().hex[:6]}@example.org")
    sam_address = f"sam-{uuid.uuid4().hex[:6]}@example.org"
    sam = await coordinator(purchase_pool, sam_address, "en")
    retired = await coordinator(purchase_pool, f"ret-{uuid.uuid4().hex[:6]}@example.org")
    await purchase_pool.execute("UPDATE accounts SET enabled = false WHERE id::text = $1", retired)
    since = utc_now()

    _, letter = await dead_lettered_check_in(stack, http)
    await watch(inventory_pool, bus)
    await watch(inventory_pool, bus)  # the same look again: nothing more to tell

    # whichever look saw it first (the service's own watch runs too), it was told once
    events = [e for e in await attention_events(inventory_pool, since) if e["kind"] != "stuck"]
    assert len(events) == 1
    assert events[0]["count"] >= 1 and events[0]["new"] >= 1
    assert set(events[0]) == ENVELOPE | ATTENTION_FIELDS  # counts and times only
    assert letter["event_id"] not in str(events[0])
    first = await told_once(purchase_pool, camille, "attention_dead_letters")
    assert first["details"]["path"] == "/registre/lettres-mortes"
    await told_once(purchase_pool, sam, "attention_dead_letters")
    await all_applied(bus, inventory_pool)
    assert len(await told(purchase_pool, camille, "attention_dead_letters")) == 1
    assert await told(purchase_pool, retired, "attention_dead_letters") == []

    mail_settings = MailSettings(smtp_host="127.0.0.1", smtp_port=catcher.port)
    mailer = MailSender(purchase_pool, mail_settings, "http://boucle.test")
    await mailer.deliver_due()
    await mailer.deliver_due()
    [mail] = catcher.messages(first["email"])
    assert mail["Subject"].startswith("Lettres mortes à examiner")
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "http://boucle.test/registre/lettres-mortes" in body
    [in_english] = catcher.messages(sam_address)
    assert in_english["Subject"].startswith("Dead letters to look at")

    headers = {"Authorization": f"Bearer {token_for(stack, 'coordinator', subject=camille)}"}
    inbox = await http.get(f"{stack.url('group_purchase')}/notifications", headers=headers | PAGE)
    assert inbox.status_code == 200
    assert "Lettres mortes à examiner" in inbox.text
    # the page is inventory's, which runs here on its own port: the link leads there
    assert f'href="{stack.url("inventory")}/registre/lettres-mortes"' in inbox.text


async def test_a_device_left_beyond_its_threshold_is_announced_once(
    bus: JetStreamContext,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
) -> None:
    donation = Donation()
    await publish(bus, donation.received())
    await until_state(inventory_pool, donation.id, "received")
    now = utc_now()
    await watch(inventory_pool, bus, now)  # what other tests left is counted once and for all
    await all_applied(bus, inventory_pool)
    camille = await coordinator(purchase_pool, "")  # no address: her inbox, and a letter
    since = utc_now()

    async def left_since(days: float) -> None:
        await inventory_pool.execute(
            "UPDATE devices SET state_since = $2 WHERE id = $1",
            donation.id,
            now - timedelta(days=days),
        )

    await left_since(13)  # not yet beyond 14 days
    await watch(inventory_pool, bus, now)
    assert await stuck_events(inventory_pool, since) == []
    await left_since(15)
    await watch(inventory_pool, bus, now)
    await watch(inventory_pool, bus, now)
    [event] = await stuck_events(inventory_pool, since)
    assert (event["kind"], event["state"], event["new"]) == ("stuck", "received", 1)
    assert event["threshold_days"] == 14
    assert set(event) == ENVELOPE | ATTENTION_FIELDS
    assert donation.label not in str(event) and str(donation.id) not in str(event)

    notification = await told_once(purchase_pool, camille, "attention_stuck")
    assert notification["mail_status"] == "no_address"
    assert notification["details"]["path"] == "/registre?state=received&stuck_days=14"
    assert notification["details"]["state"] == "Reçu dans un point de collecte"
    await all_applied(bus, inventory_pool)
    assert len(await told(purchase_pool, camille, "attention_stuck")) == 1


async def test_a_device_newly_stuck_is_announced_even_when_another_left_the_state_meanwhile(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool
) -> None:
    first, second = Donation(), Donation()
    await publish(bus, first.received(), second.received())
    await until_state(inventory_pool, first.id, "received")
    await until_state(inventory_pool, second.id, "received")
    await watch(inventory_pool, bus)  # what other tests left is counted once and for all
    since = utc_now()

    async def received(donation: Donation, days_ago: float) -> None:
        await inventory_pool.execute(
            "UPDATE devices SET state_since = now() - $2 * interval '1 day' WHERE id = $1",
            donation.id,
            days_ago,
        )

    await received(first, 15)
    await watch(inventory_pool, bus)
    [event] = await stuck_events(inventory_pool, since)
    assert (event["state"], event["new"]) == ("received", 1)
    stuck = event["count"]  # with what other tests left stuck there
    # the first leaves for a workshop, the second crosses the threshold: as many stuck
    await inventory_pool.execute(
        "UPDATE devices SET state = 'in_transit', state_since = now() WHERE id = $1", first.id
    )
    await received(second, 15)
    await watch(inventory_pool, bus)
    await watch(inventory_pool, bus)
    events = await stuck_events(inventory_pool, since)
    assert [(e["state"], e["new"], e["count"]) for e in events] == [
        ("received", 1, stuck),
        ("received", 1, stuck),
    ]


async def test_a_short_type_is_told_once_and_again_only_after_it_recovered(
    territory: Territory, purchase_pool: asyncpg.Pool, catcher: MailCatcher
) -> None:
    address = f"camille-{uuid.uuid4().hex[:6]}@example.org"
    camille = await coordinator(purchase_pool, address)
    household = await territory.household()
    await territory.request(household["id"], device_type="desktop", purpose="procedures")
    uow = unit_of_work(purchase_pool, CoordinatorStore)

    async def look() -> int:
        await watch_shortage(uow)
        await watch_shortage(uow)  # twice: told once
        return len(await told(purchase_pool, camille, "attention_stock_short"))

    assert await look() == 1
    [short] = await told(purchase_pool, camille, "attention_stock_short")
    assert short["details"]["device"] == "ordinateur fixe"
    assert short["details"]["path"] == "/achats#penurie"
    assert short["details"]["missing"] >= 1

    open_needs = await purchase_pool.fetchval(
        "SELECT count(*) FROM needs WHERE device_type = 'desktop' "
        "AND status IN ('submitted', 'proposed', 'waiting')"
    )
    stock = [uuid.uuid4() for _ in range(open_needs)]
    await purchase_pool.executemany(
        "INSERT INTO known_devices (device_id, label, device_type, state, grade, "
        "became_ready_at) VALUES ($1, $2, 'desktop', 'ready', 'B', now())",
        [(device, f"T{device.hex[:8].upper()}") for device in stock],
    )
    assert await look() == 1  # recovered: nothing to tell
    await purchase_pool.execute(
        "UPDATE known_devices SET state = 'delivered' WHERE device_id = $1", stock[0]
    )
    assert await look() == 2  # short again: told again

    mail_settings = MailSettings(smtp_host="127.0.0.1", smtp_port=catcher.port)
    await MailSender(purchase_pool, mail_settings, "http://boucle.test").deliver_due()
    mails = catcher.messages(address)
    assert [mail["Subject"] for mail in mails] == ["Stock insuffisant : ordinateur fixe"] * 2


async def test_an_attention_event_delivered_twice_tells_each_coordinator_once(
    bus: JetStreamContext, inventory_pool: asyncpg.Pool, purchase_pool: asyncpg.Pool
) -> None:
    await all_applied(bus, inventory_pool)
    camille = await coordinator(purchase_pool, "")
    event = AttentionRaised(
        producer="inventory",
        aggregate_id=uuid.uuid4(),
        kind="stuck",
        new=2,
        count=5,
        state="in_refurbishment",
        threshold_days=30,
        oldest_since=utc_now() - timedelta(days=41),
    )
    await publish(bus, event)
    again = await bus.publish(  # the same event under another message id: JetStream keeps both
        event.subject, encode(event), headers={"Nats-Msg-Id": f"{event.event_id}:again"}
    )
    await done_with(bus, "INVENTORY", "group_purchase", again.seq)
    notification = await told_once(purchase_pool, camille, "attention_stuck")
    assert notification["details"]["path"] == "/registre?state=in_refurbishment&stuck_days=30"
    assert notification["details"]["state"] == "En reconditionnement"
