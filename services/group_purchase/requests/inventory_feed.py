"""What requests learn from inventory: which devices are ready, and the answers to reservations.

A rejected or lapsed reservation sends its need back to matching at once, so the social
worker finds the next proposal (never a reservation: a person confirms again)."""

from __future__ import annotations

from collections import Counter
from uuid import UUID

import asyncpg

from services.group_purchase.notifications.coordinators import note_attention
from services.group_purchase.notifications.store import tell_about_needs
from services.group_purchase.requests.domain import NeedStatus
from services.group_purchase.requests.proposals import run_matching
from services.group_purchase.requests.store import RequestStore
from shared.bus import Batched
from shared.contracts.inventory import (
    AttentionRaised,
    DeviceAvailable,
    DeviceStateChanged,
    ReservationConfirmed,
    ReservationExpired,
    ReservationRejected,
)
from shared.contracts.streams import consumption_of
from shared.events import Event, utc_now
from shared.logging import get_logger

log = get_logger("boucle.group_purchase.inventory_feed")


async def note_state(connection: asyncpg.Connection, event: DeviceStateChanged) -> None:
    known_before = await connection.fetchval(
        "INSERT INTO known_devices (device_id, label, state, state_version, updated_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id) DO UPDATE "
        "SET state = excluded.state, state_version = excluded.state_version, "
        "updated_at = excluded.updated_at "
        "WHERE known_devices.state_version <= excluded.state_version "
        "RETURNING xmax <> 0",  # xmax is set on a row updated, 0 on a row inserted
        event.aggregate_id,
        event.label,
        event.to_state,
        event.aggregate_version,
        event.occurred_at,
    )
    if event.to_state == "ready":
        return  # proposed once its specs arrive: inventory announces every ready device
    if not known_before:
        # a device first heard of (just received) was never offered to anyone, and a state
        # older than the one known (applied late) changes nothing
        return
    # an offer of a device that is no longer ready (recycled, returned…) is withdrawn
    withdrawn = await connection.fetch(
        "UPDATE proposals SET status = 'withdrawn', decided_at = $2 "
        "WHERE device_id = $1 AND status = 'open' RETURNING need_id",
        event.aggregate_id,
        event.occurred_at,
    )
    for row in withdrawn:
        await RequestStore(connection).set_need_status(
            row["need_id"], NeedStatus.SUBMITTED, note="proposal_withdrawn"
        )
    if withdrawn:
        await run_matching(connection, utc_now(), [row["need_id"] for row in withdrawn])


async def note_available(connection: asyncpg.Connection, event: DeviceAvailable) -> None:
    specs = event.specs
    make_model = " ".join(part for part in (specs.brand, specs.model) if part)
    await connection.execute(
        "INSERT INTO known_devices (device_id, label, device_type, state, grade, make_model, "
        "memory_gb, storage_gb, screen_inches, place_name, became_ready_at, updated_at, "
        "state_version) "
        "VALUES ($1, $2, $3, 'ready', $4, $5, $6, $7, $8, $9, $10, $10, $11) "
        "ON CONFLICT (device_id) DO UPDATE SET device_type = excluded.device_type, "
        "grade = excluded.grade, make_model = excluded.make_model, "
        "memory_gb = excluded.memory_gb, storage_gb = excluded.storage_gb, "
        "screen_inches = excluded.screen_inches, place_name = excluded.place_name, "
        "became_ready_at = excluded.became_ready_at, "
        # ready, unless a newer state (reserved, returned…) was applied before this
        "state = CASE WHEN known_devices.state_version <= excluded.state_version "
        "THEN 'ready' ELSE known_devices.state END, "
        "state_version = greatest(known_devices.state_version, excluded.state_version)",
        event.aggregate_id,
        event.label,
        event.device_type,
        event.grade,
        make_model,
        specs.memory_gb,
        specs.storage_gb,
        specs.screen_inches,
        event.place_name,
        event.occurred_at,
        event.aggregate_version,
    )
    # a device is ready (again): the households waiting for its type hear of it at once
    await run_matching(connection, utc_now(), device_type=event.device_type)


