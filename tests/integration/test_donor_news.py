"""What a donor who agreed at the counter is told, on the real stack: their device ready for a
household, then handed over to one — once each, by mail (a real SMTP server on loopback), with
the device's passport link and never a word about the household; nothing without consent; a
state announced again tells nothing more; one click from a mail stops the news."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext

from boucle.devstack.mail_catcher import MailCatcher
from boucle.devstack.stack import Stack
from services.collection_point import consumers
from services.collection_point.domain import CollectionPoint
from services.collection_point.donors.jobs import DONOR_LINKS
from services.collection_point.donors.retention import forget_lapsed_contacts
from services.collection_point.donors.store import DonorNewsStore
from shared.config import MailSettings
from shared.contracts.inventory import DeviceStateChanged
from shared.db import transaction
from shared.labels import format_code
from shared.notifications.sender import MailSender
from shared.uow import PostgresUnitOfWork
from tests.support.households import DonationAt, Territory
from tests.support.labels import issued_codes
from tests.support.register import publish, until_state
from tests.support.stacks import token_for
from tests.support.waiting import wait_for

ACKNOWLEDGED = {"data_erasure": True, "recycling": True, "stickers_removed": True}
OWN = "http://collecte.test"  # the collection point's public address, in the mails
INVENTORY = "http://inventaire.test"  # where passports are


@pytest.fixture
def catcher() -> Iterator[MailCatcher]:
    started = MailCatcher().start()
    yield started
    started.stop()


def sender(pool: asyncpg.Pool, port: int) -> MailSender:
    settings = MailSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout_seconds=2)
    return MailSender(pool, settings, OWN, links=DONOR_LINKS, sites={"inventory": INVENTORY})


class Counter:
    """A collector of one point registering donations through the API."""

    def __init__(self, stack: Stack, http: httpx.AsyncClient, point: CollectionPoint) -> None:
        self.stack = stack
        self.http = http
        self.point = point
        token = token_for(stack, "collector", f"collection_point:{point.id}")
        self.headers = {"Authorization": f"Bearer {token}"}

    async def post(self, contact: dict[str, Any] | None, language: str = "fr") -> httpx.Response:
        (code,) = await issued_codes(self.stack, self.http, self.point.id)
        body: dict[str, Any] = {
            "label": code,
            "device_type": "laptop",
            "collection_point_id": str(self.point.id),
            "acknowledgements": ACKNOWLEDGED,
        }
        if contact is not None:
            body["contact"] = contact
        return await self.http.post(
            f"{self.stack.url('collection_point')}/api/v1/intakes",
            json=body,
            headers=self.headers | {"Accept-Language": language},
        )

    async def donate(self, contact: dict[str, Any] | None, language: str = "fr") -> Any:
        answer = await self.post(contact, language)
        assert answer.status_code == 201, answer.text
        return answer.json()


@pytest.fixture
def counter(stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint) -> Counter:
    return Counter(stack, http, collection_point)


async def news_of(pool: asyncpg.Pool, intake: dict[str, Any]) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT * FROM notifications WHERE recipient = $1 ORDER BY created_at, id",
        f"donor:{intake['id']}",
    )


async def until_told(pool: asyncpg.Pool, intake: dict[str, Any], count: int) -> list[Any]:
    async def told() -> list[Any]:
        rows = await news_of(pool, intake)
        return rows if len(rows) >= count else []

    return await wait_for(told, within=40)


def announced(intake: dict[str, Any], *states: str) -> list[DeviceStateChanged]:
    """Inventory's announcements of ``states`` for the device of ``intake``, in order."""
    return [
        DeviceStateChanged(
            producer="inventory",
            aggregate_id=uuid.UUID(intake["device_id"]),
            label=intake["label"],
            to_state=state,
        )
        for state in states
    ]


async def apply(pool: asyncpg.Pool, events: list[DeviceStateChanged]) -> None:
    """As the service's consumer does: a batch in one transaction."""
    async with transaction(pool) as connection:
        await consumers.apply(connection, list(events))


def body_of(mail: Any) -> str:
    text: str = mail.get_body(("plain",)).get_content()
    return text


async def refurbished(bus: JetStreamContext, intake: dict[str, Any], place: str) -> DonationAt:
    """The workshop's facts about the device of ``intake`` (received by inventory from the
    counter's event), up to its release."""
    device = DonationAt(place)
    device.id = uuid.UUID(intake["device_id"])
    device.label = intake["label"]
    await publish(bus, device.checked_in(), device.erased(), device.graded(), device.released())
    return device


