"""What a campaign is made of and the rules of its life: draft → open → ordered → received →
closed, or cancelled when its minimum is missed (or a coordinator gives it up)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

import msgspec

from services.group_purchase.campaigns.pricing import (
    ContributionScale,
    PriceTier,
    Quantity,
    check_tiers,
)
from services.group_purchase.requests.domain import (
    DeviceType,
    MemoryGb,
    NeedStatus,
    ShortText,
    StorageGb,
)
from shared.contracts.refurbishment import Grade
from shared.errors import Conflict, DomainError

DeadlinePolicy = Literal["extend_once", "cancel"]
SupplierKind = Literal["refurbisher", "social_enterprise", "other"]
ExtensionDays = Annotated[int, msgspec.Meta(ge=1, le=90)]
GRADE_RANK = {"A": 0, "B": 1, "C": 2}  # A is the best


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # social workers pledge waiting needs
    ORDERED = "ordered"
    RECEIVED = "received"  # devices labelled, registered and reserved for the pledged needs
    CLOSED = "closed"
    CANCELLED = "cancelled"


class DeadlineOutcome(StrEnum):
    REACHED = "reached"  # the minimum is met: a coordinator orders
    EXTENDED = "extended"
    CANCELLED = "cancelled"


class CampaignRefused(DomainError):
    """A campaign step that cannot be taken as asked (the message says what to change)."""


class SupplierCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    kind: SupplierKind = "refurbisher"
    contact: ShortText = ""
    email: Annotated[str, msgspec.Meta(max_length=200)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=40, pattern=r"^[0-9 +().-]*$")] = ""
    terms: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class Supplier(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    kind: str
    contact: str
    email: str
    phone: str
    terms: str


class CampaignCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A draft, or its new content (every field, as a draft is edited as a whole)."""

    title: ShortText = ""
    device_type: DeviceType
    min_memory_gb: MemoryGb = 0
    min_storage_gb: StorageGb = 0
    grade: Grade = "B"
    supplier_id: uuid.UUID | None = None
    supplier_offer: ShortText = ""  # the supplier's quote reference
    tiers: Annotated[list[PriceTier], msgspec.Meta(max_length=20)] = []
    minimum_quantity: Quantity = 1
    maximum_quantity: Quantity = 1
    deadline: datetime | None = None
    extension_days: ExtensionDays = 14
    contribution_scale: ContributionScale | None = None  # None: the published scale
    subsidy_funder: ShortText = ""


