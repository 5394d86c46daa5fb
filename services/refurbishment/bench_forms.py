"""The bench pages' forms read into the bench's commands; a field that cannot be read says
which one and why, so the page can show the message next to it."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import msgspec

from services.refurbishment.bench import ErasurePreparation, GradeGiven, Recycling
from services.refurbishment.diagnosis import (
    FUNCTIONAL_CHECKS,
    KEYBOARD_LAYOUTS,
    PART_SOURCES,
    REPAIR_KINDS,
    STORAGE_KINDS,
    Diagnosis,
    PartUsed,
    Repair,
    RepairAction,
    StorageSpec,
)
from services.refurbishment.erasure import (
    PHONE_LIKE,
    Level,
    MediaType,
    MediumErasure,
    Method,
    PhoneChecklist,
    Verification,
)
from services.refurbishment.lshw import Specs
from shared.contracts.refurbishment import SpecsSummary
from shared.web.pages import TIMEZONE

MEDIA_TYPES: tuple[str, ...] = typing.get_args(MediaType)
LEVELS: tuple[str, ...] = typing.get_args(Level)
METHODS: tuple[str, ...] = typing.get_args(Method)
VERIFICATIONS: tuple[str, ...] = typing.get_args(Verification)
GRADES = ("A", "B", "C")
BARRIERS = (1, 2, 3, 4, 5, 6)
CHECKLIST: tuple[str, ...] = tuple(PhoneChecklist.__struct_fields__)
SPEC_FIELDS = (
    "brand",
    "model",
    "processor",
    "memory_gb",
    "storage_gb",
    "screen_inches",
    "operating_system",
)


class FieldProblem(Exception):
    """One field of a form that cannot be read: the message key and the field's name."""

    def __init__(self, field: str, key: str, **values: Any) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key
        self.values = values


def _text(form: Mapping[str, str], name: str, required: bool = False, limit: int = 200) -> str:
    value = form.get(name, "").strip()
    if required and not value:
        raise FieldProblem(name, "bench.field.required")
    if len(value) > limit:
        raise FieldProblem(name, "bench.field.too_long", limit=limit)
    return value


