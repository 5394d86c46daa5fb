"""When the servers underneath fail: NATS killed, PostgreSQL restarted, poison and duplicates.

These tests run on their own stack (they kill its servers) and check what a user would
notice: every donation the counter accepted reaches the register exactly once, the services
heal by themselves, and a bad or repeated message never blocks or doubles anything.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import replace

import asyncpg
import httpx
import nats
import pytest
from nats.js.api import ConsumerInfo

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from services.collection_point.store import PointStore
from shared.config import SERVICES
from shared.contracts.collection import DeviceReceived
from shared.contracts.streams import CONSUMERS, DLQ_STREAM
from shared.events import encode
from shared.labels import generate_code
from tests.support.failures import (
    CONCURRENCY,
    REQUEST_TIMEOUT,
    Answer,
    Counter,
    all_registered,
    devices_by_label,
    eventually,
    query,
    settled,
)
from tests.support.processes import freeze_postgres, is_stopped, thaw
from tests.support.stacks import running_stack, token_for

DEVICE_RECEIVED = "collection.device.received"
Servers = Callable[[Callable[[], None]], Awaitable[None]]
OUTAGE_AFTER_DELIVERY = 4.0  # longer than the first nak delay of a delivery budget of two


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=CONCURRENCY * 2)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as client:
        yield client


@pytest.fixture(scope="module")
def server_thread() -> Iterator[ThreadPoolExecutor]:
    """The one thread that restarts servers, alive until the stack has stopped.

    Servers are started with a parent-death signal, and Linux sends it when the *thread*
    that started them ends: a server restarted from a short-lived worker thread would be
    stopped behind the test's back.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="servers") as executor:
        yield executor