class DraftFromShortage(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    device_type: DeviceType


class CampaignOpening(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What happens if the minimum is missed at the deadline, chosen once, when opening."""

    deadline_policy: DeadlinePolicy


class PledgeCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    need_id: uuid.UUID


class DeliveredDevice(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    serial_number: Annotated[str, msgspec.Meta(max_length=80)] = ""
    brand: Annotated[str, msgspec.Meta(max_length=80)] = ""
    model: Annotated[str, msgspec.Meta(max_length=120)] = ""
    processor: Annotated[str, msgspec.Meta(max_length=120)] = ""
    memory_gb: MemoryGb = 0
    storage_gb: StorageGb = 0
    screen_inches: Annotated[float, msgspec.Meta(ge=0, le=100)] = 0.0
    operating_system: Annotated[str, msgspec.Meta(max_length=80)] = ""
    grade: Grade | None = None  # None: the campaign's grade


class Delivery(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    devices: Annotated[list[DeliveredDevice], msgspec.Meta(min_length=1, max_length=2000)]
    place_name: ShortText = ""
    # required when the count differs from the order: why, as on the delivery note
    discrepancy_note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class Campaign(msgspec.Struct, frozen=True, kw_only=True):
    """A campaign as its rules see it (loaded from its row and its tiers)."""

    id: uuid.UUID
    status: CampaignStatus
    version: int
    device_type: str
    min_memory_gb: int
    min_storage_gb: int
    grade: str
    supplier_id: uuid.UUID | None
    minimum_quantity: int
    maximum_quantity: int
    deadline: datetime | None
    deadline_policy: str | None
    extension_days: int
    extended_at: datetime | None
    tiers: tuple[PriceTier, ...]
    scale: ContributionScale


class NeedToPledge(msgspec.Struct, frozen=True, kw_only=True):
    device_type: str
    status: str
    min_memory_gb: int
    min_storage_gb: int


def check_editable(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.DRAFT:
        raise Conflict(
            f"This campaign is {campaign.status.value}: only a draft can be edited.",
            code="campaigns.not_draft",
            status=campaign.status.value,
        )


def check_may_open(campaign: Campaign, now: datetime) -> None:
    check_editable(campaign)
    if campaign.supplier_id is None:
        raise CampaignRefused(
            "Choose the supplier before opening.", code="campaigns.no_supplier", field="supplier_id"
        )
    if campaign.deadline is None or campaign.deadline <= now:
        raise CampaignRefused(
            "Set a deadline in the future before opening.",
            code="campaigns.no_deadline",
            field="deadline",
        )
    check_tiers(campaign.tiers, campaign.minimum_quantity, campaign.maximum_quantity)


def already_pledged() -> Conflict:
    return Conflict("This need is already pledged to a campaign.", code="campaigns.already_pledged")


def check_may_pledge(campaign: Campaign, need: NeedToPledge, pledged: int, now: datetime) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise Conflict(
            f"This campaign is {campaign.status.value}: pledges are taken only while it is open.",
            code="campaigns.not_open",
            status=campaign.status.value,
        )
    if campaign.deadline is not None and now >= campaign.deadline:
        raise Conflict(
            "The deadline of this campaign has passed: no more pledges.",
            code="campaigns.deadline_passed",
        )
    if need.device_type != campaign.device_type:
        raise CampaignRefused(
            f"This need is for a {need.device_type}; the campaign buys {campaign.device_type}s.",
            code="campaigns.wrong_type",
            field="need_id",
            need=need.device_type,
            bought=campaign.device_type,
        )
    if need.status == NeedStatus.PLEDGED:
        raise already_pledged()
    if need.status != NeedStatus.WAITING:
        raise Conflict(
            f"Only a waiting need can be pledged; this one is {need.status.replace('_', ' ')}.",
            code="campaigns.not_waiting",
        )
    _check_specs_serve(campaign, need)
    if pledged >= campaign.maximum_quantity:
        raise Conflict(
            f"The campaign is full: {campaign.maximum_quantity} devices is its maximum.",
            code="campaigns.full",
            maximum=campaign.maximum_quantity,
        )


def _check_specs_serve(campaign: Campaign, need: NeedToPledge) -> None:
    if need.min_memory_gb > campaign.min_memory_gb:
        raise CampaignRefused(
            f"This need asks for at least {need.min_memory_gb} GB of memory; the campaign buys "
            f"devices with {campaign.min_memory_gb} GB.",
            code="campaigns.memory",
            field="need_id",
            asked=need.min_memory_gb,
            bought=campaign.min_memory_gb,
        )
    if need.min_storage_gb > campaign.min_storage_gb:
        raise CampaignRefused(
            f"This need asks for at least {need.min_storage_gb} GB of storage; the campaign "
            f"buys devices with {campaign.min_storage_gb} GB.",
            code="campaigns.storage",
            field="need_id",
            asked=need.min_storage_gb,
            bought=campaign.min_storage_gb,
        )


def check_may_release_pledge(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise Conflict(
            f"This campaign is {campaign.status.value}: a pledge can be withdrawn only "
            "while it is open.",
            code="campaigns.withdraw_closed",
            status=campaign.status.value,
        )


def deadline_outcome(campaign: Campaign, pledged: int, now: datetime) -> DeadlineOutcome | None:
    """What the deadline decides for an open campaign (``None`` before it)."""
    if campaign.status != CampaignStatus.OPEN or campaign.deadline is None:
        return None
    if now < campaign.deadline:
        return None
    if pledged >= campaign.minimum_quantity:
        return DeadlineOutcome.REACHED
    if campaign.deadline_policy == "extend_once" and campaign.extended_at is None:
        return DeadlineOutcome.EXTENDED
    return DeadlineOutcome.CANCELLED


def extended_deadline(campaign: Campaign) -> datetime:
    assert campaign.deadline is not None
    return campaign.deadline + timedelta(days=campaign.extension_days)


def check_may_order(campaign: Campaign, pledged: int) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise Conflict(
            f"This campaign is {campaign.status.value}: it cannot be ordered.",
            code="campaigns.not_orderable",
            status=campaign.status.value,
        )
    if pledged < campaign.minimum_quantity:
        raise Conflict(
            f"{pledged} of the {campaign.minimum_quantity} devices needed are pledged: the "
            "supplier's minimum is not reached yet.",
            code="campaigns.below_minimum",
            pledged=pledged,
            minimum=campaign.minimum_quantity,
        )


def check_delivery(campaign: Campaign, ordered: int, delivery: Delivery) -> None:
    """Refuse a delivery that does not match the order unless someone says why; refuse any
    device below what was bought (nothing is registered then)."""
    if campaign.status != CampaignStatus.ORDERED:
        raise Conflict(
            f"This campaign is {campaign.status.value}: only an ordered campaign "
            "receives its devices.",
            code="campaigns.not_ordered",
            status=campaign.status.value,
        )
    for position, device in enumerate(delivery.devices, start=1):
        _check_device(campaign, position, device)
    delivered = len(delivery.devices)
    if delivered != ordered and not delivery.discrepancy_note.strip():
        more_or_fewer = "more" if delivered > ordered else "fewer"
        raise CampaignRefused(
            f"{delivered} devices delivered but {ordered} ordered ({more_or_fewer} than "
            "ordered): check the delivery note; to register them anyway, say why in "
            "discrepancy_note.",
            code="campaigns.count_differs",
            field="devices",
            ordered=ordered,
            delivered=delivered,
        )


def _check_device(campaign: Campaign, position: int, device: DeliveredDevice) -> None:
    where = f"Device {position}" + (f" ({device.serial_number})" if device.serial_number else "")
    if device.memory_gb < campaign.min_memory_gb or device.storage_gb < campaign.min_storage_gb:
        raise CampaignRefused(
            f"{where} has {device.memory_gb} GB of memory and {device.storage_gb} GB of "
            f"storage; the order asked for at least {campaign.min_memory_gb} and "
            f"{campaign.min_storage_gb}: send it back to the supplier.",
            code="campaigns.device_specs",
            field="devices",
            position=position,
            memory=device.memory_gb,
            storage=device.storage_gb,
            min_memory=campaign.min_memory_gb,
            min_storage=campaign.min_storage_gb,
        )
    grade = device.grade or campaign.grade
    if GRADE_RANK[grade] > GRADE_RANK[campaign.grade]:
        raise CampaignRefused(
            f"{where} is grade {grade}; the order asked for grade {campaign.grade} or better.",
            code="campaigns.device_grade",
            field="devices",
            position=position,
            grade=grade,
            ordered=campaign.grade,
        )


def check_may_close(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.RECEIVED:
        raise Conflict(
            f"This campaign is {campaign.status.value}: it is closed once its devices are "
            "received.",
            code="campaigns.not_received",
            status=campaign.status.value,
        )


def check_may_cancel(campaign: Campaign) -> None:
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        raise Conflict(
            f"This campaign is {campaign.status.value}: only a draft or an open "
            "campaign can be cancelled.",
            code="campaigns.not_cancellable",
            status=campaign.status.value,
        )


def order_number(campaign_id: uuid.UUID, ordered_at: datetime) -> str:
    return f"BC-{ordered_at:%Y%m%d}-{campaign_id.hex[-6:].upper()}"
