"""Certified data erasure: the rules a certificate must satisfy (NIST SP 800-88 Appendix G,
décret 2022-190). Pure: no I/O; the use cases store what these functions accept."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

from shared.errors import DomainError
from shared.trainings import ERASURE_COURSE, valid_on

Level = Literal["clear", "purge", "destroy"]
Method = Literal[
    "overwrite",
    "block_erase",
    "crypto_erase",
    "sanitize",
    "factory_reset",
    "degauss",
    "physical_destruction",
]
MediaType = Literal["magnetic", "flash", "hybrid"]
Verification = Literal["full", "quick_sampling", "other"]
PHONE_LIKE = frozenset({"smartphone", "tablet"})

METHODS_BY_LEVEL: dict[str, frozenset[str]] = {
    "clear": frozenset({"overwrite", "factory_reset"}),
    "purge": frozenset({"block_erase", "crypto_erase", "sanitize", "degauss"}),
    "destroy": frozenset({"physical_destruction"}),
}


class ErasureRefused(DomainError):
    """A certificate that would not prove the data is gone: nothing is recorded."""


class Officer(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    roles: tuple[str, ...]
    training: str = ""  # the reference of the erasure training valid when they signed

    @property
    def is_erasure_officer(self) -> bool:
        return "erasure_officer" in self.roles


class MediumErasure(msgspec.Struct, frozen=True, kw_only=True):
    media_type: MediaType
    manufacturer: str = ""
    model: str = ""
    serial: str = ""
    level: Level
    method: Method
    tool: str
    tool_version: str = ""
    verification: Verification
    started_at: datetime
    ended_at: datetime
    tool_log_sha256: str = ""


class PhoneChecklist(msgspec.Struct, frozen=True, kw_only=True):
    """What a phone or tablet needs beyond a factory reset (no open tool records this)."""

    factory_reset: bool
    accounts_and_activation_lock_removed: bool
    sim_removed: bool
    memory_card_removed: bool
    mdm_checked: bool


class Certificate(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    device_label: str
    device_type: str
    media: tuple[MediumErasure, ...]
    phone_checklist: PhoneChecklist | None
    performed_by: Officer
    validated_by: Officer
    issued_at: datetime


def certify(
    certificate_id: uuid.UUID,
    device_label: str,
    device_type: str,
    media: tuple[MediumErasure, ...],
    phone_checklist: PhoneChecklist | None,
    performed_by: Officer,
    validated_by: Officer,
    issued_at: datetime,
) -> Certificate:
    """Accept a certificate only if every rule holds; otherwise say which one does not."""
    _check_people(performed_by, validated_by)
    check_media(device_type, media, phone_checklist)
    return Certificate(
        id=certificate_id,
        device_label=device_label,
        device_type=device_type,
        media=media,
        phone_checklist=phone_checklist,
        performed_by=performed_by,
        validated_by=validated_by,
        issued_at=issued_at,
    )


def check_media(
    device_type: str, media: tuple[MediumErasure, ...], phone_checklist: PhoneChecklist | None
) -> None:
    """The rules on what was erased and how, checked as soon as an erasure is recorded."""
    if not media:
        raise ErasureRefused(
            "A certificate lists at least one storage medium; for a device with none, an "
            "erasure officer states “no storage” instead.",
            code="bench.no_media",
        )
    for index, medium in enumerate(media, start=1):
        _check_medium(index, medium)
    if device_type in PHONE_LIKE:
        _check_phone(phone_checklist)


def _check_people(performed_by: Officer, validated_by: Officer) -> None:
    if not performed_by.is_erasure_officer:
        raise ErasureRefused(
            f"{performed_by.name} is not an erasure officer: only trained erasure officers "
            "certify an erasure (a refurbisher may prepare it).",
            code="bench.officers_only",
        )
    if not validated_by.is_erasure_officer:
        raise ErasureRefused(
            f"{validated_by.name} is not an erasure officer and cannot validate.",
            code="bench.officers_only",
        )
    if validated_by.id == performed_by.id:
        raise ErasureRefused(
            "The erasure must be validated by a second erasure officer, not by the person "
            "who did it.",
            code="bench.own_erasure",
        )


def _check_medium(index: int, medium: MediumErasure) -> None:
    where = f"Medium {index}" + (f" ({medium.serial})" if medium.serial else "")
    if medium.method not in METHODS_BY_LEVEL[medium.level]:
        allowed = ", ".join(sorted(METHODS_BY_LEVEL[medium.level]))
        raise ErasureRefused(
            f"{where}: “{medium.method}” is not a {medium.level} method (use {allowed}).",
            code="bench.method_level",
        )
    if medium.media_type in {"flash", "hybrid"} and medium.method == "overwrite":
        raise ErasureRefused(
            f"{where}: overwriting does not reach all of a flash memory's cells; use the "
            "drive's sanitize or cryptographic erase (NIST SP 800-88, ANSSI).",
            code="bench.flash_overwrite",
        )
    if medium.ended_at <= medium.started_at:
        raise ErasureRefused(
            f"{where}: the erasure must end after it started.", code="bench.end_before_start"
        )
    if medium.tool_log_sha256 and len(medium.tool_log_sha256) != 64:
        raise ErasureRefused(
            f"{where}: the tool log hash must be a SHA-256 (64 hex digits).",
            code="bench.log_hash",
        )


def _check_phone(checklist: PhoneChecklist | None) -> None:
    missing = (
        [name for name, done in msgspec.structs.asdict(checklist).items() if not done]
        if checklist
        else list(PhoneChecklist.__struct_fields__)
    )
    if missing:
        raise ErasureRefused(
            "For a phone or tablet, every checklist step must be done: "
            + ", ".join(name.replace("_", " ") for name in missing)
            + ".",
            code="bench.phone_checklist",
        )


def state_no_storage(officer: Officer) -> None:
    """Only an erasure officer may state that a device holds no storage at all."""
    if not officer.is_erasure_officer:
        raise ErasureRefused(
            f"{officer.name} is not an erasure officer: only an erasure officer may state "
            "that a device holds no storage.",
            code="bench.officers_only",
        )


class OfficerTraining(msgspec.Struct, frozen=True, kw_only=True):
    """A training of someone's, as group_purchase announced it (no name: the account id)."""

    id: uuid.UUID
    account_id: str
    course: str
    reference: str
    valid_from: date
    valid_until: date


def erasure_training(who: str, trainings: list[OfficerTraining], day: date) -> OfficerTraining:
    """The erasure training that lets ``who`` sign an erasure on ``day`` (the one valid the
    longest), or the refusal: untrained, expired or not valid yet are all refused."""
    valid = [
        training
        for training in trainings
        if training.course == ERASURE_COURSE
        and valid_on(training.valid_from, training.valid_until, day)
    ]
    if not valid:
        raise ErasureRefused(
            f"{who} has no erasure training valid on {day.isoformat()}: an administrator "
            "records the training before its holder records or validates an erasure.",
            code="bench.training_not_valid",
            day=day,
        )
    return max(valid, key=lambda training: (training.valid_until, training.reference))