async def test_a_donor_who_agreed_is_told_once_ready_and_once_placed_with_the_passport(
    stack: Stack,
    territory: Territory,
    bus: JetStreamContext,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
    inventory_pool: asyncpg.Pool,
    purchase_pool: asyncpg.Pool,
    catcher: MailCatcher,
) -> None:
    address = f"donatrice-{uuid.uuid4().hex[:6]}@example.org"
    intake = await Counter(stack, http, collection_point).donate(
        {"name": "Mme Donatrice", "email": address, "news": True}
    )
    device_id = uuid.UUID(intake["device_id"])
    await until_state(inventory_pool, device_id, "received")
    await refurbished(bus, intake, territory.place)
    await until_state(inventory_pool, device_id, "ready")
    [ready] = await until_told(collection_pool, intake, 1)
    assert (ready["kind"], ready["email"], ready["language"]) == ("donation_ready", address, "fr")

    async def known() -> bool:
        return bool(
            await purchase_pool.fetchval(
                "SELECT state = 'ready' FROM known_devices WHERE device_id = $1 AND grade <> ''",
                device_id,
            )
        )

    await wait_for(known, within=40)
    household = await territory.household()
    request = await territory.request(household["id"])
    need = request["needs"][0]
    assert need["proposal"]["device_id"] == intake["device_id"]
    await territory.confirm(need)
    await territory.need_when(request["id"], "reserved")
    handed = await http.post(
        f"{territory.api}/needs/{need['id']}/hand-over",
        json={"place": territory.place},
        headers=territory.worker,
    )
    assert handed.status_code == 201, handed.text
    await until_state(inventory_pool, device_id, "delivered")
    told = await until_told(collection_pool, intake, 2)
    assert [row["kind"] for row in told] == ["donation_ready", "donation_placed"]

    mailer = sender(collection_pool, catcher.port)
    await mailer.deliver_due()
    mails = catcher.messages(address)
    assert [mail["Subject"] for mail in mails] == [
        "Votre don est prêt pour un foyer",
        "Votre don a trouvé un foyer",
    ]
    passport = f"{INVENTORY}/d/{intake['label']}"
    for mail in mails:
        text = body_of(mail)
        assert passport in text
        assert format_code(intake["label"]) in text and "ordinateur portable" in text
        assert mail["List-Unsubscribe"].startswith(f"<{OWN}/dons/desabonnement/")
        for private in (household["reference"], "Famille Exemple", "06 12 34 56 78", "Roubaix"):
            assert private not in text and private not in str(mail["Subject"])
        assert "/notifications" not in text  # a donor has no inbox
    await mailer.deliver_due()
    assert len(catcher.messages(address)) == 2  # sent once each


async def test_without_consent_or_address_nothing_is_told_and_announced_twice_is_told_once(
    counter: Counter,
    collection_pool: asyncpg.Pool,
) -> None:
    agreed = await counter.donate({"email": "agreed@example.org", "news": True}, language="en")
    silent = await counter.donate({"name": "M. Discret", "email": "discret@example.org"})
    anonymous = await counter.donate(None)
    everyone = (agreed, silent, anonymous)

    # ready, a reservation that lapsed, ready again, and an event delivered twice
    first = announced(agreed, "ready", "reserved", "ready")
    await apply(
        collection_pool,
        [*first, first[0], *announced(silent, "ready"), *announced(anonymous, "ready")],
    )
    await apply(collection_pool, [first[0], *announced(agreed, "ready")])

    assert [len(await news_of(collection_pool, intake)) for intake in everyone] == [1, 0, 0]
    [ready] = await news_of(collection_pool, agreed)
    assert ready["language"] == "en"
    assert ready["details"] == {
        "path": f"/d/{agreed['label']}",
        "site": "inventory",  # the passport is inventory's page
        "label": format_code(agreed["label"]),
        "device": "laptop",
    }

    await apply(collection_pool, [*announced(agreed, "reserved", "delivered")])
    await apply(collection_pool, [*announced(agreed, "delivered"), *announced(silent, "delivered")])
    kinds = [row["kind"] for row in await news_of(collection_pool, agreed)]
    assert kinds == ["donation_ready", "donation_placed"]
    assert await news_of(collection_pool, silent) == []


