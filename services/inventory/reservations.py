"""Reservations: a request gets a yes or a no at once, and a yes lapses after a while.

Two requests for one device decide one after the other (the device row is locked, and the
database refuses a second active reservation), so exactly one of them is confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from services.inventory import lifecycle_store
from services.inventory.domain import ReservationRefused
from services.inventory.handlers import locked_device
from services.inventory.steps import PRODUCER, Step, record_step
from shared.config import Settings
from shared.contracts.inventory import (
    ReservationConfirmed,
    ReservationExpired,
    ReservationRejected,
)
from shared.contracts.purchase import ReservationRequested
from shared.events import Event, utc_now
from shared.logging import get_logger
from shared.outbox import add_events

# How long a device stays held for a request before it is offered again, unless the setting
# BOUCLE_RESERVATION_HOURS says otherwise (``hold_for`` applies it when the service starts).
RESERVATION_HOURS = 72.0
_hold = {"hours": RESERVATION_HOURS}
EXPIRY_BATCH = 100

log = get_logger("boucle.inventory.reservations")


def hold_for(settings: Settings) -> Mapping[str, Any]:
    """Hold devices ``settings.inventory.reservation_hours`` in this process (the service's
    state hook: consumers see no settings, the reservation time is process-wide)."""
    _hold["hours"] = settings.inventory.reservation_hours
    return {"reservation_hours": settings.inventory.reservation_hours}


def held_hours() -> float:
    """How long this process holds a device for a request."""
    return _hold["hours"]


async def answer_reservation_request(connection: asyncpg.Connection, event: Event) -> None:
    """Confirm the request if the device is ready and free, reject it (with why) otherwise."""
    assert isinstance(event, ReservationRequested)
    device = await locked_device(connection, event)
    if await lifecycle_store.reservation_status(connection, event.request_id) is not None:
        log.warning("reservation_already_answered", request_id=str(event.request_id))
        return
    # held from the moment inventory decides, however late the request was delivered
    expires_at = utc_now() + timedelta(hours=_hold["hours"])
    requested_at = event.occurred_at
    try:
        after = device.lifecycle.reserve(event.request_id, requested_at, expires_at)
    except ReservationRefused as refusal:
        await lifecycle_store.add_reservation(
            connection,
            event.request_id,
            device.id,
            event.household_reference,
            event.correlation_id,
            requested_at,
            rejection=str(refusal),
        )
        await add_events(
            connection,
            [
                ReservationRejected(
                    producer=PRODUCER,
                    aggregate_id=device.id,
                    correlation_id=event.correlation_id,
                    request_id=event.request_id,
                    reason=str(refusal),
                )
            ],
        )
        return
    await lifecycle_store.add_reservation(
        connection,
        event.request_id,
        device.id,
        event.household_reference,
        event.correlation_id,
        requested_at,
        expires_at,
    )
    confirmed = ReservationConfirmed(
        producer=PRODUCER,
        aggregate_id=device.id,
        correlation_id=event.correlation_id,
        request_id=event.request_id,
        expires_at=expires_at,
    )
    step = Step.of(event)
    await record_step(connection, device, after, step, device.place_name, announcements=[confirmed])


async def expire_reservations(connection: asyncpg.Connection, now: datetime) -> int:
    """Make devices whose reservation lapsed by ``now`` ready again (one batch, in the
    caller's transaction); returns how many. Meant to run periodically."""
    expired = 0
    for lapsed in await lifecycle_store.lapsed_reservations(connection, now, EXPIRY_BATCH):
        device = await lifecycle_store.device_for_update(connection, lapsed["device_id"])
        if device is None or device.lifecycle.reservation is None:
            continue
        after = device.lifecycle.expire_reservation(now)
        if after is None:
            continue
        request_id = device.lifecycle.reservation.request_id
        announcement = ReservationExpired(
            producer=PRODUCER,
            aggregate_id=device.id,
            correlation_id=lapsed["correlation_id"],
            occurred_at=now,
            request_id=request_id,
        )
        step = Step.of(announcement)
        await record_step(
            connection, device, after, step, device.place_name, announcements=[announcement]
        )
        await lifecycle_store.end_reservation(connection, request_id, "expired", now)
        expired += 1
    return expired
