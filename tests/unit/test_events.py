"""Event envelope and registry."""

from __future__ import annotations

import uuid

import pytest

from shared.contracts.collection import DeviceReceived
from shared.events import UndecodableEvent, encode, registry, uuid7


def _received() -> DeviceReceived:
    return DeviceReceived(
        producer="collection_point",
        aggregate_id=uuid7(),
        intake_id=uuid7(),
        label="K7Q2M9XBA",
        device_type="laptop",
        collection_point_id=uuid.uuid4(),
    )


def test_event_ids_are_uuid_version_7_and_sort_by_creation_time() -> None:
    ids = [uuid7() for _ in range(50)]
    assert all(identifier.version == 7 for identifier in ids)
    assert [i.bytes[:6] for i in ids] == sorted(i.bytes[:6] for i in ids)


def test_an_event_round_trips_through_its_subject() -> None:
    event = _received()
    assert registry.decode(event.subject, encode(event)) == event


def test_every_event_carries_the_envelope() -> None:
    body = encode(_received())
    for field in (
        b"event_id",
        b"occurred_at",
        b"producer",
        b"schema_version",
        b"aggregate_id",
        b"aggregate_version",
        b"correlation_id",
    ):
        assert b'"' + field + b'"' in body


def test_a_body_that_breaks_its_contract_is_undecodable() -> None:
    body = encode(_received()).replace(b'"laptop"', b'"toaster"')
    with pytest.raises(UndecodableEvent, match=r"collection\.device\.received"):
        registry.decode("collection.device.received", body)


def test_an_unknown_subject_is_undecodable() -> None:
    with pytest.raises(UndecodableEvent, match="no contract"):
        registry.decode("collection.device.teleported", b"{}")


def test_a_subject_cannot_be_given_two_contracts() -> None:
    class Impostor(DeviceReceived, frozen=True, kw_only=True):
        pass

    with pytest.raises(ValueError, match="registered twice"):
        registry.register(Impostor)
