"""The collection point's use cases on an in-memory unit of work: what a collector sees
happen at the counter, with labels and with shipments, the facts announced to the other
services, and the refusals, which change nothing and announce nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from services.collection_point.demo import DEMO_PLACES
from services.collection_point.domain import (
    AcknowledgementsMissing,
    Intake,
    IntakeCreate,
    LabelNeverIssued,
    LabelVoided,
    NewsWithoutAddress,
    TypeNotAccepted,
    point_scope,
)
from services.collection_point.intake import bulk_handlers, handlers
from services.collection_point.intake.bulk import BulkRefused
from services.collection_point.labels import handlers as labels
from services.collection_point.labels.handlers import LabelBatchCreate
from services.collection_point.places import handlers as places
from services.collection_point.places.itinerary import Schedule, Stop, StopFields
from services.collection_point.places.views import view
from services.collection_point.shipments import handlers as shipments
from services.collection_point.shipments.domain import (
    ShipmentConflict,
    ShipmentOpen,
    ShipmentRefused,
)
from shared.auth import Principal
from shared.contracts.collection import DeviceReceived, PlacePublished, ShipmentDispatched
from shared.errors import Conflict, DomainError, NotFound
from shared.idempotency import IdempotencyConflict
from shared.labels import format_code, generate_code
from tests.support.fakes.collection_point import FakeCollectionPoint, FakeIntakeUnitOfWork
from tests.support.uow import FakeClock, FakeUnitOfWork

ACKNOWLEDGED = {"data_erasure": True, "recycling": True, "stickers_removed": True}


def collector(*points: uuid.UUID) -> Principal:
    return Principal(
        sub="collector-1",
        roles=("collector",),
        scopes=tuple(point_scope(point) for point in points),
        exp=2_000_000_000,
        iat=1_700_000_000,
    )


def donation(point_id: uuid.UUID, label: str, **more: object) -> IntakeCreate:
    return msgspec.convert(
        {
            "label": label,
            "device_type": "laptop",
            "collection_point_id": str(point_id),
            "acknowledgements": ACKNOWLEDGED,
            **more,
        },
        IntakeCreate,
    )


class Counter:
    """A point with labels issued to it, its collector, and the unit of work of its counter."""

    def __init__(self, name: str = "Médiathèque Jean Lévêque") -> None:
        self.store = FakeCollectionPoint()
        self.uow = FakeIntakeUnitOfWork(self.store)
        self.point = self.store.add_point(name)
        self.codes = self.store.issue(self.point, 5)
        self.collector = collector(self.point)

    async def register(
        self, command: IntakeCreate, key: str | None = None, who: Principal | None = None
    ) -> Intake:
        answer = await handlers.receive_device(
            self.uow, who or self.collector, command, key, f"fingerprint of {command.label}"
        )
        assert answer.status_code == 201
        return msgspec.json.decode(answer.body, type=Intake)

    def nothing_happened(self) -> None:
        assert self.store.intakes == {}
        assert self.uow.events == []


# at the counter


async def test_a_registered_device_is_announced_once_with_its_point_and_the_time() -> None:
    counter = Counter()
    intake = await counter.register(donation(counter.point, format_code(counter.codes[0])))
    (event,) = counter.uow.announced(DeviceReceived)
    assert isinstance(event, DeviceReceived)
    assert (event.label, event.intake_id, event.aggregate_id) == (
        counter.codes[0],
        intake.id,
        intake.device_id,
    )
    assert event.collection_point_name == "Médiathèque Jean Lévêque"
    assert intake.received_at == event.occurred_at == counter.uow.clock()
    assert counter.store.intakes[counter.codes[0]].acknowledged_by == "donor"


async def test_the_donors_contact_stays_here_and_is_in_no_event() -> None:
    counter = Counter()
    contact = {"name": "Mme Martin", "email": "martin@example.org", "phone": ""}
    intake = await counter.register(donation(counter.point, counter.codes[0], contact=contact))
    assert counter.store.contacts[intake.id].email == "martin@example.org"
    assert b"martin" not in msgspec.json.encode(counter.uow.events)


async def test_a_donor_who_wants_news_is_kept_with_the_counters_language() -> None:
    counter = Counter()
    contact = {"email": "martin@example.org", "news": True}
    command = donation(counter.point, counter.codes[0], contact=contact)
    intake = await handlers.receive_device(
        counter.uow, counter.collector, command, None, "fingerprint", language="en"
    )
    intake_id = msgspec.json.decode(intake.body, type=Intake).id
    assert counter.store.contacts[intake_id].news is True
    assert counter.store.contact_languages[intake_id] == "en"
    assert b"martin" not in msgspec.json.encode(counter.uow.events)


async def test_news_without_an_address_is_refused_at_the_address() -> None:
    counter = Counter()
    for contact in ({"news": True}, {"name": "Mme Martin", "phone": "0320000000", "news": True}):
        command = donation(counter.point, counter.codes[0], contact=contact)
        with pytest.raises(NewsWithoutAddress) as refused:
            await counter.register(command)
        assert [error["key"] for error in refused.value.details["errors"]] == ["contact.email"]
        counter.nothing_happened()


async def test_a_form_sent_twice_registers_the_device_once() -> None:
    counter = Counter()
    command = donation(counter.point, counter.codes[0])
    first = await counter.register(command, key="form-1")
    again = await counter.register(command, key="form-1")
    assert again == first
    assert len(counter.store.intakes) == 1
    assert len(counter.uow.announced(DeviceReceived)) == 1


async def test_a_key_used_for_another_donation_is_refused() -> None:
    counter = Counter()
    await counter.register(donation(counter.point, counter.codes[0]), key="form-1")
    with pytest.raises(IdempotencyConflict):
        await handlers.receive_device(
            counter.uow, counter.collector, donation(counter.point, counter.codes[1]), "form-1", "x"
        )
    assert list(counter.store.intakes) == [counter.codes[0]]


async def test_a_point_the_collector_does_not_work_at_is_as_unknown_as_no_point() -> None:
    counter = Counter()
    elsewhere = counter.store.add_point("Mairie de Roubaix")
    (code,) = counter.store.issue(elsewhere)
    for point in (elsewhere, uuid.uuid4()):
        with pytest.raises(NotFound) as refused:
            await counter.register(donation(point, code))
        assert refused.value.code == "places.not_yours"
    counter.nothing_happened()


async def test_a_type_the_point_does_not_take_is_refused() -> None:
    counter = Counter()
    with pytest.raises(TypeNotAccepted):
        await counter.register(donation(counter.point, counter.codes[0], device_type="printer"))
    counter.nothing_happened()


async def test_a_donor_who_did_not_accept_everything_cannot_give() -> None:
    counter = Counter()
    command = donation(counter.point, counter.codes[0], acknowledgements={"recycling": True})
    with pytest.raises(AcknowledgementsMissing):
        await counter.register(command)
    counter.nothing_happened()


async def test_a_label_boucle_never_printed_or_voided_is_refused() -> None:
    counter = Counter()
    with pytest.raises(LabelNeverIssued):
        await counter.register(donation(counter.point, generate_code()))
    counter.store.labels[counter.codes[0]]["voided_at"] = counter.uow.clock()
    with pytest.raises(LabelVoided):
        await counter.register(donation(counter.point, counter.codes[0]))
    counter.nothing_happened()


async def test_a_label_issued_to_another_point_travels_with_its_collector() -> None:
    counter = Counter()
    (code,) = counter.store.issue(counter.store.add_point("Mairie de Roubaix"))
    intake = await counter.register(donation(counter.point, code))
    assert intake.collection_point_id == counter.point


async def test_a_label_already_on_a_device_says_which_and_where() -> None:
    counter = Counter()
    await counter.register(donation(counter.point, counter.codes[0]))
    with pytest.raises(Conflict) as refused:
        await counter.register(donation(counter.point, counter.codes[0], device_type="tablet"))
    assert refused.value.code == "counter.label_attached"
    assert refused.value.details["place"] == "Médiathèque Jean Lévêque"
    assert len(counter.uow.events) == 1


async def test_the_event_names_the_point_as_it_is_called_now() -> None:
    counter = Counter("Médiathèque")
    await counter.register(donation(counter.point, counter.codes[0]))
    counter.store.points[counter.point]["name"] = "Médiathèque Jean Lévêque"
    await counter.register(donation(counter.point, counter.codes[1]))
    names = [event.collection_point_name for event in counter.uow.announced(DeviceReceived)]
    assert names == ["Médiathèque", "Médiathèque Jean Lévêque"]


async def test_a_lost_connection_is_tried_once_more_and_registers_once() -> None:
    for lost in ("before", "after"):
        counter = Counter()
        counter.store.connections_lost = [lost]
        intake = await counter.register(donation(counter.point, counter.codes[0]))
        assert counter.store.intakes[counter.codes[0]].id == intake.id
        assert len(counter.uow.announced(DeviceReceived)) == 1


async def test_a_connection_lost_twice_is_said() -> None:
    counter = Counter()
    counter.store.connections_lost = ["before", "before"]
    with pytest.raises(ConnectionResetError):
        await counter.register(donation(counter.point, counter.codes[0]))
    counter.nothing_happened()


# a company's file


async def test_a_file_registers_every_device_under_the_donation_agreement() -> None:
    counter = Counter()
    text = "label;device_type\n" + "".join(f"{code};laptop\n" for code in counter.codes[:3])
    answer = await bulk_handlers.receive_file(
        counter.uow, counter.collector, counter.point, text, None, "file", "Acme"
    )
    imported = msgspec.json.decode(answer.body, type=bulk_handlers.BulkImported)
    assert imported.imported == 3
    assert {intake.acknowledged_by for intake in counter.store.intakes.values()} == {
        "donation_agreement"
    }
    assert len(counter.uow.announced(DeviceReceived)) == 3


async def test_a_file_with_one_bad_row_imports_nothing() -> None:
    counter = Counter()
    text = f"label;device_type\n{counter.codes[0]};laptop\n{generate_code()};laptop\n"
    with pytest.raises(BulkRefused) as refused:
        await bulk_handlers.receive_file(
            counter.uow, counter.collector, counter.point, text, None, "file"
        )
    assert [problem.line for problem in refused.value.problems] == [3]
    counter.nothing_happened()


# labels


async def test_a_batch_of_labels_is_issued_to_the_point_and_a_replay_prints_the_same() -> None:
    counter = Counter()
    command = LabelBatchCreate(collection_point_id=counter.point, count=24)
    first = await labels.issue_batch(counter.uow, counter.collector, command, "batch-1", "f")
    again = await labels.issue_batch(counter.uow, counter.collector, command, "batch-1", "f")
    assert again == first
    batch = msgspec.json.decode(first.body)
    assert len(batch["labels"]) == 24
    assert len(counter.store.labels) == 5 + 24


async def test_labels_are_not_issued_to_someone_elses_point() -> None:
    counter = Counter()
    elsewhere = counter.store.add_point("Mairie de Roubaix")
    with pytest.raises(NotFound):
        await labels.issue_batch(
            counter.uow,
            counter.collector,
            LabelBatchCreate(collection_point_id=elsewhere, count=3),
            None,
            "f",
        )
    assert len(counter.store.labels) == 5


async def test_a_voided_label_can_no_longer_be_printed_nor_voided_again() -> None:
    counter = Counter()
    code = counter.codes[0]
    await labels.void_label(counter.uow, counter.collector, format_code(code), "torn")
    with pytest.raises(Conflict) as reprint:
        await labels.printable_code(counter.store, counter.collector, code)
    assert reprint.value.code == "labels.voided"
    with pytest.raises(Conflict) as twice:
        await labels.void_label(counter.uow, counter.collector, code, "lost")
    assert twice.value.code == "labels.already_void"
    assert counter.store.labels[code]["void_reason"] == "torn"


async def test_another_points_label_is_not_found() -> None:
    counter = Counter()
    (code,) = counter.store.issue(counter.store.add_point("Mairie de Roubaix"))
    with pytest.raises(NotFound):
        await labels.printable_code(counter.store, counter.collector, code)
    with pytest.raises(NotFound):
        await labels.void_label(counter.uow, counter.collector, code, "torn")
    assert counter.store.labels[code]["voided_at"] is None


# shipments


class Dispatch(Counter):
    """The counter with two devices received and a workshop to ship them to."""

    def __init__(self) -> None:
        super().__init__()
        self.workshop = self.store.add_workshop("Atelier du Nord")
        self.laptop = self.store.add_intake(self.point, self.codes[0], "laptop")
        self.tablet = self.store.add_intake(self.point, self.codes[1], "tablet")

    async def open(self) -> uuid.UUID:
        shipment = await shipments.open_shipment(
            self.uow, self.collector, self.point, ShipmentOpen(workshop_id=self.workshop)
        )
        return shipment.id

    async def pack(self, shipment_id: uuid.UUID, label: str) -> None:
        await shipments.pack_device(self.uow, self.collector, self.point, shipment_id, label)

    async def dispatch(self, shipment_id: uuid.UUID) -> None:
        await shipments.dispatch_shipment(self.uow, self.collector, self.point, shipment_id)


async def test_a_packed_shipment_is_dispatched_with_its_devices_once() -> None:
    point = Dispatch()
    shipment_id = await point.open()
    await point.pack(shipment_id, format_code(point.laptop.label))
    await point.pack(shipment_id, point.tablet.label)
    await point.pack(shipment_id, point.tablet.label)  # scanned twice, packed once
    point.uow.clock.advance(timedelta(minutes=20))
    await point.dispatch(shipment_id)
    await point.dispatch(shipment_id)  # sent twice, told once
    (event,) = point.uow.announced(ShipmentDispatched)
    assert isinstance(event, ShipmentDispatched)
    assert event.workshop_name == "Atelier du Nord"
    assert sorted(device.label for device in event.devices) == sorted(point.codes[:2])
    assert event.dispatched_at == point.uow.clock()
    assert point.store.shipments[shipment_id]["status"] == "dispatched"


async def test_an_empty_shipment_is_not_dispatched() -> None:
    point = Dispatch()
    shipment_id = await point.open()
    await point.pack(shipment_id, point.laptop.label)
    await shipments.unpack_device(
        point.uow, point.collector, point.point, shipment_id, point.laptop.label
    )
    with pytest.raises(ShipmentRefused) as refused:
        await point.dispatch(shipment_id)
    assert refused.value.code == "shipment.empty"
    assert point.store.shipments[shipment_id]["status"] == "open"
    assert point.uow.events == []


async def test_a_shipment_is_opened_only_for_a_workshop_refurbishment_announced() -> None:
    point = Dispatch()
    with pytest.raises(ShipmentRefused) as refused:
        await shipments.open_shipment(
            point.uow, point.collector, point.point, ShipmentOpen(workshop_id=uuid.uuid4())
        )
    assert refused.value.code == "shipment.unknown_workshop"
    assert point.store.shipments == {}


@pytest.mark.parametrize(
    ("where", "state", "code"),
    [
        ("other point", None, "shipment.other_point"),
        ("here", "in_refurbishment", "shipment.not_here"),
        ("nowhere", None, "shipment.not_collected"),
    ],
)
async def test_only_a_device_received_here_and_still_here_is_packed(
    where: str, state: str | None, code: str
) -> None:
    point = Dispatch()
    shipment_id = await point.open()
    label = generate_code()
    if where != "nowhere":
        other = point.store.add_point("Mairie") if where == "other point" else point.point
        point.store.add_intake(other, label, inventory_state=state)
    with pytest.raises(ShipmentRefused) as refused:
        await point.pack(shipment_id, label)
    assert refused.value.code == code
    assert point.store.packed == []


async def test_a_device_is_in_one_shipment_at_a_time() -> None:
    point = Dispatch()
    first, second = await point.open(), await point.open()
    await point.pack(first, point.laptop.label)
    with pytest.raises(ShipmentConflict) as refused:
        await point.pack(second, point.laptop.label)
    assert refused.value.code == "shipment.in_other_shipment"


async def test_a_dispatched_shipment_no_longer_changes() -> None:
    point = Dispatch()
    shipment_id = await point.open()
    await point.pack(shipment_id, point.laptop.label)
    await point.dispatch(shipment_id)
    with pytest.raises(ShipmentConflict) as refused:
        await point.pack(shipment_id, point.tablet.label)
    assert refused.value.code == "shipment.not_open"
    with pytest.raises(ShipmentConflict):
        await shipments.unpack_device(
            point.uow, point.collector, point.point, shipment_id, point.laptop.label
        )
    assert len(point.store.packed) == 1


async def test_a_device_that_left_the_point_meanwhile_holds_the_shipment_back() -> None:
    point = Dispatch()
    shipment_id = await point.open()
    await point.pack(shipment_id, point.laptop.label)
    await point.pack(shipment_id, point.tablet.label)
    point.store.intakes[point.tablet.label] = msgspec.structs.replace(
        point.tablet, inventory_state="recycled"
    )
    with pytest.raises(ShipmentConflict) as refused:
        await point.dispatch(shipment_id)
    assert refused.value.code == "shipment.left_the_point"
    assert format_code(point.tablet.label) in refused.value.details["labels"]
    assert point.store.shipments[shipment_id]["status"] == "open"
    assert point.uow.events == []


async def test_another_points_shipments_are_not_found() -> None:
    point = Dispatch()
    shipment_id = await point.open()
    stranger = collector(point.store.add_point("Mairie de Roubaix"))
    with pytest.raises(NotFound):
        await shipments.pack_device(
            point.uow, stranger, point.point, shipment_id, point.laptop.label
        )
    with pytest.raises(NotFound):
        await shipments.dispatch_shipment(point.uow, stranger, point.point, shipment_id)
    with pytest.raises(NotFound):
        await shipments.shipment_for(point.store, stranger, point.point, shipment_id)
    assert point.store.packed == []


# places


LIBRARY = DEMO_PLACES["lille-jean-leveque"]  # with its coordinates


async def test_a_place_opened_and_changed_is_published_each_time_with_its_version() -> None:
    store = FakeCollectionPoint()
    uow = FakeUnitOfWork(store)
    place_id = uuid.uuid4()
    opened = await places.open_place(uow, place_id, LIBRARY)
    changed = await places.change_place(
        uow, place_id, msgspec.structs.replace(LIBRARY, commune="Lille-Fives"), opened.version
    )
    assert [
        (event.aggregate_version, event.commune) for event in uow.announced(PlacePublished)
    ] == [
        (1, "Lille"),
        (2, "Lille-Fives"),
    ]
    assert changed.version == 2


async def test_a_change_on_a_stale_version_overwrites_nothing() -> None:
    store = FakeCollectionPoint()
    uow = FakeUnitOfWork(store)
    place_id = uuid.uuid4()
    await places.open_place(uow, place_id, LIBRARY)
    await places.change_place(uow, place_id, msgspec.structs.replace(LIBRARY, name="Jean Lévêque"))
    with pytest.raises(Conflict):
        await places.change_place(
            uow, place_id, msgspec.structs.replace(LIBRARY, name="Autre"), expected_version=1
        )
    assert store.places[place_id].name == "Jean Lévêque"
    assert len(uow.announced(PlacePublished)) == 2


async def test_a_place_with_half_its_coordinates_or_unknown_is_refused() -> None:
    store = FakeCollectionPoint()
    uow = FakeUnitOfWork(store)
    with pytest.raises(DomainError) as refused:
        await places.open_place(uow, uuid.uuid4(), msgspec.structs.replace(LIBRARY, longitude=None))
    assert refused.value.code == "places.coordinates"
    with pytest.raises(NotFound):
        await places.change_place(uow, uuid.uuid4(), LIBRARY)
    assert store.places == {}
    assert uow.events == []


# itinerant places: the bus and its stops

BUS = DEMO_PLACES["bus-numerique"]
TUESDAY_9AM = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # 09:00 in Paris


def stop(day: str, opens: str, closes: str, commune: str = "Comines") -> StopFields:
    return StopFields(
        place_name=f"Parvis de la mairie de {commune}",
        commune=commune,
        insee_code="59152",
        latitude=50.7622,
        longitude=3.0083,
        day=date.fromisoformat(day),
        opens=opens,
        closes=closes,
    )


def uow_versions(uow: FakeUnitOfWork[FakeCollectionPoint]) -> list[int]:
    """The versions of the place published by the committed units of work, in order."""
    return [event.aggregate_version for event in uow.announced(PlacePublished)]


class Bus:
    """The demo's bus opened as a place, on a unit of work whose clock says Tuesday 9:00."""

    def __init__(self) -> None:
        self.store = FakeCollectionPoint()
        self.clock = FakeClock(TUESDAY_9AM)
        self.uow = FakeUnitOfWork(self.store, self.clock)
        self.id = uuid.uuid4()

    async def opened(self) -> Bus:
        await places.open_place(self.uow, self.id, BUS)
        return self

    async def schedule(self, *stops: StopFields, version: int | None = None) -> list[Stop]:
        _, kept = await places.set_stops(self.uow, self.id, Schedule(stops=list(stops)), version)
        return kept

    def days_and_hours(self) -> list[tuple[str, str, str]]:
        return sorted(
            (stop.day.isoformat(), stop.opens, stop.closes) for stop in self.store.stops[self.id]
        )


