"""An in-memory workshop for the refurbishment use cases: the store methods they call, on
plain dicts and lists (so a failed unit of work puts them back as they were)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.refurbishment.bench.domain import WorkOrder
from services.refurbishment.erasure.domain import OfficerTraining
from services.refurbishment.parts.domain import Part, PartCreate

OPENED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class FakeBenchStore:
    def __init__(self) -> None:
        self.workshops: dict[uuid.UUID, dict[str, Any]] = {}
        self.devices: dict[str, dict[str, Any]] = {}  # by label
        self.orders: dict[uuid.UUID, dict[str, Any]] = {}
        self.erasures: dict[uuid.UUID, dict[str, Any]] = {}
        self.gradings: dict[uuid.UUID, dict[str, Any]] = {}  # by work order
        self.diagnoses: dict[uuid.UUID, dict[str, Any]] = {}  # by work order
        self.repairs: dict[uuid.UUID, dict[str, Any]] = {}
        self.parts: list[dict[str, Any]] = []
        self.trainings: list[OfficerTraining] = []

    # what the test sets up

    def add_workshop(self, name: str) -> uuid.UUID:
        workshop_id = uuid.uuid4()
        self.workshops[workshop_id] = {"name": name, "commune": ""}
        return workshop_id

    def add_device(self, label: str, device_type: str = "laptop") -> uuid.UUID:
        device_id = uuid.uuid4()
        self.devices[label] = {"device_id": device_id, "device_type": device_type, "version": 0}
        return device_id

    def train(
        self,
        account_id: str,
        valid_from: date,
        valid_until: date,
        reference: str = "",
        course: str = "data_erasure",
    ) -> OfficerTraining:
        """A training group_purchase announced for ``account_id``."""
        training = OfficerTraining(
            id=uuid.uuid4(),
            account_id=account_id,
            course=course,
            reference=reference or f"EFF-{account_id}",
            valid_from=valid_from,
            valid_until=valid_until,
        )
        self.trainings.append(training)
        return training

    def parts_of(self, workshop_id: uuid.UUID) -> list[tuple[str, str, int]]:
        """The bin's parts as (name, kind, quantity), in the order they went in."""
        return [
            (part["name"], part["kind"], part["quantity"])
            for part in self.parts
            if part["workshop_id"] == workshop_id and part["quantity"] > 0
        ]

    # the store's methods

    async def upsert_workshop(
        self,
        workshop_id: uuid.UUID,
        name: str,
        commune: str,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> None:
        self.workshops[workshop_id] = {
            "name": name,
            "commune": commune,
            "latitude": latitude,
            "longitude": longitude,
        }

    async def workshop_name(self, workshop_id: uuid.UUID) -> str | None:
        workshop = self.workshops.get(workshop_id)
        return workshop["name"] if workshop else None

    async def device_by_label(self, label: str) -> dict[str, Any] | None:
        return self.devices.get(label)

    def _device(self, device_id: uuid.UUID) -> tuple[str, dict[str, Any]]:
        return next(
            (label, device)
            for label, device in self.devices.items()
            if device["device_id"] == device_id
        )

    async def next_event_version(self, device_id: uuid.UUID) -> int:
        _, device = self._device(device_id)
        device["version"] += 1
        version: int = device["version"]
        return version

    async def last_event_version(self, device_id: uuid.UUID) -> int:
        version: int = self._device(device_id)[1]["version"]
        return version

    async def open_work_order(
        self, order_id: uuid.UUID, device_id: uuid.UUID, workshop_id: uuid.UUID, by: str
    ) -> bool:
        if await self.open_order_of(device_id) is not None:
            return False
        self.orders[order_id] = {
            "device_id": device_id,
            "workshop_id": workshop_id,
            "opened_by": by,
            "opened_at": OPENED + timedelta(minutes=len(self.orders)),
            "outcome": None,
            "note": "",
            "assigned_to": None,
            "step_minutes": 0,
        }
        return True

    async def open_order_of(self, device_id: uuid.UUID) -> WorkOrder | None:
        for order_id, order in self.orders.items():
            if order["device_id"] == device_id and order["outcome"] is None:
                return await self.get_work_order(order_id)
        return None

    async def get_work_order(self, order_id: uuid.UUID, lock: bool = False) -> WorkOrder | None:
        order = self.orders.get(order_id)
        if order is None:
            return None
        label, device = self._device(order["device_id"])
        grading = self.gradings.get(order_id)
        outcome = order["outcome"] or "open"
        return WorkOrder(
            id=order_id,
            device_id=order["device_id"],
            label=label,
            device_type=device["device_type"],
            workshop_id=order["workshop_id"],
            workshop_name=self.workshops[order["workshop_id"]]["name"],
            erased=any(
                erasure["work_order_id"] == order_id and erasure["issued_at"] is not None
                for erasure in self.erasures.values()
            ),
            graded=grading is not None,
            functional_pass=bool(grading and grading["functional_pass"]),
            closed=order["outcome"] is not None,
            state=outcome.split(":")[0],
            opened_at=order["opened_at"],
            assigned_to=order["assigned_to"],
            minutes_spent=order["step_minutes"]
            + sum(r["minutes"] for r in self.repairs.values() if r["work_order_id"] == order_id),
        )

    async def assign_work_order(self, order_id: uuid.UUID, person: str) -> None:
        self.orders[order_id]["assigned_to"] = person

    async def add_step_minutes(self, order_id: uuid.UUID, minutes: int | None) -> None:
        self.orders[order_id]["step_minutes"] += minutes or 0

    async def close_work_order(self, order_id: uuid.UUID, outcome: str, note: str = "") -> None:
        self.orders[order_id].update(outcome=outcome, note=note)

    async def insert_erasure(
        self,
        erasure_id: uuid.UUID,
        order_id: uuid.UUID,
        body: dict[str, Any],
        performed_by: str,
        no_storage: bool = False,
        training: str | None = None,
    ) -> None:
        self.erasures[erasure_id] = {
            "id": erasure_id,
            "work_order_id": order_id,
            "body": body,
            "performed_by": performed_by,
            "performer_training": training,
            "validator_training": None,
            "no_storage": no_storage,
            "validated_by": None,
            "pdf": None,
            "sha256": None,
            "issued_at": None,
        }

    async def pending_erasure(self, erasure_id: uuid.UUID) -> dict[str, Any] | None:
        return self.erasures.get(erasure_id)

    async def issue_certificate(
        self,
        erasure_id: uuid.UUID,
        validated_by: str,
        pdf: bytes | None,
        sha256: str | None,
        issued_at: datetime,
        training: str | None = None,
    ) -> None:
        self.erasures[erasure_id].update(
            validated_by=validated_by,
            pdf=pdf,
            sha256=sha256,
            issued_at=issued_at,
            validator_training=training,
        )

    async def erasure_trainings_of(self, account_id: str) -> list[OfficerTraining]:
        return [
            training
            for training in self.trainings
            if training.account_id == account_id and training.course == "data_erasure"
        ]

    async def certificate_pdf(self, erasure_id: uuid.UUID) -> dict[str, Any] | None:
        erasure = self.erasures.get(erasure_id)
        if erasure is None or erasure["issued_at"] is None:
            return None
        order = self.orders[erasure["work_order_id"]]
        return {"certificate_pdf": erasure["pdf"], "workshop_id": order["workshop_id"]}

    async def save_grading(
        self,
        order_id: uuid.UUID,
        grade: str,
        functional_pass: bool,
        battery_health: int | None,
        specs: dict[str, Any],
        by: str,
    ) -> None:
        self.gradings[order_id] = {
            "grade": grade,
            "functional_pass": functional_pass,
            "battery_health": battery_health,
            "specs": specs,
            "graded_by": by,
        }

    async def save_diagnosis(self, order_id: uuid.UUID, body: dict[str, Any], by: str) -> None:
        self.diagnoses[order_id] = {"body": body, "diagnosed_by": by}

    async def insert_repair(
        self,
        repair_id: uuid.UUID,
        order_id: uuid.UUID,
        body: dict[str, Any],
        minutes: int,
        by: str,
    ) -> None:
        self.repairs[repair_id] = {
            "work_order_id": order_id,
            "body": body,
            "minutes": minutes,
            "repaired_by": by,
        }

    async def add_part(
        self,
        part_id: uuid.UUID,
        workshop_id: uuid.UUID,
        part: PartCreate,
        by: str,
        from_work_order_id: uuid.UUID | None = None,
    ) -> Part:
        row = {
            "id": part_id,
            "workshop_id": workshop_id,
            "name": part.name,
            "kind": part.kind,
            "condition": part.condition,
            "quantity": part.quantity,
            "from_work_order_id": from_work_order_id,
            "added_by": by,
            "added_at": OPENED,
        }
        self.parts.append(row)
        return Part(**row)

    async def take_part(self, workshop_id: uuid.UUID, name: str) -> bool:
        for part in sorted(
            self.parts, key=lambda part: (part["condition"] != "working", part["added_at"])
        ):
            if (
                part["workshop_id"] == workshop_id
                and part["name"].lower() == name.strip().lower()
                and part["quantity"] > 0
            ):
                part["quantity"] -= 1
                return True
        return False


class FakeShipmentStore(FakeBenchStore):
    """The workshop with the shipments collection points sent it."""

    def __init__(self) -> None:
        super().__init__()
        self.shipments: dict[uuid.UUID, dict[str, Any]] = {}
        self.shipped: dict[uuid.UUID, dict[str, dict[str, Any]]] = {}  # by shipment, label

    def add_shipment(self, workshop_id: uuid.UUID, labels: list[str]) -> uuid.UUID:
        shipment_id = uuid.uuid4()
        self.shipments[shipment_id] = {
            "id": shipment_id,
            "workshop_id": workshop_id,
            "collection_point_name": "Ressourcerie de Lille",
            "dispatched_at": OPENED,
            "status": "expected",
            "received_at": None,
        }
        self.shipped[shipment_id] = {
            label: {"label": label, "expected": True, "scanned_at": None} for label in labels
        }
        return shipment_id

    async def shipment(
        self, shipment_id: uuid.UUID, workshop_id: uuid.UUID, lock: bool = False
    ) -> dict[str, Any] | None:
        shipment = self.shipments.get(shipment_id)
        return shipment if shipment and shipment["workshop_id"] == workshop_id else None

    async def shipment_devices(self, shipment_id: uuid.UUID) -> list[dict[str, Any]]:
        devices = self.shipped[shipment_id].values()
        return sorted(devices, key=lambda device: (not device["expected"], device["label"]))

    async def note_scan(
        self, shipment_id: uuid.UUID, label: str, device_id: uuid.UUID, by: str, at: datetime
    ) -> bool:
        device = self.shipped[shipment_id].setdefault(
            label, {"label": label, "expected": False, "scanned_at": None}
        )
        device["scanned_at"] = device["scanned_at"] or at
        expected: bool = device["expected"]
        return expected

    async def close_receipt(self, shipment_id: uuid.UUID, by: str, at: datetime) -> None:
        self.shipments[shipment_id].update(status="received", received_at=at)
