"""Pure rules of the collection point: what an intake is and what scope reaches a place."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import msgspec

from shared.contracts.collection import DeviceType
from shared.errors import DomainError
from shared.notifications.addresses import Email

PRODUCER = "collection_point"  # the producer every event of this service names

PlaceKind = Literal[
    "library", "town_hall", "social_centre", "neighbourhood_house", "third_place", "mobile"
]


class CollectionPoint(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    kind: PlaceKind
    address: str
    postcode: str
    commune: str


Condition = Literal["good", "worn", "damaged", "does_not_start"]
Accessory = Literal[
    "charger", "power_cable", "case", "keyboard", "mouse", "stylus", "cables", "manual", "other"
]
DonorKind = Literal["individual", "company", "association", "public_body"]
AcknowledgedBy = Literal["donor", "donation_agreement", "not_recorded"]
PARIS = ZoneInfo("Europe/Paris")
ORGANISATIONS: frozenset[str] = frozenset({"company", "association", "public_body"})
ACKNOWLEDGEMENTS = ("data_erasure", "recycling", "stickers_removed")

ShortText = Annotated[str, msgspec.Meta(max_length=80)]
Name = Annotated[str, msgspec.Meta(max_length=120)]
PHONE_PATTERN = r"^\+?[0-9 .()-]{6,29}$"
Phone = Annotated[str, msgspec.Meta(max_length=30, pattern=f"^$|{PHONE_PATTERN}")]
Weight = Annotated[float, msgspec.Meta(gt=0, le=100)]


class Acknowledgements(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What the donor was told and accepted; all three are needed for a donation."""

    data_erasure: bool = False
    """The donor's data will be erased, with a certificate."""
    recycling: bool = False
    """A device that cannot be reused will be recycled."""
    stickers_removed: bool = False
    """The previous owner's stickers and markings were removed."""

    def missing(self) -> list[str]:
        return [name for name in ACKNOWLEDGEMENTS if not getattr(self, name)]


ALL_ACKNOWLEDGED = Acknowledgements(data_erasure=True, recycling=True, stickers_removed=True)