async def test_a_bus_s_stops_are_kept_in_time_order_and_the_place_is_published_again() -> None:
    bus = await Bus().opened()
    stops = await bus.schedule(
        stop("2026-12-10", "14:00", "17:30", "Wavrin"), stop("2026-12-08", "09:30", "12:30")
    )
    assert [(s.day.isoformat(), s.commune) for s in stops] == [
        ("2026-12-08", "Comines"),
        ("2026-12-10", "Wavrin"),
    ]
    assert bus.days_and_hours() == [
        ("2026-12-08", "09:30", "12:30"),
        ("2026-12-10", "14:00", "17:30"),
    ]
    assert uow_versions(bus.uow) == [1, 2]  # opened, then its schedule: its data's date moved


@pytest.mark.parametrize(
    ("stops", "code"),
    [
        ([stop("2026-12-09", "12:30", "09:30")], "places.stop_hours"),
        ([stop("2026-12-09", "10:00", "10:00")], "places.stop_hours"),
        (
            [stop("2026-12-09", "09:30", "12:30"), stop("2026-12-09", "12:00", "14:00", "Wavrin")],
            "places.stop_overlap",
        ),
        ([stop("2026-12-07", "09:30", "12:30")], "places.stop_past"),
        ([stop("2026-12-08", "07:00", "09:00")], "places.stop_past"),  # over at 9:00 today
    ],
)
async def test_a_schedule_breaking_a_rule_is_refused_whole_and_changes_nothing(
    stops: list[StopFields], code: str
) -> None:
    bus = await Bus().opened()
    await bus.schedule(stop("2026-12-11", "09:30", "12:30"))
    with pytest.raises(DomainError) as refused:
        await bus.schedule(stop("2026-12-12", "09:30", "12:30"), *stops)
    assert refused.value.code == code
    assert bus.days_and_hours() == [("2026-12-11", "09:30", "12:30")]
    assert bus.store.places[bus.id].version == 2
    assert uow_versions(bus.uow) == [1, 2]
    assert bus.uow.rollbacks == 1