async def test_one_click_from_a_mail_stops_the_next_news(
    counter: Counter,
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
    catcher: MailCatcher,
) -> None:
    address = f"clic-{uuid.uuid4().hex[:6]}@example.org"
    laptop = await counter.donate({"email": address, "news": True})
    phone = await counter.donate({"email": address.upper(), "news": True})
    await apply(collection_pool, announced(laptop, "ready"))
    mailer = sender(collection_pool, catcher.port)
    await mailer.deliver_due()
    [mail] = catcher.messages(address)

    link = mail["List-Unsubscribe"].strip("<>").replace(OWN, stack.url("collection_point"))
    page = await http.get(link, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Me désabonner" in page.text
    clicked = await http.post(link, content=b"List-Unsubscribe=One-Click")  # RFC 8058
    assert clicked.status_code == 200
    assert "vous ne recevrez plus de nouvelles de vos dons" in clicked.text
    again = await http.post(link, content=b"List-Unsubscribe=One-Click")
    assert again.status_code == 200

    await apply(collection_pool, [*announced(laptop, "delivered"), *announced(phone, "ready")])
    await mailer.deliver_due()
    assert len(catcher.messages(address)) == 1
    assert [row["kind"] for row in await news_of(collection_pool, laptop)] == ["donation_ready"]
    assert await news_of(collection_pool, phone) == []
    unknown = await http.post(link.rsplit("/", 1)[0] + f"/{uuid.uuid4()}")
    assert unknown.status_code == 404


async def test_news_without_an_address_is_refused_with_the_field_to_fix(
    counter: Counter,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    refused = await counter.post({"name": "Mme Martin", "news": True}, language="en")

    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "counter.news_without_email"
    [error] = problem["errors"]
    assert error["key"] == "contact.email"
    assert "left no address" in error["message"]
    count = await collection_pool.fetchval(
        "SELECT count(*) FROM intakes WHERE collection_point_id = $1", collection_point.id
    )
    assert count == 0


async def erasures_of(pool: asyncpg.Pool, intake: dict[str, Any]) -> int:
    return int(
        await pool.fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'donor_contact.erased' AND subject = $1",
            f"intake:{intake['id']}",
        )
    )


async def test_a_donor_s_contact_is_erased_a_year_after_the_donation_and_the_donation_stays(
    counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    old = await counter.donate(
        {"name": "Mme Ancienne", "email": "ancienne@example.org", "phone": "06 11 22 33 44",
         "news": True}
    )  # fmt: skip
    recent = await counter.donate({"email": "recente@example.org", "news": True})
    await apply(collection_pool, [*announced(old, "ready"), *announced(recent, "ready")])
    await collection_pool.execute(
        "UPDATE donor_contacts SET created_at = now() - interval '366 days' WHERE intake_id = $1",
        uuid.UUID(old["id"]),
    )

    uow = PostgresUnitOfWork(collection_pool, DonorNewsStore, wake=lambda: None)
    assert await forget_lapsed_contacts(uow, 365) >= 1

    contacts = {
        str(row["intake_id"]): row
        for row in await collection_pool.fetch(
            "SELECT * FROM donor_contacts WHERE intake_id = ANY($1::uuid[])",
            [old["id"], recent["id"]],
        )
    }
    assert list(contacts) == [recent["id"]]  # the year-old one is gone, the recent one stays
    [mail] = await news_of(collection_pool, old)
    assert mail["email"] == "" and mail["kind"] == "donation_ready"  # what it said stays
    [kept] = await news_of(collection_pool, recent)
    assert kept["email"] == "recente@example.org"
    donation = await collection_pool.fetchrow(
        "SELECT * FROM intakes WHERE id = $1", uuid.UUID(old["id"])
    )
    assert donation is not None and donation["label"] == old["label"]
    assert await erasures_of(collection_pool, old) == 1

    # the device placed later tells no one: there is no one left to tell
    await apply(collection_pool, announced(old, "delivered"))
    assert [row["kind"] for row in await news_of(collection_pool, old)] == ["donation_ready"]
    await forget_lapsed_contacts(uow, 365)  # a second round erases nothing of it twice
    assert await erasures_of(collection_pool, old) == 1


async def test_a_donor_who_asks_is_forgotten_at_once_by_their_point_and_by_no_other(
    stack: Stack, http: httpx.AsyncClient, counter: Counter, collection_pool: asyncpg.Pool
) -> None:
    intake = await counter.donate(
        {"name": "M. Pressé", "email": "presse@example.org", "news": True}
    )
    await apply(collection_pool, announced(intake, "ready"))
    contact = f"{stack.url('collection_point')}/api/v1/intakes/{intake['id']}/contact"

    elsewhere = token_for(stack, "collector", f"collection_point:{uuid.uuid4()}")
    refused = await http.delete(contact, headers={"Authorization": f"Bearer {elsewhere}"})
    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert await collection_pool.fetchval(
        "SELECT email FROM donor_contacts WHERE intake_id = $1", uuid.UUID(intake["id"])
    ) == "presse@example.org"  # fmt: skip

    for _ in range(2):  # asking twice is asking once
        answer = await http.delete(contact, headers=counter.headers)
        assert answer.status_code == 204, answer.text
    assert await collection_pool.fetchval(
        "SELECT count(*) FROM donor_contacts WHERE intake_id = $1", uuid.UUID(intake["id"])
    ) == 0  # fmt: skip
    [mail] = await news_of(collection_pool, intake)
    assert mail["email"] == ""
    assert await erasures_of(collection_pool, intake) == 1
    await apply(collection_pool, announced(intake, "delivered"))  # nobody left to tell
    assert len(await news_of(collection_pool, intake)) == 1
