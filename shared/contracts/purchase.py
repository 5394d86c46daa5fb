"""Events published by ``group_purchase`` on ``purchase.>``: reservations and hand-overs of
devices, and group-purchase campaigns.

A device's events have the device id as ``aggregate_id``; a campaign's (``purchase.campaign.*``)
have the campaign id. A household appears only as an opaque reference, never by name,
address, phone, commune or situation.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
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


# Trainings of the people who hold accounts: the account id and the training's reference,
# course and validity only (the person's name and the trainer stay in group_purchase).

TrainingReference = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


@registry.register
class TrainingRecorded(Event, frozen=True, kw_only=True):
    """An administrator recorded a training someone followed; ``aggregate_id`` is the
    training's id. A workshop lets only people whose erasure training (course
    ``data_erasure``) is valid that day record or validate a certified erasure."""

    subject = "purchase.training.recorded"
    description = "A person's training was recorded: account id, course, reference, validity."

    account_id: uuid.UUID
    course: str
    reference: TrainingReference
    valid_from: date
    valid_until: date


# Group-purchase campaigns: every event's ``aggregate_id`` is the campaign id, its
# ``aggregate_version`` the campaign's version after the step. Counts and amounts only (cents
# of a euro); a household appears at most as its opaque reference.


@registry.register
class CampaignOpened(Event, frozen=True, kw_only=True):
    """A group-purchase campaign opened to pledges."""

    subject = "purchase.campaign.opened"
    description = "A group-purchase campaign opened to pledges."

    device_type: str
    supplier_id: uuid.UUID
    minimum_quantity: int
    maximum_quantity: int
    deadline: datetime
    deadline_policy: str


@registry.register
class PledgeMade(Event, frozen=True, kw_only=True):
    """A social worker pledged a waiting need to an open campaign."""

    subject = "purchase.campaign.pledge_made"
    description = "A waiting need was pledged to a group-purchase campaign."

    pledge_id: uuid.UUID
    household_reference: HouseholdReference
    pledged: int
    unit_price_cents: int


@registry.register
class PledgeReleased(Event, frozen=True, kw_only=True):
    """A pledge was withdrawn (by its social worker, or because the campaign was cancelled or
    the delivery fell short): its need waits again."""

    subject = "purchase.campaign.pledge_released"
    description = "A pledge was withdrawn; its need waits for a device again."

    pledge_id: uuid.UUID
    reason: str
    pledged: int


@registry.register
class CampaignThresholdReached(Event, frozen=True, kw_only=True):
    """The supplier's minimum quantity is pledged: the campaign can be ordered."""

    subject = "purchase.campaign.threshold_reached"
    description = "A group-purchase campaign reached its supplier's minimum quantity."

    pledged: int
    minimum_quantity: int
    unit_price_cents: int


@registry.register
class CampaignExtended(Event, frozen=True, kw_only=True):
    """The deadline passed below the minimum; the campaign's policy extended it once."""

    subject = "purchase.campaign.extended"
    description = "A campaign missed its minimum at the deadline and was extended once."

    deadline: datetime
    pledged: int
    minimum_quantity: int


@registry.register
class CampaignCancelled(Event, frozen=True, kw_only=True):
    """The campaign was cancelled (its minimum missed, or by coordination); pledges released."""

    subject = "purchase.campaign.cancelled"
    description = "A group-purchase campaign was cancelled and its pledges released."

    reason: str
    pledges_released: int


@registry.register
class CampaignOrdered(Event, frozen=True, kw_only=True):
    """The purchase order went to the supplier (amounts in cents; total = contributions +
    subsidy)."""

    subject = "purchase.campaign.ordered"
    description = "A group-purchase campaign was ordered from its supplier."

    order_number: str
    quantity: int
    unit_price_cents: int
    total_cents: int
    contributions_cents: int
    subsidy_cents: int


@registry.register
class CampaignReceived(Event, frozen=True, kw_only=True):
    """The delivery was registered; ``discrepancy`` when it did not match the order."""

    subject = "purchase.campaign.received"
    description = "The devices of a group-purchase campaign were delivered and registered."

    ordered: int
    delivered: int
    allocated: int
    discrepancy: bool = False


@registry.register
class CampaignClosed(Event, frozen=True, kw_only=True):
    """The campaign is over."""

    subject = "purchase.campaign.closed"
    description = "A group-purchase campaign was closed."
