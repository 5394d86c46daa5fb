"""How the counter's recorder gathers intakes, on a pool whose statements the test answers:
those arriving while a statement runs go into the next one, none is left waiting."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.collection_point.domain import Intake
from services.collection_point.intake.recorder import IntakeRecorder
from services.collection_point.store import IntakeRecord, IntakeRecording
from shared.contracts.collection import DeviceReceived
from shared.db import DatabaseBusy
from shared.labels import format_code, generate_code

WRITTEN = IntakeRecording(True, "Médiathèque", True, None)
POINT = uuid.uuid4()


class HeldConnection:
    """A connection whose every statement waits until the test lets it answer."""

    def __init__(self, pool: HeldPool) -> None:
        self.pool = pool

    async def fetch(self, _sql: str, *columns: list[Any], **_: Any) -> list[dict[str, Any]]:
        self.pool.statements.append(len(columns[0]))
        await self.pool.answering.wait()
        if self.pool.failure is not None:
            raise self.pool.failure
        return [WRITTEN._asdict() for _ in columns[0]]

    async def fetchrow(self, _sql: str, *values: Any, **_: Any) -> dict[str, Any]:
        self.pool.statements.append(1)
        await self.pool.answering.wait()
        if self.pool.failure is not None:
            raise self.pool.failure
        return WRITTEN._asdict()

    def terminate(self) -> None:
        pass


class HeldPool:
    def __init__(self) -> None:
        self.statements: list[int] = []  # intakes in each statement, in order
        self.answering = asyncio.Event()
        self.failure: BaseException | None = None
        self.acquire_timeout = 2.0

    async def acquire(self, **_: Any) -> HeldConnection:
        return HeldConnection(self)

    async def release(self, connection: HeldConnection) -> None:
        pass


def record() -> IntakeRecord:
    label = generate_code()
    intake = Intake(
        id=uuid.uuid4(),
        device_id=uuid.uuid4(),
        label=label,
        label_display=format_code(label),
        device_type="laptop",
        collection_point_id=POINT,
        received_by="collector-1",
        received_at=datetime.now(UTC),
    )
    event = DeviceReceived(
        producer="collection_point",
        aggregate_id=intake.device_id,
        intake_id=intake.id,
        label=label,
        device_type="laptop",
        collection_point_id=POINT,
        collection_point_name="Médiathèque",
    )
    return IntakeRecord(intake, None, "Médiathèque", event, None, "print", b"{}")


def recorder_on(pool: HeldPool) -> IntakeRecorder:
    return IntakeRecorder(pool, 2.0)  # type: ignore[arg-type]


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_one_alone_is_written_at_once_and_those_arriving_meanwhile_by_the_next() -> None:
    pool = HeldPool()
    recorder = recorder_on(pool)
    first = asyncio.ensure_future(recorder.record(record()))
    await settle()
    assert pool.statements == [1]  # nothing waited for company
    meanwhile = [asyncio.ensure_future(recorder.record(record())) for _ in range(5)]
    await settle()
    assert pool.statements == [1]  # they wait for the statement running
    pool.answering.set()
    assert await asyncio.gather(first, *meanwhile) == [WRITTEN] * 6
    assert pool.statements == [1, 5]


async def test_one_arriving_as_the_writer_ends_is_written_all_the_same() -> None:
    pool = HeldPool()
    pool.answering.set()
    recorder = recorder_on(pool)
    for _ in range(3):  # each sent as the previous answer comes, before its writer is gone
        async with asyncio.timeout(1.0):
            assert await recorder.record(record()) == WRITTEN
    assert pool.statements == [1, 1, 1]


async def one_then_three_waiting(pool: HeldPool) -> list[asyncio.Future[IntakeRecording]]:
    """One intake sent alone, then three waiting for its statement to answer."""
    recorder = recorder_on(pool)
    sent = [asyncio.ensure_future(recorder.record(record()))]
    await settle()
    waiting = [asyncio.ensure_future(recorder.record(record())) for _ in range(3)]
    await settle()
    return sent + waiting


async def test_a_stuck_statement_fails_its_intakes_and_at_once_those_waiting() -> None:
    pool = HeldPool()
    intakes = await one_then_three_waiting(pool)
    pool.failure = TimeoutError("statement timed out")
    pool.answering.set()
    outcomes = await asyncio.gather(*intakes, return_exceptions=True)
    assert type(outcomes[0]) is TimeoutError  # sent: whether it was written is unknown
    assert [type(outcome) for outcome in outcomes[1:]] == [DatabaseBusy] * 3  # never sent
    assert pool.statements == [1]


async def test_a_refused_statement_writes_each_alone_for_its_own_answer() -> None:
    pool = HeldPool()
    intakes = await one_then_three_waiting(pool)
    pool.failure = asyncpg.UniqueViolationError("duplicate key")
    pool.answering.set()
    outcomes = await asyncio.gather(*intakes, return_exceptions=True)
    assert all(isinstance(outcome, asyncpg.UniqueViolationError) for outcome in outcomes)
    assert pool.statements == [1, 3, 1, 1, 1]  # the statement of three, then each alone


async def test_a_writer_stopped_midway_leaves_no_request_waiting() -> None:
    pool = HeldPool()
    recorder = recorder_on(pool)
    sent = asyncio.ensure_future(recorder.record(record()))
    await settle()
    (writer,) = recorder._writers
    writer.cancel()
    outcome = await asyncio.gather(sent, return_exceptions=True)
    assert type(outcome[0]) is TimeoutError
    pool.answering.set()
    assert await asyncio.wait_for(recorder.record(record()), 1.0) == WRITTEN  # a new writer
