"""The register's lifecycle store in memory, for inventory's use cases run through
``FakeUnitOfWork``: the same answers as ``LifecycleStore`` for the methods they call, kept in
plain dicts and lists (a rolled-back unit of work puts them back as they were)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import msgspec

from services.inventory.attention.rules import Seen, stuck_key
from services.inventory.lifecycle.domain import HistoryEntry, State, TransitionRefused
from services.inventory.lifecycle.intentions import Grading, Lifecycle, Reservation
from services.inventory.lifecycle.store import Lapsed, RegisteredDevice, Registration
from shared.events import Event


class FakeLifecycleStore:
    def __init__(self) -> None:
        # each device as saved: its lifecycle without its reservation (kept apart, as in SQL)
        self.devices: dict[uuid.UUID, RegisteredDevice] = {}
        self.versions: dict[uuid.UUID, int] = {}
        self.history: dict[uuid.UUID, list[HistoryEntry]] = {}
        self.history_causes: set[tuple[uuid.UUID, uuid.UUID]] = set()  # (device, event)
        self.rejections: list[dict[str, Any]] = []
        self.reservations: dict[uuid.UUID, dict[str, Any]] = {}  # by request
        self.written_with_registrations: list[Event] = []  # the outbox rows of that statement

    # registration and history

    async def register_devices(self, registrations: Sequence[Registration]) -> set[uuid.UUID]:
        registered: set[uuid.UUID] = set()
        for registration in registrations:
            labels = {device.label for device in self.devices.values()}
            if registration.device_id in self.devices or registration.label in labels:
                continue
            entry = registration.entry
            self.devices[registration.device_id] = RegisteredDevice(
                id=registration.device_id,
                label=registration.label,
                device_type=registration.device_type,
                place_name=entry.place_name,
                specs={},
                refurbishment_facts_seen=0,
                lifecycle=Lifecycle(state=entry.state, state_since=entry.at),
            )
            self.versions[registration.device_id] = 1
            await self.append_history(registration.device_id, entry, registration.event_id)
            self.written_with_registrations.append(registration.announced)
            registered.add(registration.event_id)
        return registered

    async def register_purchased_device(
        self,
        device_id: uuid.UUID,
        label: str,
        device_type: str,
        at: datetime,
        place_name: str,
        grade: str,
        specs: dict[str, Any],
    ) -> bool:
        labels = {device.label for device in self.devices.values()}
        if device_id in self.devices or label in labels:
            return False
        grading = Grading(grade=grade, functional_pass=True, stated_at=at)
        self.devices[device_id] = RegisteredDevice(
            id=device_id,
            label=label,
            device_type=device_type,
            place_name=place_name,
            specs=specs,
            refurbishment_facts_seen=0,
            lifecycle=Lifecycle(state=State.READY, state_since=at, grading=grading),
        )
        self.versions[device_id] = 1
        return True

    async def append_history(
        self, device_id: uuid.UUID, entry: HistoryEntry, event_id: uuid.UUID
    ) -> None:
        assert (device_id, event_id) not in self.history_causes, "one step per event"
        self.history_causes.add((device_id, event_id))
        self.history.setdefault(device_id, []).append(entry)

    # the lifecycle

    async def device_for_update(self, device_id: uuid.UUID) -> RegisteredDevice | None:
        device = self.devices.get(device_id)
        if device is None:
            return None
        active = [
            Reservation(request_id=request_id, expires_at=held["expires_at"])
            for request_id, held in self.reservations.items()
            if held["device_id"] == device_id and held["status"] == "active"
        ]
        reservation = active[0] if active else None
        return replace(device, lifecycle=replace_lifecycle(device.lifecycle, reservation))

    async def save_lifecycle(
        self,
        device: RegisteredDevice,
        lifecycle: Lifecycle,
        place_name: str,
        specs: dict[str, Any],
    ) -> int:
        saved = self.devices[device.id]
        self.devices[device.id] = replace(
            saved,
            lifecycle=replace_lifecycle(lifecycle, None),
            place_name=place_name,
            specs=specs,
            refurbishment_facts_seen=max(
                saved.refurbishment_facts_seen, device.refurbishment_facts_seen
            ),
        )
        self.versions[device.id] += 1
        return self.versions[device.id]

    async def note_refurbishment_fact(self, device_id: uuid.UUID, number: int) -> None:
        saved = self.devices[device_id]
        seen = max(saved.refurbishment_facts_seen, number)
        self.devices[device_id] = replace(saved, refurbishment_facts_seen=seen)

    async def record_rejection(
        self, device: RegisteredDevice, event: Event, refusal: TransitionRefused
    ) -> None:
        if any(rejection["event_id"] == event.event_id for rejection in self.rejections):
            return
        self.rejections.append(
            {
                "device_id": device.id,
                "event_id": event.event_id,
                "subject": event.subject,
                "state": device.lifecycle.state.value,
                "reason": str(refusal),
                "reason_code": refusal.code,
            }
        )

    # reservations

    async def reservation_status(self, request_id: uuid.UUID) -> str | None:
        held = self.reservations.get(request_id)
        return None if held is None else str(held["status"])

    async def add_reservation(
        self,
        request_id: uuid.UUID,
        device_id: uuid.UUID,
        household_reference: str,
        correlation_id: str,
        requested_at: datetime,
        expires_at: datetime | None = None,
        rejection: str = "",
    ) -> None:
        assert request_id not in self.reservations, "one answer per request"
        self.reservations[request_id] = {
            "device_id": device_id,
            "household_reference": household_reference,
            "status": "rejected" if rejection else "active",
            "reason": rejection,
            "correlation_id": correlation_id,
            "requested_at": requested_at,
            "expires_at": expires_at,
            "ended_at": requested_at if rejection else None,
        }

    async def end_reservation(self, request_id: uuid.UUID, status: str, at: datetime) -> None:
        held = self.reservations.get(request_id)
        if held is not None and held["status"] == "active":
            held.update(status=status, ended_at=at)

    async def lapsed_reservations(self, now: datetime, limit: int) -> list[Lapsed]:
        lapsed = sorted(
            (held["expires_at"], request_id, held)
            for request_id, held in self.reservations.items()
            if held["status"] == "active" and held["expires_at"] <= now
        )
        return [
            Lapsed(
                request_id=request_id,
                device_id=held["device_id"],
                correlation_id=held["correlation_id"],
            )
            for _, request_id, held in lapsed[:limit]
        ]


def replace_lifecycle(lifecycle: Lifecycle, reservation: Reservation | None) -> Lifecycle:
    return msgspec.structs.replace(lifecycle, reservation=reservation)


class FakeAttentionStore:
    """The attention watch's store in memory: devices as (state, since) — or (state, since,
    applied) for a state recorded later than it began — and the levels kept."""

    def __init__(self) -> None:
        self.devices: list[tuple[str, datetime] | tuple[str, datetime, datetime]] = []
        self.levels: dict[str, int] = {}
        self.announcements: dict[str, int] = {}
        self.seen_at: datetime | None = None

    async def take_turn(self) -> None:
        return None

    async def stuck(self, thresholds: Mapping[State, timedelta], now: datetime) -> list[Seen]:
        last_look = self.seen_at
        seen = []
        for state, threshold in thresholds.items():
            held = [(d[1], d[-1]) for d in self.devices if d[0] == state]
            stuck = [(since, applied) for since, applied in held if since < now - threshold]
            fresh = [
                since
                for since, applied in stuck
                if last_look is None or applied > last_look or since >= last_look - threshold
            ]
            seen.append(
                Seen(
                    watched=stuck_key(state),
                    level=len(stuck),
                    count=len(stuck),
                    fresh=len(fresh),
                    state=state.value,
                    threshold=threshold,
                    oldest_since=min((since for since, _ in stuck), default=None),
                )
            )
        return seen

    async def kept(self) -> dict[str, int]:
        return dict(self.levels)

    async def keep(
        self, seen: Sequence[Seen], announced: Collection[str], now: datetime
    ) -> dict[str, int]:
        self.seen_at = now
        for look in seen:
            self.levels[look.watched] = look.level
            told = self.announcements.get(look.watched, 0) + (look.watched in announced)
            self.announcements[look.watched] = told
        return {look.watched: self.announcements[look.watched] for look in seen}
