"""Events published by ``group_purchase`` on ``purchase.>`` about devices and reservations.

Every event's ``aggregate_id`` is the device id. A household appears only as an opaque
reference, never by name, address or phone.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from shared.contracts.collection import LabelCode
from shared.contracts.refurbishment import Grade, SpecsSummary
from shared.events import Event, registry

HouseholdReference = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


@registry.register
class ReservationRequested(Event, frozen=True, kw_only=True):
    """A social worker's request asks inventory to hold a ready device for a household;
    inventory answers with ``inventory.reservation.confirmed`` or ``…rejected``."""

    subject = "purchase.reservation.requested"
    description = "A request asks inventory to hold a ready device for a household."

    request_id: uuid.UUID
    household_reference: HouseholdReference


@registry.register
class ReservationReleased(Event, frozen=True, kw_only=True):
    """The request no longer needs the device it had reserved."""

    subject = "purchase.reservation.released"
    description = "A request gave up the device it had reserved."

    request_id: uuid.UUID


@registry.register
class DeviceHandedOver(Event, frozen=True, kw_only=True):
    """The reserved device was handed over to the household of the request."""

    subject = "purchase.device.handed_over"
    description = "The reserved device was handed over to the household of the request."

    request_id: uuid.UUID


@registry.register
class DeviceReturned(Event, frozen=True, kw_only=True):
    """A household brought a delivered device back; it goes through refurbishment again."""

    subject = "purchase.device.returned"
    description = "A household brought a delivered device back."

    reason: str = ""


@registry.register
class PurchasedDeviceReceived(Event, frozen=True, kw_only=True):
    """A device bought in a group-purchase campaign was delivered and labelled: inventory
    registers it as ``ready`` (source ``purchase``, no refurbishment needed) and, when
    ``request_id`` is set, reserves it at once for the need that was pledged."""

    subject = "purchase.device.received"
    description = "A device bought in a group purchase was delivered, labelled and is ready."

    label: LabelCode
    device_type: str
    grade: Grade = "A"
    specs: SpecsSummary = msgspec.field(default_factory=SpecsSummary)
    campaign_id: uuid.UUID
    place_name: str = ""
    request_id: uuid.UUID | None = None
    household_reference: str = ""
