"""The production shape on one machine: three NATS nodes (R3 streams) and two replicas of each
service on one PostgreSQL. A NATS node and one replica of each service are killed (kill -9)
while donations arrive at the counter: nothing accepted is lost, nothing is registered twice
or out of nowhere, events keep flowing, and the two relays never publish an event twice.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import nats
import pytest

from boucle.devstack.cluster import ClusterStack, any_free_cluster_ports, wait_until_current
from services.collection_point.demo import seed as seed_points
from services.collection_point.domain import CollectionPoint
from services.collection_point.store import PointStore
from shared.bus import NATS_ERRORS
from shared.config import SERVICES
from shared.contracts.collection import DeviceReceived
from shared.db import create_pool
from tests.support.failures import Counter, all_registered, eventually, query
from tests.support.stacks import running, token_for

DONATIONS = 500
KILL_AFTER = 150  # answers before the kills


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterStack]:
    folder = tmp_path_factory.mktemp("cluster")
    with running(ClusterStack(folder, any_free_cluster_ports())) as started:
        yield started


@pytest.fixture(scope="module")
async def collection_point(cluster: ClusterStack) -> CollectionPoint:
    """The demo's Lille library, which takes laptops."""
    point_id, *_ = await seed_points(cluster.postgres.dsn)
    pool = await create_pool(cluster.postgres.dsn, "collection", 1, 1)
    try:
        async with pool.acquire() as connection:
            point = await PointStore(connection).get_point(point_id)
    finally:
        await pool.close()
    assert point is not None
    return point


@dataclass
class SpreadCounter(Counter):
    """Donations sent in turn to the replicas in service, as the reverse proxy does (it stops
    sending to a replica once the replica fails its health check)."""

    replicas: list[str] = field(default_factory=list)
    turns: Iterator[int] = field(default_factory=itertools.count)

    @property
    def url(self) -> str:
        return self.replicas[next(self.turns) % len(self.replicas)]


async def connected(stack: ClusterStack) -> nats.NATS:
    """A client of the nodes still up (the dead one is skipped without a word)."""

    async def quietly(_error: Exception) -> None:
        return None

    servers = stack.nats.url.split(",")
    return await nats.connect(servers=servers, connect_timeout=2, error_cb=quietly)


async def collection_leader(stack: ClusterStack) -> str:
    client = await connected(stack)
    try:
        cluster = (await client.jetstream().stream_info("COLLECTION")).cluster
        return (cluster.leader if cluster else None) or ""
    finally:
        await client.close()


async def published_ids(stack: ClusterStack, subject: str) -> list[str]:
    """The ``Nats-Msg-Id`` of every message on ``subject`` in its stream, in order."""
    client = await connected(stack)
    try:
        js = client.jetstream()
        subscription = await js.subscribe(subject, ordered_consumer=True, headers_only=True)
        ids: list[str] = []
        while True:
            message = await subscription.next_msg(timeout=10)
            ids.append((message.headers or {}).get("Nats-Msg-Id", ""))
            if message.metadata.num_pending == 0:
                return ids
    finally:
        await client.close()


async def relay_published(http: httpx.AsyncClient, url: str) -> int:
    metrics = (await http.get(f"{url}/metrics")).text.splitlines()
    (line,) = (line for line in metrics if line.startswith("boucle_outbox_published_total{"))
    return int(float(line.rsplit(" ", 1)[1]))


@dataclass
class Kills:
    """What was killed, when, and how long the stream went without a leader."""

    node: str
    at: datetime
    new_leader: str = ""
    failover_seconds: float = 0.0
    relays_before: list[int] = field(default_factory=list)


async def kill_a_node_and_a_replica_of_each_service(
    stack: ClusterStack, counter: SpreadCounter
) -> Kills:
    """kill -9 COLLECTION's leader and replica 1 of every service (the counter stops sending
    to it first, as the proxy would), then wait for another node to lead."""
    relays_before = [await relay_published(counter.http, url) for url in counter.replicas]
    leader = await collection_leader(stack)
    counter.replicas.remove(stack.url("collection_point"))
    kills = Kills(leader, datetime.now(UTC), relays_before=relays_before)
    stack.nats.node(leader).kill()
    for service in SERVICES:
        stack.services[f"{service}-1"].kill()
    counter.outage = True
    started = time.monotonic()

    async def another_leader() -> str | None:
        try:
            leader = await collection_leader(stack)
        except NATS_ERRORS:  # no responder, the stream offline…: it is electing
            return None
        return leader if leader and leader != kills.node else None

    new_leader = await eventually(another_leader, 30, "another node leads COLLECTION")
    kills.new_leader, kills.failover_seconds = str(new_leader), time.monotonic() - started
    return kills


