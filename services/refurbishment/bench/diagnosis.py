"""A device's diagnosis and repairs at the bench (pure): what it is made of and what works,
taken before it is graded, then what was done to make it work."""

from __future__ import annotations

import typing
from typing import Annotated, Literal

import msgspec

from services.refurbishment.bench.lshw import MediumType
from shared.contracts.refurbishment import SpecsSummary

FunctionalCheck = Literal[
    "power", "screen", "keyboard", "touchpad", "ports", "wifi", "battery", "camera_audio"
]
FUNCTIONAL_CHECKS: tuple[str, ...] = typing.get_args(FunctionalCheck)
CheckOutcome = Literal["pass", "fail"]
KeyboardLayout = Literal["", "azerty_fr", "azerty_be", "qwerty_us", "qwerty_uk", "qwertz", "other"]
KEYBOARD_LAYOUTS: tuple[str, ...] = typing.get_args(KeyboardLayout)
STORAGE_KINDS: tuple[str, ...] = typing.get_args(MediumType)
RepairKind = Literal["replacement", "cleaning", "software", "adjustment", "soldering", "other"]
REPAIR_KINDS: tuple[str, ...] = typing.get_args(RepairKind)
PartSource = Literal["parts_bin", "bought"]
PART_SOURCES: tuple[str, ...] = typing.get_args(PartSource)

Short = Annotated[str, msgspec.Meta(max_length=100)]


class StorageSpec(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: MediumType
    size_gb: Annotated[int, msgspec.Meta(ge=0, le=100_000)]


class Diagnosis(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Specs, a pass or a fail per functional test (absent: not tested or not applicable)
    and cosmetic notes. The notes stay at the workshop: they are never published."""

    brand: Short = ""
    model: Short = ""
    processor: Annotated[str, msgspec.Meta(max_length=200)] = ""
    memory_gb: Annotated[int, msgspec.Meta(ge=0, le=4096)] | None = None
    storage: Annotated[list[StorageSpec], msgspec.Meta(max_length=8)] = msgspec.field(
        default_factory=list
    )
    screen_inches: Annotated[float, msgspec.Meta(ge=0, le=100)] | None = None
    operating_system: Short = ""
    battery_health: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    keyboard_layout: KeyboardLayout = ""
    tests: dict[FunctionalCheck, CheckOutcome] = msgspec.field(default_factory=dict)
    cosmetic_notes: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    minutes: Annotated[int, msgspec.Meta(ge=1, le=10_000)] | None = None  # time it took

    @property
    def failed_tests(self) -> list[str]:
        return [check for check, outcome in self.tests.items() if outcome == "fail"]

    @property
    def storage_gb(self) -> int:
        return sum(medium.size_gb for medium in self.storage)


def specs_of(diagnosis: Diagnosis) -> SpecsSummary:
    return SpecsSummary(
        brand=diagnosis.brand,
        model=diagnosis.model,
        processor=diagnosis.processor,
        memory_gb=diagnosis.memory_gb or 0,
        storage_gb=diagnosis.storage_gb,
        screen_inches=diagnosis.screen_inches or 0.0,
        operating_system=diagnosis.operating_system,
    )


def grade_prefill(diagnosis: Diagnosis) -> dict[str, str]:
    """What the grade form starts from once the device is diagnosed: its specs, its battery,
    and "tests passed" only when some were made and none failed."""
    functional = ""
    if diagnosis.tests:
        functional = "no" if diagnosis.failed_tests else "yes"
    specs = msgspec.to_builtins(specs_of(diagnosis))
    filled = {name: str(value) for name, value in specs.items() if value}
    if diagnosis.battery_health is not None:
        filled["battery_health"] = str(diagnosis.battery_health)
    if functional:
        filled["functional_pass"] = functional
    return filled


class RepairAction(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: RepairKind
    description: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]


class PartUsed(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A spare part: from the workshop's parts bin (often taken from a dismantled device) or
    bought; its cost in euro cents when known."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    source: PartSource
    cost_cents: Annotated[int, msgspec.Meta(ge=0, le=10_000_000)] | None = None


class Repair(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One repair session on a device: what was done, the parts used and the time spent."""

    actions: Annotated[list[RepairAction], msgspec.Meta(min_length=1, max_length=20)]
    parts: Annotated[list[PartUsed], msgspec.Meta(max_length=20)] = msgspec.field(
        default_factory=list
    )
    minutes: Annotated[int, msgspec.Meta(ge=1, le=10_000)]
