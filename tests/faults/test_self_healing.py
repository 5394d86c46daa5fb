"""The stack heals itself while donations arrive: a service, nats-server or the PostgreSQL
postmaster killed with ``kill -9``, PostgreSQL frozen with SIGSTOP. Nobody restarts anything by
hand; every donation the counter acknowledged reaches the register once, and nothing else does.

The faults run one after the other on a supervised stack of this module's own, under one
bounded load; each test prints how long the stack took to be ready again (never asserted:
wall-clock times depend on the machine)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import asyncpg
import httpx
import pytest

from boucle.devstack.stack import Stack
from shared.config import SERVICES
from tests.support.failures import settled
from tests.support.labels import issued_codes
from tests.support.processes import freeze_postgres, thaw
from tests.support.stacks import running_stack, token_for
from tests.support.waiting import wait_for

CLIENTS = 4  # counters donating at the same time
LABELS = 1500  # the most donations the load attempts
PACE = 0.1  # seconds a counter waits between two donations
REQUEST_TIMEOUT = 5.0
HEAL_WITHIN = 60.0
FREEZE = 5.0  # seconds PostgreSQL stays stopped
REGISTERED_WITHIN = 75.0  # longer than the consumers' ack wait (30 s): a killed consumer's
# messages come back after it


@pytest.fixture(scope="module")
def supervised_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("faults")) as stack:
        stack.supervise(report=lambda line: print(f"supervisor: {line}", flush=True))
        yield stack


@dataclass
class Donations:
    """Donations brought to one point by ``CLIENTS`` counters, each with a label never used."""

    stack: Stack
    http: httpx.AsyncClient
    point_id: str
    labels: list[str]
    attempted: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)
    answers: Counter[int | None] = field(default_factory=Counter)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    running: asyncio.Future[list[None]] | None = None

    def start(self) -> None:
        self.running = asyncio.gather(*(self._counter() for _ in range(CLIENTS)))

    async def finish(self) -> None:
        """No new donation; returns once those under way have their answer."""
        self.stopping.set()
        if self.running is not None:
            async with asyncio.timeout(REQUEST_TIMEOUT * 2):
                await self.running

    async def _counter(self) -> None:
        token = token_for(self.stack, "collector", f"collection_point:{self.point_id}")
        while self.labels and not self.stopping.is_set():
            await self._donate(self.labels.pop(), token)
            await asyncio.sleep(PACE)

    async def _donate(self, label: str, token: str) -> None:
        self.attempted.add(label)
        try:
            answer = await self.http.post(
                f"{self.stack.url('collection_point')}/api/v1/intakes",
                json={
                    "label": label,
                    "device_type": "laptop",
                    "collection_point_id": self.point_id,
                    "acknowledgements": {
                        "data_erasure": True,
                        "recycling": True,
                        "stickers_removed": True,
                    },
                },
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError:
            self.answers[None] += 1  # no answer: the donation may or may not be saved
            return
        self.answers[answer.status_code] += 1
        if answer.is_success:
            self.acknowledged.add(label)

    async def acknowledged_again(self, within: float) -> None:
        before = len(self.acknowledged)
        deadline = time.monotonic() + within
        while len(self.acknowledged) == before:
            assert self.labels, "the load ran out of labels: raise LABELS"
            assert time.monotonic() < deadline, f"no donation acknowledged within {within} s"
            await asyncio.sleep(0.05)


@pytest.fixture(scope="module")
async def donations(supervised_stack: Stack) -> AsyncIterator[Donations]:
    """The load, running in the background from the first fault to the final count."""
    stack = supervised_stack
    limits = httpx.Limits(max_connections=CLIENTS * 2)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as http:
        place = await http.post(
            f"{stack.url('collection_point')}/api/v1/collection-points",
            json={
                "name": "Médiathèque des pannes",
                "kind": "library",
                "address": "1 rue du Secours",
                "postcode": "59000",
                "commune": "Lille",
            },
            headers={"Authorization": f"Bearer {token_for(stack, 'coordinator')}"},
        )
        assert place.status_code == 201, place.text
        point_id = place.json()["place"]["id"]
        labels = await issued_codes(stack, http, point_id, LABELS)
        load = Donations(stack, http, point_id, labels)
        load.start()
        try:
            await load.acknowledged_again(within=30)
            yield load
        finally:
            await load.finish()


# --------------------------------------------------------------------------- the faults


def kill(name: str) -> Callable[[Stack], Awaitable[None]]:
    """``kill -9`` of the process the supervisor knows as ``name``."""

    async def fault(stack: Stack) -> None:
        os.kill(pid_of(stack, name), signal.SIGKILL)

    return fault


async def freeze_postgresql(stack: Stack) -> None:
    """SIGSTOP to the postmaster and every backend, SIGCONT later."""
    frozen = freeze_postgres(pid_of(stack, "postgres"))
    try:
        await asyncio.sleep(FREEZE)
    finally:
        thaw(frozen)


FAULTS: dict[str, tuple[Callable[[Stack], Awaitable[None]], str | None]] = {
    # what is done, and the process the supervisor must have started again
    "kill -9 inventory": (kill("inventory"), "inventory"),
    "kill -9 nats-server": (kill("nats"), "nats"),
    "kill -9 collection_point": (kill("collection_point"), "collection_point"),
    "kill -9 the PostgreSQL postmaster": (kill("postgres"), "postgres"),
    f"SIGSTOP PostgreSQL for {FREEZE:g} s": (freeze_postgresql, None),
}


def pid_of(stack: Stack, name: str) -> int:
    assert stack.supervisor is not None
    process = stack.supervisor.children[name].process()
    assert process is not None and process.poll() is None, f"{name} is not running"
    return process.pid


def restarts(stack: Stack) -> dict[str, int]:
    assert stack.supervisor is not None
    return {status.name: status.restarts for status in stack.supervisor.status()}


async def every_service_ready(http: httpx.AsyncClient, stack: Stack) -> bool:
    answers = await asyncio.gather(
        *(http.get(f"{stack.url(service)}/health/ready", timeout=2) for service in SERVICES),
        return_exceptions=True,
    )
    return all(isinstance(a, httpx.Response) and a.status_code == 200 for a in answers)


async def seconds_until_ready(http: httpx.AsyncClient, stack: Stack, since: float) -> float:
    while not await every_service_ready(http, stack):
        assert time.monotonic() - since < HEAL_WITHIN, f"not ready after {HEAL_WITHIN:.0f} s"
        await asyncio.sleep(0.1)
    return time.monotonic() - since


@pytest.mark.parametrize("fault", FAULTS)
async def test_the_stack_is_ready_again_by_itself_after(
    fault: str,
    supervised_stack: Stack,
    donations: Donations,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stack = supervised_stack
    cause, restarted = FAULTS[fault]
    async with httpx.AsyncClient() as http:
        # the previous fault may still be settling (a server restarted, clients reconnecting)
        await seconds_until_ready(http, stack, since=time.monotonic())
        before = restarts(stack)
        started = time.monotonic()
        await cause(stack)
        ended = time.monotonic()
        ready_after = await seconds_until_ready(http, stack, since=ended)
    await donations.acknowledged_again(within=HEAL_WITHIN)
    accepting_after = time.monotonic() - ended

    expected = {**before, restarted: before[restarted] + 1} if restarted else before

    # the supervisor counts a restart once the server's start returns, which can be after
    # the services, reconnected, say they are ready
    async def counted() -> bool:
        return restarts(stack) == expected

    with contextlib.suppress(AssertionError):  # said below, with what was counted instead
        await wait_for(counted, within=HEAL_WITHIN, interval=0.1)
    assert restarts(stack) == expected, "the supervisor restarted what it should not"
    with capsys.disabled():
        print(
            f"\n  {fault}: ready again {ready_after:.1f} s after the fault"
            + (f" ended ({ended - started:.1f} s)" if ended - started > 0.5 else "")
            + f", donations acknowledged again after {accepting_after:.1f} s"
        )


async def test_every_acknowledged_donation_is_registered_once_and_no_other_appears(
    supervised_stack: Stack, donations: Donations, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = supervised_stack
    await donations.finish()

    deadline = time.monotonic() + REGISTERED_WITHIN
    registered = await register(stack)
    while not donations.acknowledged <= set(registered) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        registered = await register(stack)

    lost = donations.acknowledged - set(registered)
    assert not lost, f"{len(lost)} acknowledged donations never reached the register"
    await settled(stack, within=REGISTERED_WITHIN)  # every copy still to come has come
    registered = await register(stack)
    phantoms = set(registered) - donations.attempted
    assert not phantoms, f"devices registered without a donation: {sorted(phantoms)[:5]}"
    applied_twice = {label: entries for label, entries in registered.items() if entries != 1}
    assert not applied_twice, f"devices whose reception was applied twice: {applied_twice}"
    with capsys.disabled():
        print(
            f"\n  {len(donations.attempted)} donations attempted, "
            f"{len(donations.acknowledged)} acknowledged, {len(registered)} registered; "
            f"answers: {dict(sorted(donations.answers.items(), key=str))}"
        )


async def register(stack: Stack) -> dict[str, int]:
    """Every device in the register, with its number of history entries."""
    with contextlib.suppress(OSError, asyncpg.PostgresError):
        connection = await asyncpg.connect(stack.postgres.dsn, timeout=5)
        try:
            rows = await connection.fetch(
                "SELECT d.label, count(h.id) AS entries FROM inventory.devices d "
                "LEFT JOIN inventory.device_history h ON h.device_id = d.id GROUP BY d.label"
            )
        finally:
            await connection.close()
        return {row["label"]: row["entries"] for row in rows}
    return {}
