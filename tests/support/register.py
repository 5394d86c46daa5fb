"""The inventory register fed straight from the bus: events published as the other services
would, a device taken to a state, and what the register then holds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any, TypeVar

import asyncpg
import nats
import pytest
from nats.js import JetStreamContext

from boucle.devstack.stack import Stack
from shared.contracts.collection import DeviceReceived
from shared.contracts.purchase import ReservationRequested
from shared.contracts.refurbishment import (
    DeviceCheckedIn,
    DeviceErased,
    DeviceGraded,
    DeviceReleased,
    SpecsSummary,
)
from shared.events import Event, encode, utc_now
from shared.labels import generate_code
from shared.uow import PostgresUnitOfWork
from tests.support.waiting import wait_for

WORKSHOP = "Atelier de Fives"
Store = TypeVar("Store")

POINT = "Médiathèque de Wazemmes"


@pytest.fixture(scope="module")
async def bus(stack: Stack) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(stack.nats.url)
    yield client.jetstream()
    await client.close()


async def publish(bus: JetStreamContext, *events: Event) -> list[int]:
    """Publish ``events`` in order; their sequences in their streams."""
    return [
        (
            await bus.publish(
                event.subject, encode(event), headers={"Nats-Msg-Id": str(event.event_id)}
            )
        ).seq
        for event in events
    ]


class Donation:
    """One donated device and the facts other services state about it, numbered like a
    workshop numbers its facts about a device."""

    def __init__(self) -> None:
        self.id = uuid.uuid4()
        self.label = generate_code()
        self.correlation_id = f"journey-{uuid.uuid4().hex[:8]}"
        self.workshop_facts = 0

    def received(self) -> DeviceReceived:
        return DeviceReceived(
            producer="collection_point",
            aggregate_id=self.id,
            correlation_id=self.correlation_id,
            intake_id=uuid.uuid4(),
            label=self.label,
            device_type="laptop",
            collection_point_id=uuid.uuid4(),
            collection_point_name=POINT,
        )

    def workshop(self, kind: type[Event], **fields: Any) -> Event:
        self.workshop_facts += 1
        return kind(
            producer="refurbishment",
            aggregate_id=self.id,
            aggregate_version=self.workshop_facts,
            correlation_id=self.correlation_id,
            **fields,
        )

    def checked_in(self) -> Event:
        return self.workshop(DeviceCheckedIn, workshop_id=uuid.uuid4(), workshop_name=WORKSHOP)

    def erased(self) -> Event:
        return self.workshop(DeviceErased, certificate_id=uuid.uuid4())

    def graded(self) -> Event:
        specs = SpecsSummary(brand="Lenovo", model="ThinkPad T480", memory_gb=8, storage_gb=256)
        return self.workshop(DeviceGraded, grade="B", functional_pass=True, specs=specs)

    def released(self) -> Event:
        return self.workshop(DeviceReleased)

    def made_ready(self) -> list[Event]:
        """What the counter and a workshop state of it until it is ready, in order."""
        return [self.received(), self.checked_in(), self.erased(), self.graded(), self.released()]

    def purchase(self, kind: type[Event], **fields: Any) -> Event:
        return kind(
            producer="group_purchase",
            aggregate_id=self.id,
            correlation_id=self.correlation_id,
            **fields,
        )

    def requested(self, request_id: uuid.UUID) -> Event:
        return self.purchase(
            ReservationRequested, request_id=request_id, household_reference="foyer-7f3a"
        )


def unit_of_work(
    pool: asyncpg.Pool, store_of: Callable[[asyncpg.Connection], Store], at: datetime | None = None
) -> PostgresUnitOfWork[Store]:
    """Transactions on the register's ``pool`` as the service runs them (no relay here to
    wake: the service's own publishes what they announce); their clock says ``at`` if given."""
    return PostgresUnitOfWork(
        pool, store_of, wake=lambda: None, clock=utc_now if at is None else lambda: at
    )


async def state_of(pool: asyncpg.Pool, device_id: uuid.UUID) -> str | None:
    state: str | None = await pool.fetchval("SELECT state FROM devices WHERE id = $1", device_id)
    return state


async def until_state(pool: asyncpg.Pool, device_id: uuid.UUID, state: str) -> None:
    async def reached() -> bool:
        return await state_of(pool, device_id) == state

    await wait_for(reached, within=40)


async def history(pool: asyncpg.Pool, device_id: uuid.UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await pool.fetch(
        "SELECT subject, state, producer, place_name, correlation_id FROM device_history "
        "WHERE device_id = $1 ORDER BY id",
        device_id,
    )
    return rows


async def rejections(pool: asyncpg.Pool, device_id: uuid.UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await pool.fetch(
        "SELECT event_id, subject, state, reason FROM rejected_transitions WHERE device_id = $1",
        device_id,
    )
    return rows


async def announcements(pool: asyncpg.Pool, device_id: uuid.UUID) -> list[dict[str, Any]]:
    """What inventory announced about the device (its outbox), oldest first."""
    rows = await pool.fetch(
        "SELECT subject, convert_from(payload, 'UTF8')::jsonb AS body FROM outbox "
        "WHERE convert_from(payload, 'UTF8')::jsonb ->> 'aggregate_id' = $1 "
        "ORDER BY created_at",
        str(device_id),
    )
    return [{"subject": row["subject"], **row["body"]} for row in rows]


async def ready_device(bus: JetStreamContext, pool: asyncpg.Pool) -> Donation:
    donation = Donation()
    await publish(
        bus,
        donation.received(),
        donation.checked_in(),
        donation.erased(),
        donation.graded(),
        donation.released(),
    )
    await until_state(pool, donation.id, "ready")
    return donation