async def test_a_new_schedule_replaces_the_stops_to_come_and_keeps_those_over() -> None:
    bus = await Bus().opened()
    await bus.schedule(
        stop("2026-12-08", "09:30", "12:30"),
        stop("2026-12-08", "14:00", "17:30"),
        stop("2026-12-09", "09:30", "12:30"),
    )
    bus.clock.advance(timedelta(hours=4))  # 13:00: the morning stop is over
    await bus.schedule(stop("2026-12-08", "14:30", "18:00"), stop("2026-12-10", "09:00", "12:00"))
    assert bus.days_and_hours() == [
        ("2026-12-08", "09:30", "12:30"),
        ("2026-12-08", "14:30", "18:00"),
        ("2026-12-10", "09:00", "12:00"),
    ]


async def test_a_stop_may_not_overlap_one_already_over_today() -> None:
    bus = await Bus().opened()
    await bus.schedule(stop("2026-12-08", "08:00", "09:30"))
    bus.clock.advance(timedelta(hours=1))  # 10:00: that stop is over
    with pytest.raises(DomainError) as refused:
        await bus.schedule(stop("2026-12-08", "09:00", "11:00", "Wavrin"))
    assert refused.value.code == "places.stop_overlap"
    assert refused.value.details["first"] == "Parvis de la mairie de Comines 08:00-09:30"


