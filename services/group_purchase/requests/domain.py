"""What a request is made of, what may be asked, and the rules of its needs' lifecycle."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

import msgspec

from services.group_purchase.requests.priority import Situation
from shared.errors import Conflict, DomainError

DeviceType = Literal["laptop", "desktop", "tablet", "smartphone", "monitor", "printer", "other"]
DEVICE_TYPES: tuple[str, ...] = DeviceType.__args__  # type: ignore[attr-defined]
Purpose = Literal["school", "job_search", "procedures", "health", "keeping_in_touch"]
PURPOSES: tuple[str, ...] = Purpose.__args__  # type: ignore[attr-defined]
InternetAccess = Literal["", "home", "phone_only", "none"]
Source = Literal["online", "paper"]
OrganisationKind = Literal["social_service", "association", "school", "other"]

ShortText = Annotated[str, msgspec.Meta(max_length=200)]
Name = Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
Commune = Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
Phone = Annotated[str, msgspec.Meta(max_length=40, pattern=r"^[0-9 +().-]*$")]
# what a refurbished device could possibly have: a minimum beyond this is impossible to meet
MAX_MEMORY_GB = 64
MAX_STORAGE_GB = 4096
MemoryGb = Annotated[int, msgspec.Meta(ge=0, le=MAX_MEMORY_GB)]
StorageGb = Annotated[int, msgspec.Meta(ge=0, le=MAX_STORAGE_GB)]


class NeedStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for a proposal
    PROPOSED = "proposed"  # a device is proposed; a person must confirm or decline it
    RESERVING = "reserving"  # confirmed; inventory has not answered yet
    RESERVED = "reserved"  # the device is held for the household
    HANDED_OVER = "handed_over"
    WAITING = "waiting"  # nothing fits now; proposed again when a device becomes ready
    PLEDGED = "pledged"  # enrolled in a group-purchase campaign: matching leaves it alone
    CANCELLED = "cancelled"
    RETURNED = "returned"


# Devices a month an organisation may ask for: far above any real one, well within the column.
MAX_MONTHLY_QUOTA = 100_000

OPEN_STATUSES = frozenset({NeedStatus.SUBMITTED, NeedStatus.PROPOSED, NeedStatus.WAITING})
ENDED_STATUSES = frozenset({NeedStatus.HANDED_OVER, NeedStatus.CANCELLED, NeedStatus.RETURNED})


class OrganisationCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Name
    kind: OrganisationKind = "social_service"
    contact: ShortText = ""
    commune: Annotated[str, msgspec.Meta(max_length=100)] = ""
    monthly_quota: Annotated[int, msgspec.Meta(ge=0, le=MAX_MONTHLY_QUOTA)] | None = None


class Organisation(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    kind: str
    contact: str
    commune: str
    monthly_quota: int | None = None


class HouseholdCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    organisation_id: uuid.UUID
    commune: Commune
    situation: Situation = msgspec.field(default_factory=Situation)
    existing_equipment: ShortText = ""
    internet_access: InternetAccess = ""
    contact_name: Annotated[str, msgspec.Meta(max_length=120)] = ""
    contact_phone: Phone = ""
    consent: bool = False


class Household(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    reference: str
    organisation_id: uuid.UUID
    commune: str
    situation: Situation
    existing_equipment: str = ""
    internet_access: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    consent_at: datetime
    created_at: datetime
    erased_at: datetime | None = None


class NeedCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    device_type: DeviceType
    purpose: Purpose
    min_memory_gb: MemoryGb = 0
    min_storage_gb: StorageGb = 0
    larger_screen: bool = False
    keyboard_layout: Annotated[str, msgspec.Meta(max_length=40)] = ""
    accessibility_note: ShortText = ""
    pickup_place: ShortText = ""


class RequestCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    household_id: uuid.UUID
    needs: Annotated[list[NeedCreate], msgspec.Meta(min_length=1, max_length=5)]
    source: Source = "online"


class RequestRefused(DomainError):
    """A request that cannot be taken as it is (the message says what to change)."""


class NoLongerValid(Conflict):
    """What the person acts on changed meanwhile (another worker, inventory, expiry)."""


def household_reference() -> str:
    """An opaque reference (``M-`` and 7 readable symbols): the household outside this service."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "M-" + "".join(secrets.choice(alphabet) for _ in range(7))


def check_consent(command: HouseholdCreate) -> None:
    if not command.consent:
        raise RequestRefused(
            "The household's consent is required: explain what is kept and why, then tick "
            "the consent box (a paper form signed by the household counts).",
            code="requests.consent",
            field="consent",
        )


def check_may_confirm(status: NeedStatus) -> None:
    if status != NeedStatus.PROPOSED:
        raise NoLongerValid(
            f"This need is {status.value.replace('_', ' ')}, not waiting for a confirmation: "
            "reload the request to see where it stands.",
            code="requests.not_proposed",
        )


def check_may_hand_over(status: NeedStatus) -> None:
    if status == NeedStatus.HANDED_OVER:
        raise Conflict(
            "This device was already handed over; the receipt can be printed again.",
            code="requests.already_handed_over",
        )
    if status != NeedStatus.RESERVED:
        raise NoLongerValid(
            "Only a reserved device can be handed over: this need is "
            f"{status.value.replace('_', ' ')}.",
            code="requests.not_reserved",
        )


def check_may_cancel(status: NeedStatus) -> None:
    if status in ENDED_STATUSES:
        raise Conflict(
            f"This need is already {status.value.replace('_', ' ')}.",
            code="requests.already_ended",
        )


def check_may_return(status: NeedStatus) -> None:
    if status != NeedStatus.HANDED_OVER:
        raise Conflict(
            "Only a device handed over to the household can be brought back.",
            code="requests.not_handed_over",
        )


def check_quota(organisation: Organisation, used_this_month: int) -> None:
    quota = organisation.monthly_quota
    if quota is not None and used_this_month >= quota:
        raise Conflict(
            f"{organisation.name} has used its quota of {quota} devices this month; the "
            "coordination can raise it, or the request waits until next month.",
            code="requests.quota",
            quota=quota,
            organisation=organisation.name,
        )


def organisation_scope(organisation_id: uuid.UUID) -> str:
    return f"organisation:{organisation_id}"
