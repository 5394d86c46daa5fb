"""An in-memory collection point for its use cases: the points, places and their stops,
labels, intakes, idempotency keys, workshops and shipments the stores keep, on plain dicts and
lists (so a failed unit of work puts them back as they were). One fake stands for every store
of the service, as one schema does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import msgspec

from services.collection_point.domain import CollectionPoint, DonorContact, Intake
from services.collection_point.labels.store import Label, LabelBatch, LabelPoint
from services.collection_point.places.domain import Place, PlaceFields
from services.collection_point.places.itinerary import Stop
from services.collection_point.shipments.domain import PackedDevice, Shipment
from services.collection_point.shipments.store import CollectedDevice, GoneDevice
from services.collection_point.store import (
    ActivePoint,
    AttachedIntake,
    IntakeRecord,
    IntakeRecording,
    LabelStates,
)
from shared import idempotency
from shared.contracts.collection import ShippedDevice
from shared.labels import format_code, generate_code
from tests.support.uow import FakeUnitOfWork

WRITTEN = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # when the fake's own rows were written


def unique_violation(constraint: str) -> asyncpg.UniqueViolationError:
    error = asyncpg.UniqueViolationError(f"duplicate key value violates {constraint}")
    error.constraint_name = constraint
    return error


class FakeCollectionPoint:
    def __init__(self) -> None:
        self.points: dict[uuid.UUID, dict[str, Any]] = {}
        self.places: dict[uuid.UUID, Place] = {}  # the points a coordinator saved as places
        self.stops: dict[uuid.UUID, list[Stop]] = {}  # by place
        self.batches: dict[uuid.UUID, dict[str, Any]] = {}
        self.labels: dict[str, dict[str, Any]] = {}  # by code
        self.intakes: dict[str, Intake] = {}  # by label
        self.contacts: dict[uuid.UUID, DonorContact] = {}  # by intake
        self.contact_languages: dict[uuid.UUID, str] = {}  # by intake: the counter's
        self.keys: dict[str, tuple[str, int | None, bytes | None]] = {}
        self.workshops: dict[uuid.UUID, str] = {}
        self.shipments: dict[uuid.UUID, dict[str, Any]] = {}
        self.packed: list[dict[str, Any]] = []  # shipment_devices
        self.connections_lost: list[str] = []  # the next intake statements: "before" or
        # "after" writing, their connection is lost

    # what the test sets up

    def add_point(
        self, name: str = "Médiathèque", accepted: tuple[str, ...] = ("laptop", "tablet")
    ) -> uuid.UUID:
        point_id = uuid.uuid4()
        self.points[point_id] = {"name": name, "accepted_types": list(accepted), "active": True}
        return point_id

    def issue(self, point_id: uuid.UUID, count: int = 1) -> list[str]:
        """``count`` label codes of a fresh batch of the point."""
        batch_id = uuid.uuid4()
        self.batches[batch_id] = {"point_id": point_id, "created_by": "test", "count": count}
        codes = [generate_code() for _ in range(count)]
        for code in codes:
            self.labels[code] = {"batch_id": batch_id, "voided_at": None, "void_reason": None}
        return codes

    def add_intake(
        self,
        point_id: uuid.UUID,
        label: str,
        device_type: str = "laptop",
        inventory_state: str | None = None,
    ) -> Intake:
        intake = Intake(
            id=uuid.uuid4(),
            device_id=uuid.uuid4(),
            label=label,
            label_display=format_code(label),
            device_type=device_type,  # type: ignore[arg-type]
            collection_point_id=point_id,
            received_by="someone",
            received_at=WRITTEN,
            inventory_state=inventory_state,
        )
        self.intakes[label] = intake
        return intake

    def add_workshop(self, name: str = "Atelier du Nord") -> uuid.UUID:
        workshop_id = uuid.uuid4()
        self.workshops[workshop_id] = name
        return workshop_id

    # points and keys (every store)

    async def get_point(self, point_id: uuid.UUID) -> CollectionPoint | None:
        point = self.points.get(point_id)
        if point is None or not point["active"]:
            return None
        return CollectionPoint(
            id=point_id,
            name=point["name"],
            kind="library",
            address="1 rue de la Paix",
            postcode="59000",
            commune="Lille",
        )

    async def get_place(self, place_id: uuid.UUID) -> Place | None:
        if place_id in self.places:
            return self.places[place_id]
        point = await self.get_point(place_id)
        if point is None:
            return None
        return Place(
            id=point.id,
            name=point.name,
            kind=point.kind,
            address=point.address,
            postcode=point.postcode,
            commune=point.commune,
            accepted_types=self.points[place_id]["accepted_types"],
            updated_at=WRITTEN,
        )

    async def save_place(
        self, place_id: uuid.UUID, fields: PlaceFields, expected_version: int | None = None
    ) -> Place | None:
        saved = self.places.get(place_id)
        if saved is not None and expected_version not in (None, saved.version):
            return None
        place = Place(
            id=place_id,
            version=saved.version + 1 if saved else 1,
            updated_at=WRITTEN,
            **msgspec.structs.asdict(fields),
        )
        self.places[place_id] = place
        self.points[place_id] = {
            "name": place.name,
            "accepted_types": list(place.accepted_types),
            "active": True,
        }
        return place

    async def touch_place(self, place_id: uuid.UUID, expected_version: int | None) -> Place | None:
        saved = self.places.get(place_id)
        if saved is None or expected_version not in (None, saved.version):
            return None
        self.places[place_id] = msgspec.structs.replace(saved, version=saved.version + 1)
        return self.places[place_id]

    async def stops_from(
        self, place_ids: Sequence[uuid.UUID], day: date
    ) -> dict[uuid.UUID, list[Stop]]:
        return {
            place_id: sorted(
                (stop for stop in self.stops.get(place_id, []) if stop.day >= day),
                key=lambda stop: stop.starts,
            )
            for place_id in place_ids
        }

    async def replace_stops(
        self, place_id: uuid.UUID, removed: Sequence[uuid.UUID], stops: Sequence[Stop]
    ) -> None:
        kept = [stop for stop in self.stops.get(place_id, []) if stop.id not in removed]
        self.stops[place_id] = [*kept, *stops]

    async def claim(self, key: str, fingerprint: str) -> idempotency.StoredResponse | None:
        if key not in self.keys:
            self.keys[key] = (fingerprint, None, None)
            return None
        return await self.stored(key, fingerprint)

    async def remember(self, key: str, status_code: int, body: bytes) -> None:
        self.keys[key] = (self.keys[key][0], status_code, body)

    async def stored(self, key: str, fingerprint: str) -> idempotency.StoredResponse | None:
        if key not in self.keys:
            return None
        owner, status_code, body = self.keys[key]
        if owner != fingerprint:
            raise idempotency.IdempotencyConflict(key)
        if status_code is None or body is None:
            return None
        return idempotency.StoredResponse(status_code, body)

    # intakes

    async def active_point(self, point_id: uuid.UUID) -> ActivePoint | None:
        point = self.points.get(point_id)
        if point is None or not point["active"]:
            return None
        return ActivePoint(point["name"], list(point["accepted_types"]))

    async def record_intake(self, record: IntakeRecord) -> IntakeRecording:
        """As the one statement: all of it, or nothing; a key already taken aborts it."""
        intake, contact, point_name, _, key, fingerprint, answer, language = record
        lost = self.connections_lost.pop(0) if self.connections_lost else None
        if lost == "before":
            raise ConnectionResetError("connection lost before the statement")
        if key is not None and key in self.keys:
            raise unique_violation("idempotency_keys_pkey")
        point = await self.active_point(intake.collection_point_id)
        label = self.labels.get(intake.label)
        inserted = (
            point is not None
            and point.name == point_name
            and label is not None
            and label["voided_at"] is None
            and intake.label not in self.intakes
        )
        if inserted:
            self.intakes[intake.label] = intake
            if contact is not None:
                self.contacts[intake.id] = contact
                self.contact_languages[intake.id] = language
            if key is not None:
                self.keys[key] = (fingerprint, 201, answer)
        if lost == "after":
            raise ConnectionResetError("connection lost before the answer")
        return IntakeRecording(
            inserted,
            point.name if point else None,
            label is not None,
            label["voided_at"] if label else None,
        )

    async def intake_with_label(self, label: str) -> AttachedIntake | None:
        intake = self.intakes.get(label)
        if intake is None:
            return None
        return AttachedIntake(
            id=intake.id,
            device_type=intake.device_type,
            received_at=intake.received_at,
            point_name=self.points[intake.collection_point_id]["name"],
        )

    async def labels_taken(self, labels: list[str]) -> set[str]:
        return {label for label in labels if label in self.intakes}

    async def label_states(self, labels: list[str]) -> LabelStates:
        issued = {label for label in labels if label in self.labels}
        voided = {label for label in issued if self.labels[label]["voided_at"] is not None}
        return LabelStates(issued, voided)

    async def insert_intakes(self, intakes: list[Intake]) -> None:
        for intake in intakes:
            if intake.label in self.intakes:
                raise unique_violation("intakes_label_key")
            self.intakes[intake.label] = intake

    # labels

    async def insert_batch(
        self, batch_id: uuid.UUID, collection_point_id: uuid.UUID, created_by: str, codes: list[str]
    ) -> list[str]:
        self.batches[batch_id] = {
            "point_id": collection_point_id,
            "created_by": created_by,
            "count": len(codes),
        }
        return await self.add_labels(batch_id, codes)

    async def add_labels(self, batch_id: uuid.UUID, codes: list[str]) -> list[str]:
        taken = [code for code in codes if code in self.labels]
        for code in codes:
            if code not in self.labels:
                self.labels[code] = {"batch_id": batch_id, "voided_at": None, "void_reason": None}
        return taken

    async def get_batch(self, batch_id: uuid.UUID) -> LabelBatch | None:
        batch = self.batches.get(batch_id)
        if batch is None:
            return None
        return LabelBatch(
            id=batch_id,
            collection_point_id=batch["point_id"],
            label_count=batch["count"],
            created_by=batch["created_by"],
            created_at=WRITTEN,
            labels=[
                Label(
                    code=code,
                    code_display=format_code(code),
                    voided=label["voided_at"] is not None,
                    void_reason=label["void_reason"],
                )
                for code, label in sorted(self.labels.items())
                if label["batch_id"] == batch_id
            ],
        )

    async def label_point(self, code: str) -> LabelPoint | None:
        label = self.labels.get(code)
        if label is None:
            return None
        point_id = self.batches[label["batch_id"]]["point_id"]
        return LabelPoint(collection_point_id=point_id, voided_at=label["voided_at"])

    async def void_label(self, code: str, reason: str) -> bool:
        label = self.labels[code]
        if label["voided_at"] is not None:
            return False
        label.update(voided_at=WRITTEN, void_reason=reason)
        return True

    # shipments

    async def workshop_name(self, workshop_id: uuid.UUID) -> str | None:
        return self.workshops.get(workshop_id)

    async def add_shipment(
        self,
        shipment_id: uuid.UUID,
        point_id: uuid.UUID,
        workshop_id: uuid.UUID,
        workshop_name: str,
        opened_by: str,
    ) -> None:
        self.shipments.setdefault(
            shipment_id,
            {
                "collection_point_id": point_id,
                "workshop_id": workshop_id,
                "workshop_name": workshop_name,
                "status": "open",
                "opened_by": opened_by,
                "opened_at": WRITTEN,
                "dispatched_at": None,
                "received_at": None,
            },
        )

    async def shipment(
        self, point_id: uuid.UUID, shipment_id: uuid.UUID, lock: bool = False
    ) -> Shipment | None:
        shipment = self.shipments.get(shipment_id)
        if shipment is None or shipment["collection_point_id"] != point_id:
            return None
        types = {intake.device_id: intake.device_type for intake in self.intakes.values()}
        devices = [
            PackedDevice(
                label=packed["label"],
                label_display=format_code(packed["label"]),
                device_id=packed["device_id"],
                status=packed["status"],
                device_type=types.get(packed["device_id"], ""),
            )
            for packed in self.packed
            if packed["shipment_id"] == shipment_id
        ]
        return Shipment(id=shipment_id, devices=devices, **shipment)

    async def collected_device(self, label: str) -> CollectedDevice | None:
        intake = self.intakes.get(label)
        return msgspec.convert(intake, CollectedDevice, from_attributes=True) if intake else None

    async def shipment_packing(self, device_id: uuid.UUID) -> uuid.UUID | None:
        return next(
            (
                packed["shipment_id"]
                for packed in self.packed
                if packed["device_id"] == device_id and packed["status"] == "packed"
            ),
            None,
        )

    async def pack(self, shipment_id: uuid.UUID, label: str, device_id: uuid.UUID) -> bool:
        self.packed.append(
            {"shipment_id": shipment_id, "label": label, "device_id": device_id, "status": "packed"}
        )
        return True

    async def unpack(self, shipment_id: uuid.UUID, label: str) -> None:
        self.packed = [
            packed
            for packed in self.packed
            if not (packed["shipment_id"] == shipment_id and packed["label"] == label)
        ]

    async def devices_gone(self, shipment_id: uuid.UUID) -> list[GoneDevice]:
        return [
            GoneDevice(label=intake.label, inventory_state=intake.inventory_state)
            for packed in self.packed
            if packed["shipment_id"] == shipment_id
            for intake in [self.intakes[packed["label"]]]
            if intake.inventory_state not in (None, "received")
        ]

    async def mark_dispatched(self, shipment_id: uuid.UUID, at: datetime) -> list[ShippedDevice]:
        self.shipments[shipment_id].update(status="dispatched", dispatched_at=at)
        return [
            ShippedDevice(
                device_id=packed["device_id"],
                label=packed["label"],
                device_type=self.intakes[packed["label"]].device_type,
            )
            for packed in sorted(self.packed, key=lambda packed: packed["label"])
            if packed["shipment_id"] == shipment_id
        ]


class FakeIntakeUnitOfWork(FakeUnitOfWork[FakeCollectionPoint]):
    """The counter's unit of work in memory: each intake written alone by the store's one
    statement (all or nothing by itself; a connection lost after it leaves it written), as
    the recorder writes one that arrives alone."""

    async def record(self, record: IntakeRecord) -> IntakeRecording:
        recorded = await self.store.record_intake(record)
        if recorded.inserted:
            self.events.append(record.event)
            self.commits += 1
        return recorded
