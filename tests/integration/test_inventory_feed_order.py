"""What group_purchase knows of a device does not go back in time: inventory's events about
one device can be applied out of order (batches are applied concurrently), and a late, older
state must not hide the newer one — a ready device shown as still at the workshop is never
proposed to anyone."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from services.group_purchase.requests.inventory_feed import apply
from shared.contracts.inventory import DeviceAvailable, DeviceStateChanged
from shared.db import transaction
from shared.labels import generate_code


def _state(device: uuid.UUID, label: str, to_state: str, version: int) -> DeviceStateChanged:
    return DeviceStateChanged(
        producer="inventory",
        aggregate_id=device,
        aggregate_version=version,
        label=label,
        to_state=to_state,
    )


def _available(device: uuid.UUID, label: str, version: int) -> DeviceAvailable:
    return DeviceAvailable(
        producer="inventory",
        aggregate_id=device,
        aggregate_version=version,
        label=label,
        device_type="other",
        grade="B",
    )


@pytest.fixture
async def forget(purchase_pool: asyncpg.Pool) -> AsyncIterator[list[uuid.UUID]]:
    """Devices these tests made up: forgotten after, or matching would offer them."""
    devices: list[uuid.UUID] = []
    yield devices
    await purchase_pool.execute("DELETE FROM known_devices WHERE device_id = ANY($1)", devices)


async def _known(pool: asyncpg.Pool, device: uuid.UUID) -> asyncpg.Record:
    row = await pool.fetchrow("SELECT state, grade FROM known_devices WHERE device_id = $1", device)
    assert row is not None
    return row


async def test_a_state_applied_late_does_not_undo_a_device_becoming_ready(
    purchase_pool: asyncpg.Pool, forget: list[uuid.UUID]
) -> None:
    device, label = uuid.uuid4(), generate_code()
    forget.append(device)
    in_order = [
        _state(device, label, "received", 1),
        _state(device, label, "in_refurbishment", 2),
        _state(device, label, "ready", 5),
        _available(device, label, 5),
    ]
    for event in (in_order[0], in_order[2], in_order[3], in_order[1]):  # the workshop's late
        async with transaction(purchase_pool) as connection:
            await apply(connection, event)
    known = await _known(purchase_pool, device)
    assert (known["state"], known["grade"]) == ("ready", "B")


async def test_an_announcement_of_readiness_applied_late_does_not_undo_a_reservation(
    purchase_pool: asyncpg.Pool, forget: list[uuid.UUID]
) -> None:
    device, label = uuid.uuid4(), generate_code()
    forget.append(device)
    for event in (
        _state(device, label, "received", 1),
        _state(device, label, "ready", 5),
        _state(device, label, "reserved", 6),
        _available(device, label, 5),  # late
    ):
        async with transaction(purchase_pool) as connection:
            await apply(connection, event)
    assert (await _known(purchase_pool, device))["state"] == "reserved"
