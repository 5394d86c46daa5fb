"""Intakes that arrive together are written by one statement, each as it would be alone.

The recorder runs here in the test's process on the stack's real collection point database;
the last test sends donations at once over HTTP to the running service.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
import msgspec

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint, DonorContact, Intake
from services.collection_point.intake.recorder import IntakeRecorder
from services.collection_point.store import IntakeRecord, IntakeRecording, IntakeStore
from shared.contracts.collection import DeviceReceived
from shared.db import DatabaseBusy
from shared.events import encode, uuid7
from shared.labels import format_code, generate_code
from tests.support.labels import issued_codes
from tests.support.stacks import token_for


def _record(
    point: CollectionPoint,
    label: str,
    key: str | None = None,
    contact: DonorContact | None = None,
    **details: object,
) -> IntakeRecord:
    intake = Intake(
        id=uuid7(),
        device_id=uuid7(),
        label=label,
        label_display=format_code(label),
        device_type="laptop",
        collection_point_id=point.id,
        received_by="collector-1",
        received_at=datetime.now(UTC),
        acknowledged_by="donor",
        **details,  # type: ignore[arg-type]
    )
    event = DeviceReceived(
        event_id=uuid7(),
        occurred_at=intake.received_at,
        producer="collection_point",
        aggregate_id=intake.device_id,
        correlation_id=f"together-{label}",
        intake_id=intake.id,
        label=label,
        device_type="laptop",
        collection_point_id=point.id,
        collection_point_name=point.name,
    )
    answer = f'{{"label":"{label}"}}'.encode()
    return IntakeRecord(intake, contact, point.name, event, key, f"print {label}", answer, "en")


async def _all_at_once(
    recorder: IntakeRecorder, records: list[IntakeRecord]
) -> list[IntakeRecording | BaseException]:
    return await asyncio.gather(
        *(recorder.record(record) for record in records), return_exceptions=True
    )


WRITTEN = IntakeRecording(True, None, True, None)


async def test_intakes_given_together_are_each_written_once_with_all_they_carry(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    codes = await issued_codes(stack, http, collection_point.id, 30)
    contact = DonorContact(name="Mme Martin", email="martin@example.org", news=True)
    records = [
        _record(
            collection_point,
            code,
            key=f"intakes:together-{code}",
            contact=contact if n % 2 else None,
            brand="Lenovo",
            accessories=["charger", "mouse"] if n % 3 else [],
            weight_kg=1.5 + n,
            condition="worn",
        )
        for n, code in enumerate(codes)
    ]
    recorder = IntakeRecorder(collection_pool, 5.0, writers=1)

    outcomes = await _all_at_once(recorder, records)

    name = collection_point.name
    assert outcomes == [WRITTEN._replace(point_name=name)] * len(records)
    assert recorder.statements < len(records)  # they were gathered
    for n, record in enumerate(records):
        row = await collection_pool.fetchrow(
            "SELECT id, device_id, brand, accessories, weight_kg, condition, acknowledged_by "
            "FROM intakes WHERE label = $1",
            record.intake.label,
        )
        assert row is not None
        assert (row["id"], row["device_id"]) == (record.intake.id, record.intake.device_id)
        assert row["accessories"] == (["charger", "mouse"] if n % 3 else [])
        assert (row["brand"], row["weight_kg"], row["condition"]) == ("Lenovo", 1.5 + n, "worn")
        (event,) = await collection_pool.fetch(
            "SELECT event_id, payload, headers FROM outbox WHERE event_id = $1",
            record.event.event_id,
        )
        assert bytes(event["payload"]) == encode(record.event)
        assert event["headers"] == {"Correlation-Id": f"together-{record.intake.label}"}
        key = await collection_pool.fetchrow(
            "SELECT fingerprint, status_code, response FROM idempotency_keys WHERE key = $1",
            record.key,
        )
        assert key is not None
        assert (key["fingerprint"], key["status_code"]) == (record.fingerprint, 201)
        assert bytes(key["response"]) == record.answer
        kept = await collection_pool.fetchrow(
            "SELECT name, email, news, language FROM donor_contacts WHERE intake_id = $1",
            record.intake.id,
        )
        if n % 2:
            assert kept is not None
            assert tuple(kept) == ("Mme Martin", "martin@example.org", True, "en")
        else:
            assert kept is None


async def test_each_refusal_in_a_statement_is_the_one_its_request_would_get_alone(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    attached, voided, free, twice = await issued_codes(stack, http, collection_point.id, 4)
    first = _record(collection_point, attached)
    async with collection_pool.acquire() as connection:
        assert (await IntakeStore(connection).record_intake(first)).inserted
    voided_at = await collection_pool.fetchval(
        "UPDATE labels SET voided_at = now() WHERE code = $1 RETURNING voided_at", voided
    )
    renamed = msgspec.structs.replace(collection_point, name="Ancien nom")
    never_issued = generate_code()
    records = [
        _record(collection_point, attached),
        _record(collection_point, voided),
        _record(collection_point, never_issued),
        _record(renamed, free),
        _record(collection_point, twice),
        _record(collection_point, twice),
    ]
    recorder = IntakeRecorder(collection_pool, 5.0, writers=1)
    await recorder.record(_record(collection_point, generate_code()))  # a first one alone
    before = recorder.statements

    outcomes = await _all_at_once(recorder, records)

    name = collection_point.name
    assert outcomes == [
        IntakeRecording(False, name, True, None),  # label attached
        IntakeRecording(False, name, True, voided_at),
        IntakeRecording(False, name, False, None),
        IntakeRecording(False, name, True, None),  # the point's name changed meanwhile
        IntakeRecording(True, name, True, None),  # the same label twice: the first
        IntakeRecording(False, name, True, None),
    ]
    assert recorder.statements == before + 1
    labels = [record.intake.label for record in records]
    written = await collection_pool.fetch(
        "SELECT label, id FROM intakes WHERE label = ANY($1::text[])", labels
    )
    assert sorted((row["label"], row["id"]) for row in written) == sorted(
        [(attached, first.intake.id), (twice, records[4].intake.id)]
    )
    events = await collection_pool.fetchval(
        "SELECT count(*) FROM outbox WHERE event_id = ANY($1::uuid[])",
        [record.event.event_id for record in records],
    )
    assert events == 1


async def test_a_key_already_used_in_a_statement_refuses_that_intake_alone(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    first, *codes = await issued_codes(stack, http, collection_point.id, 6)
    used = f"intakes:used-{uuid.uuid4()}"
    recorder = IntakeRecorder(collection_pool, 5.0, writers=1)
    assert (await recorder.record(_record(collection_point, first, key=used))).inserted
    records = [_record(collection_point, code, key=f"intakes:{code}") for code in codes]
    records[2] = records[2]._replace(key=used)

    outcomes = await _all_at_once(recorder, records)

    refused = outcomes.pop(2)
    assert isinstance(refused, asyncpg.UniqueViolationError)
    assert refused.constraint_name == "idempotency_keys_pkey"
    assert all(isinstance(outcome, IntakeRecording) and outcome.inserted for outcome in outcomes)
    written = await collection_pool.fetchval(
        "SELECT array_agg(label ORDER BY label) FROM intakes WHERE label = ANY($1::text[])", codes
    )
    assert written == sorted(code for n, code in enumerate(codes) if n != 2)
    assert (
        await collection_pool.fetchval(
            "SELECT count(*) FROM outbox WHERE event_id = ANY($1::uuid[])",
            [record.event.event_id for record in records],
        )
        == len(codes) - 1
    )


async def test_a_stuck_database_fails_every_intake_waiting_with_it_at_once(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    codes = await issued_codes(stack, http, collection_point.id, 8)
    recorder = IntakeRecorder(collection_pool, 0.5)
    async with collection_pool.acquire() as holder:
        async with holder.transaction():
            await holder.execute("LOCK TABLE labels IN ACCESS EXCLUSIVE MODE")  # stalled
            sent = asyncio.ensure_future(
                _all_at_once(recorder, [_record(collection_point, code) for code in codes[:5]])
            )
            await asyncio.sleep(0.1)  # their statement waits for the lock; three more come
            later = [_record(collection_point, code) for code in codes[5:]]
            waiting = await _all_at_once(recorder, later)
            outcomes = await sent
        await asyncio.sleep(0.5)  # the lock freed: time enough for a late commit to show
        written = await holder.fetchval(
            "SELECT count(*) FROM intakes WHERE label = ANY($1::text[])", codes
        )
    # sent and unanswered: 503, the client may send it again under its key; waiting for them:
    # 503 too, at the same moment rather than after a statement of their own, nothing sent
    assert [type(outcome) for outcome in outcomes] == [TimeoutError] * 5
    assert [type(outcome) for outcome in waiting] == [DatabaseBusy] * 3
    assert recorder.statements == 1
    assert written == 0  # the statement given up on was not committed later


async def test_donations_sent_at_once_over_http_each_get_their_own_answer(
    stack: Stack,
    http: httpx.AsyncClient,
    collection_point: CollectionPoint,
    collection_pool: asyncpg.Pool,
) -> None:
    codes = await issued_codes(stack, http, collection_point.id, 40)
    token = token_for(stack, "coordinator")
    url = f"{stack.url('collection_point')}/api/v1/intakes"

    def donation(code: str) -> dict[str, object]:
        return {
            "label": code,
            "device_type": "laptop",
            "collection_point_id": str(collection_point.id),
            "acknowledgements": {"data_erasure": True, "recycling": True, "stickers_removed": True},
        }

    async def send(code: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"http-{code}"}
        return await http.post(url, json=donation(code), headers=headers)

    before = await _gathered(http, stack)
    answers = await asyncio.gather(*(send(code) for code in [*codes, codes[0], codes[1]]))
    after = await _gathered(http, stack)
    assert [answer.status_code for answer in answers] == [201] * 42
    assert answers[40].content == answers[0].content  # replays, same answers
    assert answers[41].content == answers[1].content
    assert [answer.json()["label"] for answer in answers[:40]] == codes
    ids = await collection_pool.fetch(
        "SELECT label, id FROM intakes WHERE label = ANY($1::text[])", codes
    )
    assert {row["label"]: str(row["id"]) for row in ids} == {
        answer.json()["label"]: answer.json()["id"] for answer in answers[:40]
    }
    # and /metrics says they were gathered: fewer statements than intakes
    intakes, statements = (now - then for now, then in zip(after, before, strict=True))
    assert intakes >= 42
    assert 0 < statements < intakes


async def _gathered(http: httpx.AsyncClient, stack: Stack) -> tuple[float, float]:
    """The intakes the counter's statements were given so far, and those statements."""
    lines = (await http.get(f"{stack.url('collection_point')}/metrics")).text.splitlines()

    def total(name: str) -> float:
        found = [float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith(name + "{")]
        return sum(found)

    return total("boucle_intakes_recorded_total"), total("boucle_intake_statements_total")