async def test_only_an_itinerant_place_has_stops_and_an_unknown_place_is_not_found() -> None:
    bus = await Bus().opened()
    library = uuid.uuid4()
    await places.open_place(bus.uow, library, LIBRARY)
    with pytest.raises(DomainError) as fixed:
        await places.set_stops(
            bus.uow, library, Schedule(stops=[stop("2026-12-09", "09:00", "12:00")])
        )
    with pytest.raises(NotFound):
        await places.set_stops(bus.uow, uuid.uuid4(), Schedule(stops=[]))
    assert fixed.value.code == "places.not_itinerant"
    assert bus.store.stops == {}
    assert bus.store.places[library].version == 1


async def test_a_schedule_set_on_a_stale_version_overwrites_nothing() -> None:
    bus = await Bus().opened()
    await bus.schedule(stop("2026-12-09", "09:30", "12:30"), version=1)
    with pytest.raises(Conflict):
        await bus.schedule(stop("2026-12-10", "09:30", "12:30"), version=1)
    assert bus.days_and_hours() == [("2026-12-09", "09:30", "12:30")]


async def test_the_bus_is_open_where_it_stops_and_says_where_it_goes_next() -> None:
    bus = await Bus().opened()
    stops = await bus.schedule(
        stop("2026-12-08", "09:30", "12:30"), stop("2026-12-09", "14:00", "17:30", "Wavrin")
    )
    place = bus.store.places[bus.id]
    at = bus.clock.at
    before = view(place, at, stops)  # 9:00
    during = view(place, at + timedelta(hours=1), stops)  # 10:00
    after_all = view(place, at + timedelta(days=2), stops)
    assert not before.status.open_now and before.at_stop is None
    assert before.status.next_change == stops[0].starts
    assert during.status.open_now and during.at_stop == stops[0]
    assert during.status.next_change == stops[0].ends
    assert [s.commune for s in during.next_stops] == ["Comines", "Wavrin"]
    assert not after_all.status.known and after_all.next_stops == []


async def test_a_bus_made_a_fixed_place_opens_by_its_hours_not_by_its_former_stops() -> None:
    bus = await Bus().opened()
    stops = await bus.schedule(stop("2026-12-08", "09:30", "12:30"))
    fixed = await places.change_place(
        bus.uow,
        bus.id,
        msgspec.structs.replace(BUS, kind="town_hall", opening_hours="Tu 14:00-17:00"),
    )
    ten_o_clock = TUESDAY_9AM + timedelta(hours=1)
    assert view(fixed, ten_o_clock, stops).at_stop is None
    assert not view(fixed, ten_o_clock, stops).status.open_now
    assert view(fixed, ten_o_clock + timedelta(hours=5), stops).status.open_now