async def test_a_nats_node_and_a_replica_of_each_service_killed_under_load_lose_nothing(
    cluster: ClusterStack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> None:
    stack = cluster
    replicas = stack.urls("collection_point")
    token = token_for(stack, "coordinator")
    counter = SpreadCounter(stack, http, token, collection_point, replicas=replicas)
    load = asyncio.create_task(counter.run(DONATIONS))
    try:
        await counter.until(lambda: len(counter.answers) >= KILL_AFTER, 60, "first donations")
        kills = await kill_a_node_and_a_replica_of_each_service(stack, counter)
        async with asyncio.timeout(120):
            await load
    finally:
        load.cancel()
    assert len(counter.answers) == DONATIONS

    intakes = await every_intake_registered_once(stack, counter)
    after_kills = [label for label, at in intakes.items() if at > kills.at]
    assert after_kills, "no donation was taken after the kills"
    await eventually(
        lambda: counter_heard_back(stack, after_kills), 60, "the counter hears from inventory"
    )
    published = await each_event_published_once(stack, len(intakes))
    assert all(count > 0 for count in kills.relays_before), "one relay did all the work"

    restarted = time.monotonic()
    node = stack.nats.node(kills.node)
    node.start()
    wait_until_current(node)
    caught_up = time.monotonic() - restarted

    lags = await query(
        stack,
        "SELECT extract(epoch FROM i.processed_at - o.created_at)::float AS seconds, "
        "i.processed_at > $2 AS after_kills FROM collection.outbox o "
        "JOIN inventory.inbox i ON i.event_id = o.event_id AND i.consumer = 'inventory' "
        "WHERE o.subject = $1 ORDER BY seconds",
        DeviceReceived.subject,
        kills.at,
    )
    seconds = [row["seconds"] for row in lags]
    cut_off = sum(answer.status is None for answer in counter.answers)
    refused = DONATIONS - len(counter.accepted) - cut_off
    print(
        f"\n{DONATIONS} donations: {len(counter.accepted)} accepted, {refused} refused, {cut_off} "
        f"cut off with the killed replica; {len(intakes)} intakes ({len(after_kills)} after "
        "the kills)"
        f"\nkilled {kills.node} (COLLECTION's leader) and replica 1 of each service; "
        f"{kills.new_leader} leads after {kills.failover_seconds:.1f} s"
        f"\nrelays of collection_point before the kills: {kills.relays_before}; the stream holds "
        f"{published} device.received, each event id once"
        f"\nintake → inventory: median {seconds[len(seconds) // 2]:.2f} s, longest "
        f"{seconds[-1]:.1f} s; {sum(row['after_kills'] for row in lags)} registered after "
        f"the kills\n{kills.node} restarted and current again after {caught_up:.1f} s"
    )


async def every_intake_registered_once(
    stack: ClusterStack, counter: SpreadCounter
) -> dict[str, datetime]:
    """Every intake saved (answered or cut off with its replica) is registered in inventory
    once, with one history row, and nothing else is; an accepted donation was saved, a
    refused one (503) was not. Returns when each intake was received, by label."""
    refused = [answer for answer in counter.answers if answer.status not in (201, None)]
    assert all(answer.status == 503 for answer in refused), refused[:3]
    labels = [answer.label for answer in counter.answers]
    intakes: dict[str, datetime] = {
        row["label"]: row["received_at"]
        for row in await query(
            stack,
            "SELECT label, received_at FROM collection.intakes WHERE label = ANY($1::text[])",
            labels,
        )
    }
    assert {answer.label for answer in counter.accepted} <= set(intakes), "an intake lost"
    assert not {answer.label for answer in refused} & set(intakes), "a refusal was saved"

    counts = await all_registered(stack, list(intakes), within=60)
    assert counts == dict.fromkeys(intakes, 1), "a donation registered twice"
    registered = await query(
        stack, "SELECT label FROM inventory.devices WHERE label = ANY($1::text[])", labels
    )
    assert {row["label"] for row in registered} == set(intakes), "a device without an intake"
    return intakes


async def each_event_published_once(stack: ClusterStack, intakes: int) -> int:
    """One device.received per intake in the stream, each event id once, each applied once
    by both services that read COLLECTION (both lost a replica); returns how many."""
    events = await query(
        stack, "SELECT event_id FROM collection.outbox WHERE subject = $1", DeviceReceived.subject
    )
    assert len(events) == intakes
    ids = await published_ids(stack, DeviceReceived.subject)
    assert sorted(ids) == sorted(str(row["event_id"]) for row in events), "published twice"
    for consumer in ("inventory", "refurbishment"):
        # a message the killed replica had fetched comes back after the ack wait (30 s)

        async def all_applied(consumer: str = consumer) -> bool:
            applied = await query(
                stack,
                f"SELECT count(*) AS n FROM {consumer}.inbox WHERE subject = $1",
                DeviceReceived.subject,
            )
            count: int = applied[0]["n"]
            assert count <= len(events), f"{consumer} applied an event twice"
            return count == len(events)

        await eventually(all_applied, 90, f"{consumer} applies every donation")
    return len(ids)


async def counter_heard_back(stack: ClusterStack, labels: list[str]) -> bool:
    """Whether inventory's answer (on INVENTORY) reached the counter for every label."""
    rows = await query(
        stack,
        "SELECT count(*) AS n FROM collection.intakes "
        "WHERE label = ANY($1::text[]) AND inventory_state IS NOT NULL",
        labels,
    )
    return bool(rows[0]["n"] == len(labels))