class DonorContact(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Whom to send a receipt to. Personal data: kept by the collection point only."""

    name: Name = ""
    """A person's name or an organisation's."""
    email: Email = ""
    phone: Phone = ""
    news: bool = False
    """The donor wants news of the device by mail (at ``email``): when it is ready for a
    household, and when it found one. Off unless the donor asks; each mail stops it."""

    def is_empty(self) -> bool:
        return not (self.name.strip() or self.email or self.phone.strip() or self.news)


class IntakeCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What the agent at the counter sends: the scanned or typed label, the type, the place,
    the donor's acknowledgements, and whatever else the agent noted (all optional)."""

    label: str = msgspec.field()
    device_type: DeviceType
    collection_point_id: uuid.UUID
    acknowledgements: Acknowledgements | None = None
    brand: ShortText = ""
    model: ShortText = ""
    serial_number: ShortText = ""
    condition: Condition | None = None
    accessories: Annotated[list[Accessory], msgspec.Meta(max_length=9)] = msgspec.field(
        default_factory=list
    )
    weight_kg: Weight | None = None
    donor_kind: DonorKind | None = None
    donor_reference: ShortText = ""
    """For a donation receipt: the company, association or public body, as the agent types it
    (by default the contact's name)."""
    contact: DonorContact | None = None


class IntakeDetails(msgspec.Struct, frozen=True, kw_only=True):
    """What was noted about a device and its donor, checked and tidied (no contact)."""

    brand: str = ""
    model: str = ""
    serial_number: str = ""
    condition: Condition | None = None
    accessories: list[Accessory] = msgspec.field(default_factory=list)
    weight_kg: float | None = None
    donor_kind: DonorKind | None = None
    donor_reference: str = ""
    acknowledged_by: AcknowledgedBy = "not_recorded"


def details_of(command: IntakeCreate) -> tuple[IntakeDetails, DonorContact | None]:
    """The details to record and the contact to keep aside, once the donor's acknowledgements
    and the donor reference are checked."""
    acknowledgements = command.acknowledgements or Acknowledgements()
    missing = acknowledgements.missing()
    if missing:
        raise AcknowledgementsMissing(missing)
    contact = command.contact
    if contact is not None:
        contact = DonorContact(
            name=contact.name.strip(),
            email=contact.email.strip(),
            phone=contact.phone.strip(),
            news=contact.news,
        )
        if contact.news and not contact.email:
            raise NewsWithoutAddress()
        if contact.is_empty():
            contact = None
    reference = command.donor_reference.strip()
    if reference and command.donor_kind not in ORGANISATIONS:
        raise DonorReferenceNotForIndividuals()
    if not reference and command.donor_kind in ORGANISATIONS and contact is not None:
        reference = contact.name[:80]
    details = IntakeDetails(
        brand=command.brand.strip(),
        model=command.model.strip(),
        serial_number=command.serial_number.strip(),
        condition=command.condition,
        accessories=list(dict.fromkeys(command.accessories)),
        weight_kg=command.weight_kg,
        donor_kind=command.donor_kind,
        donor_reference=reference,
        acknowledged_by="donor",
    )
    return details, contact


class Intake(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    device_id: uuid.UUID
    label: str
    label_display: str
    device_type: DeviceType
    collection_point_id: uuid.UUID
    received_by: str
    received_at: datetime
    inventory_state: str | None = None
    """The device's lifecycle state as inventory last announced it; empty until registered."""
    brand: str = ""
    model: str = ""
    serial_number: str = ""
    condition: Condition | None = None
    accessories: list[Accessory] = msgspec.field(default_factory=list)
    weight_kg: float | None = None
    donor_kind: DonorKind | None = None
    donor_reference: str = ""
    acknowledged_by: AcknowledgedBy = "not_recorded"


def point_scope(collection_point_id: uuid.UUID) -> str:
    """The token scope that lets a collector act for one collection point."""
    return f"collection_point:{collection_point_id}"


class TypeNotAccepted(DomainError):
    def __init__(self, device_type: str, accepted: list[str]) -> None:
        super().__init__(
            f"This collection point does not take {device_type} devices; it takes "
            f"{', '.join(accepted)}. Send the donor to another point (see /lieux).",
            code="counter.type_not_accepted",
            type=device_type,
            accepted=accepted,
        )


class AcknowledgementsMissing(DomainError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            "The donor's acknowledgements are missing: "
            f"{', '.join(missing)}. Tell the donor that their data will be erased, that a device "
            "that cannot be reused is recycled and that their stickers must be removed, then "
            'send "acknowledgements": {"data_erasure": true, "recycling": true, '
            '"stickers_removed": true}. Nothing was registered.',
            code="counter.acknowledgements",
            missing=missing,
        )


class LabelVoided(DomainError):
    def __init__(self, code_display: str, voided_at: datetime) -> None:
        super().__init__(
            f"The label {code_display} was voided on {voided_at.astimezone(PARIS):%d/%m/%Y}: "
            "take a fresh label "
            "and attach it to this device.",
            code="counter.label_voided",
            label=code_display,
            voided_on=voided_at.astimezone(PARIS).date(),
        )


class LabelNeverIssued(DomainError):
    """A well-formed code that belongs to no batch: mistyped, or not a Boucle label."""

    def __init__(self, code_display: str) -> None:
        super().__init__(
            f"The label {code_display} was never printed by Boucle: check the characters under "
            "the QR code, or take a label from your roll.",
            code="counter.label_never_issued",
            label=code_display,
        )


class DonorReferenceNotForIndividuals(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "A donor reference is for a donation receipt to a company, an association or a "
            "public body: set donor_kind accordingly, or leave donor_reference empty.",
            code="counter.donor_reference",
        )


class NewsWithoutAddress(DomainError):
    """The donor wants news of the device, but left no address to send it to."""

    def __init__(self) -> None:
        message = (
            "The donor asked for news of the device by e-mail but left no address: add "
            "contact.email, or send contact.news false. Nothing was registered."
        )
        super().__init__(message, code="counter.news_without_email")
        self.details["errors"] = [
            {"key": "contact.email", "source": "body", "code": self.code, "message": message}
        ]