@pytest.fixture(scope="module")
def failing_stack(
    server_thread: ThreadPoolExecutor, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """A stack of its own: these tests kill and restart its servers."""
    with running_stack(tmp_path_factory.mktemp("failures")) as started:
        yield started


@pytest.fixture(scope="module")
def servers(server_thread: ThreadPoolExecutor) -> Servers:
    """``await servers(stack.nats.kill)``: stop or start a server without blocking the load."""

    async def run(action: Callable[[], None]) -> None:
        await asyncio.get_running_loop().run_in_executor(server_thread, action)

    return run


@pytest.fixture(scope="module")
def coordinator(failing_stack: Stack) -> str:
    return token_for(failing_stack, "coordinator")


@pytest.fixture(scope="module")
async def collection_point(failing_stack: Stack) -> CollectionPoint:
    point = CollectionPoint(
        id=uuid.uuid4(),
        name=f"Mairie de quartier {uuid.uuid4().hex[:6]}",
        kind="town_hall",
        address="2 place de test",
        postcode="59100",
        commune="Roubaix",
    )
    connection = await asyncpg.connect(failing_stack.postgres.dsn)
    try:
        await connection.execute("SET search_path TO collection")
        await PointStore(connection).upsert_point(point)
    finally:
        await connection.close()
    return point


# --------------------------------------------------------------------------- helpers


async def all_ready(http: httpx.AsyncClient, stack: Stack, within: float) -> None:
    async def ready() -> bool:
        for service in SERVICES:
            answer = await http.get(f"{stack.url(service)}/health/ready", timeout=5)
            if answer.status_code != 200:
                return False
        return True

    await eventually(ready, within, "every service is ready again")


async def published(stack: Stack, subject: str, payload: bytes, message_id: str) -> int:
    client = await nats.connect(stack.nats.url, connect_timeout=2, allow_reconnect=False)
    try:
        ack = await client.jetstream().publish(
            subject, payload, headers={"Nats-Msg-Id": message_id}, timeout=5
        )
        assert not ack.duplicate
        return ack.seq
    finally:
        await client.close()


async def inventory_consumer(stack: Stack) -> ConsumerInfo:
    client = await nats.connect(stack.nats.url, connect_timeout=2, allow_reconnect=False)
    try:
        return await client.jetstream().consumer_info("COLLECTION", "inventory", timeout=2)
    finally:
        await client.close()


async def consumer_received(stack: Stack, stream_sequence: int, within: float) -> None:
    """Wait until inventory's consumer has been handed ``stream_sequence``."""

    async def received() -> bool:
        delivered = (await inventory_consumer(stack)).delivered
        return delivered is not None and (delivered.stream_seq or 0) >= stream_sequence

    await eventually(received, within, f"inventory received stream message {stream_sequence}")


async def consumer_done_with(stack: Stack, stream_sequence: int, within: float) -> None:
    """Wait until inventory's consumer has acknowledged (or terminated) every message up to
    ``stream_sequence``."""

    async def done() -> bool:
        acknowledged = (await inventory_consumer(stack)).ack_floor
        return acknowledged is not None and (acknowledged.stream_seq or 0) >= stream_sequence

    await eventually(done, within, f"inventory is done with stream message {stream_sequence}")


@asynccontextmanager
async def delivery_budget(stack: Stack, deliveries: int) -> AsyncIterator[None]:
    """Temporarily give inventory's durable consumer another ``max_deliver``."""

    async def set_budget(value: int) -> None:
        client = await nats.connect(stack.nats.url, connect_timeout=2, allow_reconnect=False)
        try:
            js = client.jetstream()
            info = await js.consumer_info("COLLECTION", "inventory", timeout=2)
            await js.add_consumer("COLLECTION", replace(info.config, max_deliver=value))
        finally:
            await client.close()

    before = (await inventory_consumer(stack)).config.max_deliver
    await set_budget(deliveries)
    try:
        yield
    finally:
        await set_budget(before or -1)


async def dlq_advisories(stack: Stack) -> list[dict[str, object]]:
    client = await nats.connect(stack.nats.url, connect_timeout=2, allow_reconnect=False)
    try:
        js = client.jetstream()
        state = (await js.stream_info(DLQ_STREAM)).state
        advisories = []
        for sequence in range(state.first_seq, state.last_seq + 1):
            if state.messages == 0:
                break
            message = await js.get_msg(DLQ_STREAM, sequence)
            advisories.append({"subject": message.subject, **json.loads(message.data or b"{}")})
        return advisories
    finally:
        await client.close()


def assert_clean_problem(answer: Answer) -> None:
    assert answer.content_type.startswith("application/problem+json"), answer
    problem = json.loads(answer.body)
    assert problem["status"] == answer.status
    assert problem["detail"], answer
    assert "Traceback" not in answer.body and "asyncpg" not in answer.body, answer


# --------------------------------------------------------------------------- tests


async def test_an_undecodable_message_is_dead_lettered_and_does_not_block_later_donations(
    failing_stack: Stack,
    http: httpx.AsyncClient,
    coordinator: str,
    collection_point: CollectionPoint,
) -> None:
    stack = failing_stack
    garbage = await published(stack, DEVICE_RECEIVED, b"\x00\xff{not an event", str(uuid.uuid4()))

    counter = Counter(stack, http, coordinator, collection_point)
    (label,) = await counter.new_labels(1)
    answer = await counter.donate(label)
    assert answer.status == 201, answer
    assert await all_registered(stack, [answer.label], within=30) == {answer.label: 1}

    every_consumer = {  # those that receive a device received: their filter matches it
        c.consumer
        for c in CONSUMERS
        if c.stream == "COLLECTION"
        and DeviceReceived.subject.startswith(c.filter_subject.removesuffix(">"))
    }

    async def terminated() -> set[str] | None:
        by = {
            str(advisory.get("consumer"))
            for advisory in await dlq_advisories(stack)
            if ".MSG_TERMINATED." in str(advisory["subject"])
            and advisory.get("stream") == "COLLECTION"
            and advisory.get("stream_seq") == garbage
        }
        return by if by == every_consumer else None

    dead_lettered_by = await eventually(terminated, 30, "every consumer dead-letters it")
    assert dead_lettered_by == every_consumer  # each service that reads the stream, once


async def test_an_event_delivered_twice_registers_one_device_with_one_history_entry(
    failing_stack: Stack,
    http: httpx.AsyncClient,
    coordinator: str,
    collection_point: CollectionPoint,
) -> None:
    stack = failing_stack
    counter = Counter(stack, http, coordinator, collection_point)
    (label,) = await counter.new_labels(1)
    answer = await counter.donate(label)
    assert answer.status == 201, answer
    await all_registered(stack, [answer.label], within=30)

    (event,) = await query(
        stack,
        "SELECT event_id, payload FROM collection.outbox "
        "WHERE subject = $1 AND position(convert_to($2, 'UTF8') IN payload) > 0",
        DEVICE_RECEIVED,
        f'"intake_id":"{json.loads(answer.body)["id"]}"',
    )
    # the same event again, under another message id so that JetStream keeps both copies
    again = await published(stack, DEVICE_RECEIVED, bytes(event["payload"]), str(uuid.uuid4()))
    await consumer_done_with(stack, again, within=30)

    assert await devices_by_label(stack, [answer.label]) == {answer.label: 1}
    history = await query(
        stack,
        "SELECT h.event_id FROM inventory.device_history h "
        "JOIN inventory.devices d ON d.id = h.device_id WHERE d.label = $1",
        answer.label,
    )
    assert [row["event_id"] for row in history] == [event["event_id"]]
    announced = await query(
        stack,
        "SELECT count(*) AS n FROM inventory.outbox "
        "WHERE subject = 'inventory.device.state_changed' "
        "AND position(convert_to($1, 'UTF8') IN payload) > 0",
        str(event["event_id"]),
    )
    assert announced[0]["n"] == 1, "the state change was announced more than once"


async def test_events_arriving_while_postgresql_is_down_are_applied_when_it_is_back(
    failing_stack: Stack,
    servers: Servers,
) -> None:
    """However long the outage, waiting for the database must not use up the delivery budget:
    the budget is cut to two deliveries here, so that a nak'ed retry would dead-letter."""
    stack = failing_stack
    labels = [generate_code() for _ in range(5)]
    events = [
        DeviceReceived(
            producer="collection_point",
            aggregate_id=uuid.uuid4(),
            intake_id=uuid.uuid4(),
            label=label,
            device_type="tablet",
            collection_point_id=uuid.uuid4(),
            collection_point_name="Maison de quartier",
        )
        for label in labels
    ]
    async with delivery_budget(stack, 2):
        await servers(stack.postgres.stop)
        try:
            sequences = [
                await published(stack, DEVICE_RECEIVED, encode(event), str(event.event_id))
                for event in events
            ]
            await consumer_received(stack, sequences[0], within=30)
            await asyncio.sleep(OUTAGE_AFTER_DELIVERY)  # a nak'ed retry would be due by now
        finally:
            await servers(stack.postgres.start)

        assert await all_registered(stack, labels, within=30) == dict.fromkeys(labels, 1)
        await consumer_done_with(stack, sequences[-1], within=30)
    dead = [
        advisory
        for advisory in await dlq_advisories(stack)
        if advisory.get("stream") == "COLLECTION" and advisory.get("stream_seq") in sequences
    ]
    assert not dead, f"events dead-lettered during the outage: {dead}"


async def test_donations_accepted_while_nats_is_killed_all_reach_inventory_exactly_once(
    failing_stack: Stack,
    servers: Servers,
    http: httpx.AsyncClient,
    coordinator: str,
    collection_point: CollectionPoint,
) -> None:
    stack = failing_stack
    counter = Counter(stack, http, coordinator, collection_point)
    load = asyncio.create_task(counter.run(500))
    try:
        await counter.until(lambda: len(counter.answers) >= 100, 60, "first donations answered")
        await servers(stack.nats.kill)
        counter.outage = True
        await counter.until(
            lambda: sum(a.during_outage for a in counter.answers) >= 150 or load.done(),
            60,
            "donations answered while NATS is down",
        )
        await servers(stack.nats.start)
        counter.outage = False
        async with asyncio.timeout(120):
            await load
    finally:
        load.cancel()

    assert len(counter.answers) == 500
    refused = [answer for answer in counter.answers if not answer.accepted]
    assert not refused, f"donations refused although PostgreSQL was up: {refused[:3]}"
    assert any(answer.during_outage for answer in counter.accepted)

    accepted = [answer.label for answer in counter.accepted]
    await all_registered(stack, accepted, within=60)
    await settled(stack, within=60)
    counts = await devices_by_label(stack, accepted)
    assert all(counts.get(label) == 1 for label in accepted)
    assert not await devices_by_label(stack, [answer.label for answer in refused])
    await all_ready(http, stack, within=30)


async def test_services_heal_by_themselves_after_postgresql_restarts_and_lose_no_donation(
    failing_stack: Stack,
    servers: Servers,
    http: httpx.AsyncClient,
    coordinator: str,
    collection_point: CollectionPoint,
) -> None:
    stack = failing_stack
    services = dict(stack.services)
    counter = Counter(stack, http, coordinator, collection_point)
    stop = asyncio.Event()
    load = asyncio.create_task(counter.run(3000, stop))
    try:
        await counter.until(lambda: len(counter.accepted) >= 100, 60, "first donations accepted")
        counter.outage = True
        await servers(stack.postgres.stop)
        outage_answers = len(counter.answers)
        await counter.until(
            lambda: len(counter.answers) >= outage_answers + 30, 60, "answers during the outage"
        )
        await servers(stack.postgres.start)
        counter.outage = False
        restarted_accepted = len(counter.accepted)
        await counter.until(
            lambda: len(counter.accepted) >= restarted_accepted + 100,
            60,
            "donations accepted again after the restart",
        )
    finally:
        stop.set()
        async with asyncio.timeout(REQUEST_TIMEOUT * 2):
            await load

    assert all(process.poll() is None for process in services.values()), "a service died"
    await all_ready(http, stack, within=30)

    no_answer = [answer for answer in counter.answers if answer.status is None]
    assert not no_answer, f"requests left without an answer: {no_answer[:3]}"
    refused = [answer for answer in counter.answers if not answer.accepted]
    assert refused, "the outage refused nothing: PostgreSQL was not really down"
    for answer in refused:
        assert answer.status == 503, answer
        assert_clean_problem(answer)
    refused_labels = [answer.label for answer in refused]
    left_behind = await query(
        stack, "SELECT label FROM collection.intakes WHERE label = ANY($1::text[])", refused_labels
    )
    assert not left_behind, "a donation answered 503 (nothing saved) was saved"

    accepted = [answer.label for answer in counter.accepted]
    kept = await query(
        stack, "SELECT label FROM collection.intakes WHERE label = ANY($1::text[])", accepted
    )
    assert {row["label"] for row in kept} == set(accepted), "an accepted donation was lost"
    await all_registered(stack, accepted, within=60)
    await settled(stack, within=60)
    counts = await devices_by_label(stack, accepted)
    assert all(counts.get(label) == 1 for label in accepted)


async def test_a_frozen_database_gets_a_prompt_503_and_a_retry_applies_once(
    failing_stack: Stack,
    http: httpx.AsyncClient,
    coordinator: str,
    collection_point: CollectionPoint,
) -> None:
    """PostgreSQL stopped dead (SIGSTOP: sockets open, no answer). The counter and the probes
    answer while it is still frozen — they do not wait for it — with a clean 503; once it
    runs again, the same requests sent again (same Idempotency-Key) register each donation
    exactly once, whether or not the first attempt had reached the database."""
    stack = failing_stack
    counter = Counter(stack, http, coordinator, collection_point)
    labels = await counter.new_labels(4)
    keys = {label: str(uuid.uuid4()) for label in labels}

    async def donate(label: str) -> httpx.Response:
        return await http.post(
            f"{counter.url}/api/v1/intakes",
            json={
                "label": label,
                "device_type": "laptop",
                "collection_point_id": str(collection_point.id),
                "acknowledgements": {
                    "data_erasure": True,
                    "recycling": True,
                    "stickers_removed": True,
                },
            },
            headers={"Authorization": f"Bearer {coordinator}", "Idempotency-Key": keys[label]},
        )

    postgres = stack.postgres.process
    assert postgres is not None
    frozen_at = time.monotonic()
    frozen = freeze_postgres(postgres.pid)
    try:
        answers = await asyncio.gather(*(donate(label) for label in labels))
        donations_in = time.monotonic() - frozen_at
        probes = await asyncio.gather(
            *(http.get(f"{stack.url(service)}/health/ready") for service in SERVICES)
        )
        probes_in = time.monotonic() - frozen_at - donations_in
        still_frozen = is_stopped(postgres.pid)
    finally:
        thaw(frozen)
    print(
        f"\nfrozen database: 4 donations answered 503 in {donations_in:.1f} s, "
        f"4 readiness probes in {probes_in:.1f} s"
    )

    assert still_frozen, "the answers only came once PostgreSQL was running again"
    for answer in answers:
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.headers["retry-after"]
        assert "Traceback" not in answer.text and "asyncpg" not in answer.text
    for probe in probes:
        assert probe.status_code == 503, probe.text
        assert probe.json()["extensions"]["checks"]["postgresql"] is False

    await all_ready(http, stack, within=30)
    again = await asyncio.gather(*(donate(label) for label in labels))
    assert [answer.status_code for answer in again] == [201] * len(labels)
    assert (await all_registered(stack, labels, within=30)) == dict.fromkeys(labels, 1)
    await settled(stack, within=60)
    assert await devices_by_label(stack, labels) == dict.fromkeys(labels, 1)