async def note_confirmed(connection: asyncpg.Connection, event: ReservationConfirmed) -> None:
    need_id = await connection.fetchval(
        "UPDATE reservation_attempts SET status = 'confirmed', answered_at = $2, expires_at = $3 "
        "WHERE id = $1 AND status = 'requested' RETURNING need_id",
        event.request_id,
        event.occurred_at,
        event.expires_at,
    )
    if need_id is None:  # released meanwhile: inventory hears of the release too
        log.info("reservation_confirmed_after_release", request_id=str(event.request_id))
        return
    await RequestStore(connection).set_need_status(need_id, NeedStatus.RESERVED, note="")


async def note_refused(connection: asyncpg.Connection, event: Event) -> None:
    """Rejected (taken meanwhile) or lapsed: the need goes back to matching."""
    assert isinstance(event, ReservationRejected | ReservationExpired)
    rejected = isinstance(event, ReservationRejected)
    need_id = await connection.fetchval(
        "UPDATE reservation_attempts SET status = $2, answered_at = $3, reason = $4 "
        "WHERE id = $1 AND status IN ('requested', 'confirmed') RETURNING need_id",
        event.request_id,
        "rejected" if rejected else "expired",
        event.occurred_at,
        event.reason if isinstance(event, ReservationRejected) else "",
    )
    if need_id is None:
        return
    note = "reservation_rejected" if rejected else "reservation_expired"
    if not rejected:
        await tell_about_needs(connection, "reservation_lapsed", [need_id], utc_now())
    await RequestStore(connection).set_need_status(need_id, NeedStatus.SUBMITTED, note=note)
    await run_matching(connection, utc_now(), [need_id])


async def apply(connection: asyncpg.Connection, event: Event) -> None:
    if isinstance(event, DeviceStateChanged):
        await note_state(connection, event)
    elif isinstance(event, DeviceAvailable):
        await note_available(connection, event)
    elif isinstance(event, ReservationConfirmed):
        await note_confirmed(connection, event)
    elif isinstance(event, ReservationRejected | ReservationExpired):
        await note_refused(connection, event)
    elif isinstance(event, AttentionRaised):
        await note_attention(connection, event)


async def apply_batch(connection: asyncpg.Connection, events: list[Event]) -> None:
    """A batch's devices heard of for the first time in one statement, then every other
    event one by one, in order."""
    first_heard = await note_first_heard(connection, events)
    for event in events:
        if event.event_id not in first_heard:
            await apply(connection, event)


async def note_first_heard(connection: asyncpg.Connection, events: list[Event]) -> set[UUID]:
    """Record the devices announced as just received that were not known yet, in one
    statement; the ids of the events so applied. Such a device was never offered to anyone
    and is not ready, so its first state changes nothing else, whatever comes around it in
    the batch; a device received twice in the batch, or already known, is left to
    ``note_state``."""
    received = [
        event
        for event in events
        if isinstance(event, DeviceStateChanged) and event.to_state == "received"
    ]
    times = Counter(event.aggregate_id for event in received)
    once = [event for event in received if times[event.aggregate_id] == 1]
    if not once:
        return set()
    inserted = await connection.fetch(
        "INSERT INTO known_devices (device_id, label, state, state_version, updated_at) "
        "SELECT device_id, label, 'received', state_version, updated_at "
        "FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[]) "
        "AS heard(device_id, label, state_version, updated_at) "
        "ON CONFLICT (device_id) DO NOTHING RETURNING device_id",
        [event.aggregate_id for event in once],
        [event.label for event in once],
        [event.aggregate_version for event in once],
        [event.occurred_at for event in once],
    )
    new = {row["device_id"] for row in inserted}
    return {event.event_id for event in once if event.aggregate_id in new}


CONSUMERS = [(consumption_of("group_purchase", "INVENTORY"), Batched(apply_batch))]
