"""Donations under load while servers fail: the answers counted, and what was registered."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
import httpx
import nats

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.support.jetstream import caught_up
from tests.support.labels import issued_codes

CONCURRENCY = 16

REQUEST_TIMEOUT = 15.0


@dataclass
class Answer:
    label: str
    status: int | None  # None: no HTTP answer at all (connection error or timeout)
    content_type: str = ""
    body: str = ""
    failure: str = ""
    during_outage: bool = False

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Counter:
    """Donations brought to the counter, ``concurrency`` at a time, each with a new label."""

    stack: Stack
    http: httpx.AsyncClient
    token: str
    point: CollectionPoint
    answers: list[Answer] = field(default_factory=list)
    outage: bool = False

    @property
    def url(self) -> str:
        return self.stack.url("collection_point")

    async def new_labels(self, count: int) -> list[str]:
        """Labels printed for the point; issued before any outage, since issuing needs the
        database."""
        return await issued_codes(self.stack, self.http, self.point.id, count)

    @property
    def accepted(self) -> list[Answer]:
        return [answer for answer in self.answers if answer.accepted]

    async def donate(self, label: str) -> Answer:
        during_outage = self.outage
        try:
            response = await self.http.post(
                f"{self.url}/api/v1/intakes",
                json={
                    "label": label,
                    "device_type": "laptop",
                    "collection_point_id": str(self.point.id),
                    "acknowledgements": {
                        "data_erasure": True,
                        "recycling": True,
                        "stickers_removed": True,
                    },
                },
                headers={"Authorization": f"Bearer {self.token}"},
            )
        except httpx.HTTPError as error:
            answer = Answer(label, None, failure=repr(error), during_outage=during_outage)
        else:
            answer = Answer(
                label,
                response.status_code,
                response.headers.get("content-type", ""),
                response.text,
                during_outage=during_outage or self.outage,
            )
        self.answers.append(answer)
        return answer

    async def run(self, total: int, stop: asyncio.Event | None = None) -> None:
        """Post up to ``total`` donations, stopping early once ``stop`` is set."""
        labels = iter(await self.new_labels(total))
        lock = asyncio.Lock()

        async def worker() -> None:
            while stop is None or not stop.is_set():
                async with lock:
                    label = next(labels, None)
                if label is None:
                    return
                await self.donate(label)
                await asyncio.sleep(0)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))

    async def until(self, check: Callable[[], bool], within: float, what: str) -> None:
        try:
            async with asyncio.timeout(within):
                while True:
                    if check():
                        return
                    await asyncio.sleep(0.02)
        except TimeoutError:
            raise AssertionError(f"{what}: not after {within:.0f} s") from None


async def eventually(
    check: Callable[[], Awaitable[object]], within: float, what: str, interval: float = 0.2
) -> object:
    """Poll ``check`` until it returns something truthy, at most ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    last: object = None
    while loop.time() < deadline:
        try:
            last = await check()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, httpx.HTTPError) as error:
            last = error
        else:
            if last:
                return last
        await asyncio.sleep(interval)
    raise AssertionError(f"{what}: still not true after {within:.0f} s (last: {last!r})")


async def query(stack: Stack, sql: str, *args: object) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(stack.postgres.dsn, timeout=5)
    try:
        return await connection.fetch(sql, *args)
    finally:
        await connection.close()


async def devices_by_label(stack: Stack, labels: list[str]) -> dict[str, int]:
    rows = await query(
        stack,
        "SELECT d.label, count(*) AS devices, "
        "(SELECT count(*) FROM inventory.device_history h WHERE h.device_id = d.id) AS entries "
        "FROM inventory.devices d WHERE d.label = ANY($1::text[]) GROUP BY d.id, d.label",
        labels,
    )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + row["devices"]
        assert row["entries"] == 1, f"device {row['label']} has {row['entries']} history rows"
    return counts


async def all_registered(stack: Stack, labels: list[str], within: float) -> dict[str, int]:
    async def complete() -> dict[str, int] | None:
        counts = await devices_by_label(stack, labels)
        return counts if len(counts) >= len(labels) else None

    counts = await eventually(complete, within, f"{len(labels)} donations reach inventory")
    assert isinstance(counts, dict)
    return counts


async def settled(stack: Stack, within: float) -> None:
    """Collection's outbox all published and inventory's consumer done with every donation in
    the stream: a copy still to come (redelivered after its ack wait, published again after
    an outage) has been applied or absorbed by then, so a count taken after this is final."""

    async def all_sent() -> bool:
        (row,) = await query(
            stack, "SELECT count(*) AS unsent FROM collection.outbox WHERE sent_at IS NULL"
        )
        return row["unsent"] == 0

    await eventually(all_sent, within, "collection's outbox is all published")
    client = await nats.connect(stack.nats.url, connect_timeout=2)
    try:
        await caught_up(client.jetstream(), "COLLECTION", "inventory", within=within)
    finally:
        await client.close()
