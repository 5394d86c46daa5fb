"""The workshop's use cases on an in-memory unit of work: what a refurbisher or an erasure
officer sees happen (a stay opened, a certificate issued, a device released, parts in the
bin, a shipment received), the facts announced to the other services, and the refusals,
which change nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from services.refurbishment.bench import handlers
from services.refurbishment.bench.diagnosis import PartUsed, Repair, RepairAction
from services.refurbishment.bench.domain import (
    CheckIn,
    Dismantling,
    ErasurePreparation,
    GradeGiven,
    GradingThresholds,
    Recycling,
    WorkOrder,
)
from services.refurbishment.erasure.certificate_pdf import fingerprint
from services.refurbishment.erasure.domain import MediumErasure
from services.refurbishment.parts.domain import PartCreate
from services.refurbishment.shipments import handlers as receipts
from services.refurbishment.shipments.domain import ShipmentScanned
from shared.auth import Principal
from shared.contracts.refurbishment import (
    DeviceCheckedIn,
    DeviceDismantled,
    DeviceErased,
    DeviceGraded,
    DeviceRecycled,
    DeviceReleased,
    DeviceRepaired,
    ShipmentReceived,
)
from shared.errors import DomainError
from shared.labels import format_code, generate_code
from shared.trainings import TIMEZONE
from tests.support.fakes.refurbishment import FakeBenchStore, FakeShipmentStore
from tests.support.requests import pdf_text
from tests.support.uow import FakeUnitOfWork

LABEL = generate_code()
THRESHOLDS = GradingThresholds(grade_a_min_battery=80, release_min_battery=50)
VERIFY_URL = "https://boucle.example/verifier"


def person(
    name: str, *workshops: uuid.UUID, roles: tuple[str, ...] = ("refurbisher",)
) -> Principal:
    return Principal(
        sub=name,
        roles=roles,
        scopes=tuple(f"workshop:{workshop}" for workshop in workshops),
        exp=2_000_000_000,
        iat=1_700_000_000,
    )


class Workshop:
    """A workshop with one donated device known by its label, and the people who work there."""

    def __init__(self) -> None:
        self.store = FakeBenchStore()
        self.uow = FakeUnitOfWork(self.store)
        self.id = self.store.add_workshop("Atelier de Roubaix")
        self.device_id = self.store.add_device(LABEL)
        self.camille = person("camille", self.id)
        self.alice = person("alice", self.id, roles=("erasure_officer",))
        self.bruno = person("bruno", self.id, roles=("erasure_officer",))
        for officer in ("alice", "bruno"):  # trained, as group_purchase announced it
            self.store.train(officer, date(2026, 1, 5), date(2028, 1, 4), f"EFF-{officer}")

    async def checked_in(self) -> WorkOrder:
        return await handlers.check_in(
            self.uow, self.camille, CheckIn(workshop_id=self.id, label=LABEL)
        )

    async def erased(self, order: WorkOrder) -> str:
        erasure_id = await handlers.record_erasure(self.uow, self.alice, order.id, purged())
        return await handlers.validate_erasure(self.uow, self.bruno, erasure_id, VERIFY_URL)

    async def graded(self, order: WorkOrder, **given: object) -> None:
        grading = GradeGiven(
            **{"grade": "B", "functional_pass": True, "battery_health": 85, **given}
        )
        await handlers.grade(self.uow, self.camille, order.id, grading, THRESHOLDS)


def purged() -> ErasurePreparation:
    started = FakeUnitOfWork(FakeBenchStore()).clock()
    return ErasurePreparation(
        media=[
            MediumErasure(
                media_type="flash",
                level="purge",
                method="crypto_erase",
                tool="nvme-cli",
                verification="full",
                started_at=started,
                ended_at=started + timedelta(minutes=4),
            )
        ]
    )


@pytest.fixture
def workshop() -> Workshop:
    return Workshop()


async def test_a_device_checked_in_opens_its_stay_and_tells_the_other_services(
    workshop: Workshop,
) -> None:
    order = await workshop.checked_in()

    assert (order.label, order.workshop_id, order.state) == (LABEL, workshop.id, "open")
    [checked_in] = workshop.uow.announced(DeviceCheckedIn)
    assert checked_in.aggregate_id == workshop.device_id
    assert checked_in.aggregate_version == 1
    assert checked_in.workshop_name == "Atelier de Roubaix"


async def test_an_unknown_label_opens_nothing_and_announces_nothing(workshop: Workshop) -> None:
    with pytest.raises(DomainError) as error:
        await handlers.check_in(
            workshop.uow,
            workshop.camille,
            CheckIn(workshop_id=workshop.id, label=format_code(generate_code())),
        )

    assert error.value.code == "bench.label_unknown"
    assert error.value.status_code == 404
    assert workshop.store.orders == {}
    assert workshop.uow.events == []
    assert workshop.uow.rollbacks == 1


async def test_someone_elses_workshop_is_not_found(workshop: Workshop) -> None:
    elsewhere = workshop.store.add_workshop("Atelier de Tourcoing")
    stranger = person("dominique", elsewhere)

    with pytest.raises(DomainError) as error:
        await handlers.check_in(
            workshop.uow, stranger, CheckIn(workshop_id=workshop.id, label=LABEL)
        )

    assert (error.value.code, error.value.status_code) == ("workshop.not_yours", 404)
    assert workshop.store.orders == {}
    assert workshop.uow.events == []


async def test_a_device_already_checked_in_elsewhere_is_refused_and_says_where(
    workshop: Workshop,
) -> None:
    await workshop.checked_in()
    elsewhere = workshop.store.add_workshop("Atelier de Tourcoing")
    there = person("dominique", elsewhere)

    with pytest.raises(DomainError) as error:
        await handlers.check_in(workshop.uow, there, CheckIn(workshop_id=elsewhere, label=LABEL))

    assert (error.value.code, error.value.status_code) == ("bench.checked_in_elsewhere", 409)
    assert "Atelier de Roubaix" in str(error.value)
    assert len(workshop.store.orders) == 1
    assert len(workshop.uow.announced(DeviceCheckedIn)) == 1
    assert workshop.uow.rollbacks == 1


async def test_a_work_order_of_another_workshop_is_not_found(workshop: Workshop) -> None:
    order = await workshop.checked_in()
    stranger = person("dominique", workshop.store.add_workshop("Atelier de Tourcoing"))

    with pytest.raises(DomainError) as error:
        await handlers.take(workshop.uow, stranger, order.id)

    assert (error.value.code, error.value.status_code) == ("bench.order_not_found", 404)
    assert workshop.store.orders[order.id]["assigned_to"] is None


async def test_only_erasure_officers_record_an_erasure(workshop: Workshop) -> None:
    order = await workshop.checked_in()

    with pytest.raises(DomainError) as error:
        await handlers.record_erasure(workshop.uow, workshop.camille, order.id, purged())

    assert error.value.code == "bench.officers_only"
    assert workshop.store.erasures == {}
    assert workshop.uow.audit_lines == []


async def test_a_second_officer_validates_the_erasure_and_the_certificate_is_issued(
    workshop: Workshop,
) -> None:
    order = await workshop.checked_in()
    erasure_id = await handlers.record_erasure(workshop.uow, workshop.alice, order.id, purged())
    assert workshop.uow.announced(DeviceErased) == []  # recorded, not yet certified
    workshop.uow.clock.advance(timedelta(hours=2))

    sha256 = await handlers.validate_erasure(workshop.uow, workshop.bruno, erasure_id, VERIFY_URL)

    erasure = workshop.store.erasures[erasure_id]
    assert erasure["pdf"].startswith(b"%PDF-")
    assert sha256 == erasure["sha256"] == fingerprint(erasure["pdf"])
    assert erasure["issued_at"] == workshop.uow.clock()
    assert erasure["validated_by"] == "bruno"
    [erased] = workshop.uow.announced(DeviceErased)
    assert erased.certificate_id == erasure_id
    assert erased.aggregate_version == 2
    assert workshop.uow.audit_lines == [
        ("alice", "erasure.recorded", f"erasure:{erasure_id}"),
        ("bruno", "certificate.issued", f"erasure:{erasure_id}"),
    ]
    assert (await workshop.store.get_work_order(order.id)).erased


async def test_an_officer_does_not_validate_their_own_erasure(workshop: Workshop) -> None:
    order = await workshop.checked_in()
    erasure_id = await handlers.record_erasure(workshop.uow, workshop.alice, order.id, purged())

    with pytest.raises(DomainError) as error:
        await handlers.validate_erasure(workshop.uow, workshop.alice, erasure_id, VERIFY_URL)

    assert error.value.code == "bench.own_erasure"
    assert workshop.store.erasures[erasure_id]["issued_at"] is None
    assert workshop.uow.announced(DeviceErased) == []


async def test_a_grade_is_announced_with_the_tests_result(workshop: Workshop) -> None:
    order = await workshop.checked_in()

    await workshop.graded(order, minutes=25)

    [graded] = workshop.uow.announced(DeviceGraded)
    assert (graded.grade, graded.functional_pass) == ("B", True)
    assert (await workshop.store.get_work_order(order.id)).minutes_spent == 25


async def test_a_worn_battery_is_not_graded_a_and_nothing_is_announced(
    workshop: Workshop,
) -> None:
    order = await workshop.checked_in()

    with pytest.raises(DomainError) as error:
        await workshop.graded(order, grade="A", battery_health=70)

    assert error.value.code == "bench.battery_not_a"
    assert workshop.store.gradings == {}
    assert workshop.uow.announced(DeviceGraded) == []


async def test_a_device_is_released_only_once_erased_and_graded(workshop: Workshop) -> None:
    order = await workshop.checked_in()

    with pytest.raises(DomainError) as error:
        await handlers.release(workshop.uow, workshop.camille, order.id)
    assert error.value.code == "bench.release_needs_certificate_and_grade"
    assert workshop.uow.announced(DeviceReleased) == []

    await workshop.erased(order)
    await workshop.graded(order)
    await handlers.release(workshop.uow, workshop.camille, order.id)

    [released] = workshop.uow.announced(DeviceReleased)
    assert [event.aggregate_version for event in workshop.uow.events] == [1, 2, 3, 4]
    assert released.aggregate_version == 4
    assert (await workshop.store.get_work_order(order.id)).state == "released"


async def test_a_device_that_failed_its_tests_is_not_released(workshop: Workshop) -> None:
    order = await workshop.checked_in()
    await workshop.erased(order)
    await workshop.graded(order, functional_pass=False)

    with pytest.raises(DomainError) as error:
        await handlers.release(workshop.uow, workshop.camille, order.id)

    assert error.value.code == "bench.failed_tests"
    assert workshop.uow.announced(DeviceReleased) == []
    assert workshop.store.orders[order.id]["outcome"] is None


async def test_a_recycled_device_leaves_with_its_reason(workshop: Workshop) -> None:
    order = await workshop.checked_in()

    await handlers.recycle(
        workshop.uow, workshop.camille, order.id, Recycling(barrier=3, reason="Carte mère morte")
    )

    [recycled] = workshop.uow.announced(DeviceRecycled)
    assert recycled.reason == "Carte mère morte"
    assert (await workshop.store.get_work_order(order.id)).state == "recycled"
    with pytest.raises(DomainError) as again:  # a closed stay takes no more steps
        await handlers.recycle(
            workshop.uow, workshop.camille, order.id, Recycling(barrier=3, reason="Encore")
        )
    assert again.value.code == "bench.closed"
    assert len(workshop.uow.announced(DeviceRecycled)) == 1


async def test_a_device_is_dismantled_only_once_its_data_is_gone(workshop: Workshop) -> None:
    order = await workshop.checked_in()
    dismantling = Dismantling(
        barrier=2,
        reason="Écran introuvable",
        parts=[PartCreate(name="Barrette 8 Go", kind="memory", condition="working")],
    )

    with pytest.raises(DomainError) as error:
        await handlers.dismantle(workshop.uow, workshop.camille, order.id, dismantling)
    assert error.value.code == "bench.dismantle_needs"
    assert workshop.store.parts_of(workshop.id) == []

    await handlers.state_without_storage(workshop.uow, workshop.alice, order.id)
    await handlers.dismantle(workshop.uow, workshop.camille, order.id, dismantling)

    assert workshop.store.parts_of(workshop.id) == [("Barrette 8 Go", "memory", 1)]
    assert len(workshop.uow.announced(DeviceDismantled)) == 1
    [erased] = workshop.uow.announced(DeviceErased)
    assert erased.no_storage
    assert (await workshop.store.get_work_order(order.id)).state == "dismantled"


async def test_a_repair_takes_its_part_from_the_bin_and_is_refused_when_none_is_left(
    workshop: Workshop,
) -> None:
    order = await workshop.checked_in()
    await handlers.add_part(
        workshop.uow, workshop.camille, workshop.id, PartCreate(name="Batterie", kind="battery")
    )
    repair = Repair(
        actions=[RepairAction(kind="replacement", description="Batterie changée")],
        parts=[PartUsed(name="batterie", source="parts_bin")],
        minutes=20,
    )

    await handlers.record_repair(workshop.uow, workshop.camille, order.id, repair)
    assert workshop.store.parts_of(workshop.id) == []
    [repaired] = workshop.uow.announced(DeviceRepaired)
    assert repaired.aggregate_version == 1  # a repair takes no number of its own

    with pytest.raises(DomainError) as error:
        await handlers.record_repair(workshop.uow, workshop.camille, order.id, repair)

    assert error.value.code == "bench.parts_bin_empty"
    assert len(workshop.store.repairs) == 1
    assert len(workshop.uow.announced(DeviceRepaired)) == 1


class Receiving:
    """A workshop expecting a shipment of two devices; a third, not in it, came all the same."""

    def __init__(self) -> None:
        self.store = FakeShipmentStore()
        self.uow = FakeUnitOfWork(self.store)
        self.id = self.store.add_workshop("Atelier de Roubaix")
        self.first, self.second, self.stray = generate_code(), generate_code(), generate_code()
        for label in (self.first, self.second, self.stray):
            self.store.add_device(label)
        self.shipment = self.store.add_shipment(self.id, [self.first, self.second])
        self.camille = person("camille", self.id)

    async def scan(self, label: str) -> ShipmentScanned:
        return await receipts.scan_device(self.uow, self.camille, self.id, self.shipment, label)


async def test_a_scanned_device_is_checked_in_and_noted_received_once() -> None:
    receiving = Receiving()

    scanned = await receiving.scan(format_code(receiving.first))
    again = await receiving.scan(receiving.first)  # scanned twice: noted once, opened once

    assert scanned.expected and again.expected
    assert again.work_order_id == scanned.work_order_id
    assert len(receiving.uow.announced(DeviceCheckedIn)) == 1
    shipment = await receipts.incoming_shipment(
        receiving.store, receiving.camille, receiving.id, receiving.shipment
    )
    assert shipment.labels("received") == [receiving.first]
    assert shipment.labels("awaited") == [receiving.second]


async def test_a_closed_receipt_tells_what_arrived_once_and_refuses_more_scans() -> None:
    receiving = Receiving()
    await receiving.scan(receiving.first)
    unexpected = await receiving.scan(receiving.stray)
    assert not unexpected.expected

    closed = await receipts.close_receipt(
        receiving.uow, receiving.camille, receiving.id, receiving.shipment
    )
    await receipts.close_receipt(receiving.uow, receiving.camille, receiving.id, receiving.shipment)

    assert closed.status == "received"
    [told] = receiving.uow.announced(ShipmentReceived)
    assert told.received_labels == [receiving.first]
    assert told.missing_labels == [receiving.second]
    assert told.unexpected_labels == [receiving.stray]
    with pytest.raises(DomainError) as error:
        await receiving.scan(receiving.second)
    assert error.value.code == "arrival.closed"
    assert len(receiving.uow.announced(DeviceCheckedIn)) == 2  # the late one was not checked in


async def test_someone_elses_shipment_is_not_found() -> None:
    receiving = Receiving()
    stranger = person("dominique", uuid.uuid4())

    with pytest.raises(DomainError) as error:
        await receipts.scan_device(
            receiving.uow, stranger, receiving.id, receiving.shipment, receiving.first
        )

    assert (error.value.code, error.value.status_code) == ("arrival.not_found", 404)
    assert receiving.store.orders == {}


# --- who may sign: an erasure training valid on the day (Europe/Paris), as announced


def at_paris(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of ``day`` in Paris, in UTC (late March is summer time: UTC+2)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TIMEZONE).astimezone(UTC)


@pytest.fixture
def dora(workshop: Workshop) -> Principal:
    """An erasure officer whose erasure training is valid 1 to 31 March 2026 only."""
    workshop.store.train("dora", date(2026, 3, 1), date(2026, 3, 31), "EFF-2026-031")
    return person("dora", workshop.id, roles=("erasure_officer",))


@pytest.mark.parametrize(
    ("moment", "valid"),
    [
        (at_paris(date(2026, 3, 1), 0, 0), True),  # first day, from midnight in Paris
        (at_paris(date(2026, 3, 31), 23, 59), True),  # last day, until midnight in Paris
        (at_paris(date(2026, 2, 28), 23, 59), False),  # not valid yet
        (at_paris(date(2026, 4, 1), 0, 0), False),  # expired
    ],
)
async def test_an_erasure_is_recorded_only_on_a_day_the_officers_training_is_valid(
    workshop: Workshop, dora: Principal, moment: datetime, valid: bool
) -> None:
    order = await workshop.checked_in()
    workshop.uow.clock.at = moment
    audit_before = list(workshop.uow.audit_lines)

    if valid:
        erasure_id = await handlers.record_erasure(workshop.uow, dora, order.id, purged())
        assert workshop.store.erasures[erasure_id]["performer_training"] == "EFF-2026-031"
        return
    with pytest.raises(DomainError) as error:
        await handlers.record_erasure(workshop.uow, dora, order.id, purged())
    assert error.value.code == "bench.training_not_valid"
    assert workshop.store.erasures == {}
    assert workshop.uow.audit_lines == audit_before
    assert workshop.uow.rollbacks == 1


async def test_an_officer_without_any_erasure_training_records_nothing(
    workshop: Workshop,
) -> None:
    order = await workshop.checked_in()
    workshop.store.train("emile", date(2026, 1, 1), date(2030, 1, 1), course="first_aid")
    emile = person("emile", workshop.id, roles=("erasure_officer",))

    with pytest.raises(DomainError) as error:
        await handlers.record_erasure(workshop.uow, emile, order.id, purged())
    with pytest.raises(DomainError) as statement:
        await handlers.state_without_storage(workshop.uow, emile, order.id)

    assert error.value.code == statement.value.code == "bench.training_not_valid"
    assert workshop.store.erasures == {}
    assert workshop.uow.announced(DeviceErased) == []


async def test_an_officer_whose_training_expired_since_the_erasure_cannot_validate_it(
    workshop: Workshop, dora: Principal
) -> None:
    order = await workshop.checked_in()
    workshop.uow.clock.at = at_paris(date(2026, 3, 30), 10)
    erasure_id = await handlers.record_erasure(workshop.uow, workshop.alice, order.id, purged())
    workshop.uow.clock.at = at_paris(date(2026, 4, 1), 9)  # dora's training ended yesterday

    with pytest.raises(DomainError) as error:
        await handlers.validate_erasure(workshop.uow, dora, erasure_id, VERIFY_URL)

    assert error.value.code == "bench.training_not_valid"
    assert workshop.store.erasures[erasure_id]["issued_at"] is None
    assert workshop.uow.announced(DeviceErased) == []
    # a colleague whose training is valid validates it
    await handlers.validate_erasure(workshop.uow, workshop.bruno, erasure_id, VERIFY_URL)
    assert len(workshop.uow.announced(DeviceErased)) == 1


async def test_the_certificate_names_both_officers_trainings(workshop: Workshop) -> None:
    order = await workshop.checked_in()
    await workshop.erased(order)

    [erasure] = workshop.store.erasures.values()
    text = pdf_text(erasure["pdf"])
    assert "EFF-alice" in text
    assert "EFF-bruno" in text
    assert erasure["validator_training"] == "EFF-bruno"