def _choice(form: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = form.get(name, "").strip()
    if value not in choices:
        raise FieldProblem(name, "bench.field.choose")
    return value


def _moment(form: Mapping[str, str], name: str) -> datetime:
    """A ``datetime-local`` value, typed in the metropolis' time, stored in UTC."""
    value = _text(form, name, required=True)
    try:
        typed = datetime.fromisoformat(value)
    except ValueError:
        raise FieldProblem(name, "bench.field.moment") from None
    if typed.tzinfo is None:
        typed = typed.replace(tzinfo=TIMEZONE)
    return typed.astimezone(UTC)


def _whole(form: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise FieldProblem(name, "bench.field.number", low=low, high=high) from None
    if not low <= number <= high:
        raise FieldProblem(name, "bench.field.number", low=low, high=high)
    return number


def erasure_from(
    form: Mapping[str, str], device_type: str, tool_log_sha256: str = ""
) -> ErasurePreparation:
    """One medium's erasure (and a phone's checklist) as typed on the work order page."""
    medium = MediumErasure(
        media_type=_choice(form, "media_type", MEDIA_TYPES),  # type: ignore[arg-type]
        manufacturer=_text(form, "manufacturer"),
        model=_text(form, "model"),
        serial=_text(form, "serial"),
        level=_choice(form, "level", LEVELS),  # type: ignore[arg-type]
        method=_choice(form, "method", METHODS),  # type: ignore[arg-type]
        tool=_text(form, "tool", required=True),
        tool_version=_text(form, "tool_version", limit=60),
        verification=_choice(form, "verification", VERIFICATIONS),  # type: ignore[arg-type]
        started_at=_moment(form, "started_at"),
        ended_at=_moment(form, "ended_at"),
        tool_log_sha256=tool_log_sha256 or _text(form, "tool_log_sha256", limit=64).lower(),
    )
    checklist = None
    if device_type in PHONE_LIKE:
        checklist = PhoneChecklist(**{step: form.get(step) == "yes" for step in CHECKLIST})
    return ErasurePreparation(media=[medium], phone_checklist=checklist)


def _decimal(form: Mapping[str, str], name: str, high: float) -> float | None:
    """A decimal number typed with a comma or a point; empty is None."""
    value = form.get(name, "").strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= high:  # also refuses "nan" and "inf", which float() reads
        raise FieldProblem(name, "bench.field.decimal")
    return number


def grade_from(form: Mapping[str, str]) -> GradeGiven:
    functional = _choice(form, "functional_pass", ("yes", "no"))
    inches = _decimal(form, "screen_inches", 100.0) or 0.0
    specs = SpecsSummary(
        brand=_text(form, "brand", limit=100),
        model=_text(form, "model", limit=100),
        processor=_text(form, "processor", limit=200),
        memory_gb=_whole(form, "memory_gb", 0, 4096) or 0,
        storage_gb=_whole(form, "storage_gb", 0, 100_000) or 0,
        screen_inches=inches,
        operating_system=_text(form, "operating_system", limit=100),
    )
    return GradeGiven(
        grade=_choice(form, "grade", GRADES),  # type: ignore[arg-type]
        functional_pass=functional == "yes",
        battery_health=_whole(form, "battery_health", 0, 100),
        specs=specs,
    )


def recycling_from(form: Mapping[str, str]) -> Recycling:
    barrier = _choice(form, "barrier", tuple(str(code) for code in BARRIERS))
    reason = _text(form, "reason", required=True, limit=500)
    if len(reason) < 3:
        raise FieldProblem("reason", "bench.field.reason_short")
    return Recycling(barrier=int(barrier), reason=reason)  # type: ignore[arg-type]


STORAGE_ROWS = (1, 2)  # the diagnosis form's storage media; the JSON API takes up to 8


def diagnosis_from(form: Mapping[str, str]) -> Diagnosis:
    """The diagnosis as typed: specs, a result per functional test, cosmetic notes."""
    storage = []
    for row in STORAGE_ROWS:
        size = _whole(form, f"storage_gb_{row}", 0, 100_000)
        kind = form.get(f"storage_kind_{row}", "").strip()
        if size is None and not kind:
            continue
        if size is None:
            raise FieldProblem(f"storage_gb_{row}", "bench.field.required")
        medium_kind: Any = _choice(form, f"storage_kind_{row}", STORAGE_KINDS)
        storage.append(StorageSpec(kind=medium_kind, size_gb=size))
    tests: dict[Any, Any] = {}
    for check in FUNCTIONAL_CHECKS:
        outcome = _choice(form, f"test_{check}", ("", "pass", "fail"))
        if outcome:
            tests[check] = outcome
    layout: Any = _choice(form, "keyboard_layout", KEYBOARD_LAYOUTS)
    return Diagnosis(
        brand=_text(form, "brand", limit=100),
        model=_text(form, "model", limit=100),
        processor=_text(form, "processor", limit=200),
        memory_gb=_whole(form, "memory_gb", 0, 4096),
        storage=storage,
        screen_inches=_decimal(form, "screen_inches", 100.0),
        operating_system=_text(form, "operating_system", limit=100),
        battery_health=_whole(form, "battery_health", 0, 100),
        keyboard_layout=layout,
        tests=tests,
        cosmetic_notes=_text(form, "cosmetic_notes", limit=1000),
    )


def diagnosis_form(diagnosis: Diagnosis) -> dict[str, str]:
    """A saved diagnosis as the form's fields, to correct it."""
    fields = {
        name: str(value)
        for name, value in msgspec.to_builtins(diagnosis).items()
        if isinstance(value, str | int | float) and value != ""
    }
    for row, medium in zip(STORAGE_ROWS, diagnosis.storage, strict=False):
        fields[f"storage_kind_{row}"] = medium.kind
        fields[f"storage_gb_{row}"] = str(medium.size_gb)
    for check, outcome in diagnosis.tests.items():
        fields[f"test_{check}"] = outcome
    return fields


def specs_form(specs: Specs) -> dict[str, str]:
    """What ``lshw -json`` told, as the diagnosis form's fields (the person checks and
    completes)."""
    fields = {
        "brand": specs.vendor,
        "model": specs.model,
        "processor": specs.cpu,
        "memory_gb": str(specs.ram_gib or ""),
    }
    for row, medium in zip(STORAGE_ROWS, specs.storage, strict=False):
        fields[f"storage_kind_{row}"] = medium.kind
        fields[f"storage_gb_{row}"] = str(medium.size_gb)
    return fields


def _cents(form: Mapping[str, str], name: str) -> int | None:
    euros = _decimal(form, name, 100_000.0)
    return None if euros is None else round(euros * 100)


def repair_from(form: Mapping[str, str]) -> Repair:
    """One repair as typed: an action, at most one part, the minutes spent."""
    description = _text(form, "description", required=True, limit=500)
    if len(description) < 3:
        raise FieldProblem("description", "bench.field.reason_short")
    kind: Any = _choice(form, "kind", REPAIR_KINDS)
    action = RepairAction(kind=kind, description=description)
    parts = []
    part_name = _text(form, "part_name", limit=200)
    if part_name:
        source: Any = _choice(form, "part_source", PART_SOURCES)
        parts.append(PartUsed(name=part_name, source=source, cost_cents=_cents(form, "part_cost")))
    minutes = _whole(form, "minutes", 1, 10_000)
    if minutes is None:
        raise FieldProblem("minutes", "bench.field.required")
    return Repair(actions=[action], parts=parts, minutes=minutes)


def typed_back(form: Mapping[str, str]) -> dict[str, str]:
    """The form as typed, to show it again with the refusal (never the security token)."""
    return {key: value for key, value in form.items() if not key.startswith("_")}


def choices(t: Any) -> dict[str, list[tuple[str, str]]]:
    """The options of the diagnosis and repair forms, in the person's language."""
    return {
        "functional_checks": [(check, t(f"bench.test.{check}")) for check in FUNCTIONAL_CHECKS],
        "keyboard_layouts": [
            (layout, t(f"bench.keyboard.{layout}")) for layout in KEYBOARD_LAYOUTS
        ],
        "storage_kinds": [(kind, t(f"bench.storage_kind.{kind}")) for kind in STORAGE_KINDS],
        "repair_kinds": [(kind, t(f"bench.repair.kind.{kind}")) for kind in REPAIR_KINDS],
    }
