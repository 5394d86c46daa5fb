"""The bench pages' forms read into the bench's commands; a field that cannot be read says
which one and why, so the page can show the message next to it."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import msgspec

from services.refurbishment.bench.diagnosis import (
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
from services.refurbishment.bench.domain import (
    Dismantling,
    ErasurePreparation,
    GradeGiven,
)
from services.refurbishment.bench.lshw import Specs
from services.refurbishment.erasure.domain import (
    PHONE_LIKE,
    Level,
    MediaType,
    MediumErasure,
    Method,
    PhoneChecklist,
    Verification,
)
from services.refurbishment.parts.domain import PART_CONDITIONS, PART_KINDS, PartCreate
from shared.contracts.refurbishment import SpecsSummary
from shared.grades import GRADES
from shared.web.form_reading import (
    FieldProblem,
    cents_of,
    checked,
    choice,
    read_form,
    text,
    whole,
)
from shared.web.pages import TIMEZONE

MEDIA_TYPES: tuple[str, ...] = typing.get_args(MediaType)
LEVELS: tuple[str, ...] = typing.get_args(Level)
METHODS: tuple[str, ...] = typing.get_args(Method)
VERIFICATIONS: tuple[str, ...] = typing.get_args(Verification)
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


def _moment(form: Mapping[str, str], name: str) -> datetime:
    """A ``datetime-local`` value, typed in the metropolis' time, stored in UTC."""
    value = text(form, name, required=True)
    try:
        typed = datetime.fromisoformat(value)
    except ValueError:
        raise FieldProblem(name, "bench.field.moment") from None
    if typed.tzinfo is None:
        typed = typed.replace(tzinfo=TIMEZONE)
    return typed.astimezone(UTC)


def erasure_from(
    form: Mapping[str, str], device_type: str, tool_log_sha256: str = ""
) -> ErasurePreparation:
    """One medium's erasure (and a phone's checklist) as typed on the work order page."""
    medium = MediumErasure(
        media_type=choice(form, "media_type", MEDIA_TYPES),  # type: ignore[arg-type]
        manufacturer=text(form, "manufacturer"),
        model=text(form, "model"),
        serial=text(form, "serial"),
        level=choice(form, "level", LEVELS),  # type: ignore[arg-type]
        method=choice(form, "method", METHODS),  # type: ignore[arg-type]
        tool=text(form, "tool", required=True),
        tool_version=text(form, "tool_version", limit=60),
        verification=choice(form, "verification", VERIFICATIONS),  # type: ignore[arg-type]
        started_at=_moment(form, "started_at"),
        ended_at=_moment(form, "ended_at"),
        tool_log_sha256=tool_log_sha256 or text(form, "tool_log_sha256", limit=64).lower(),
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
    """The grade as typed: the grade, whether the tests passed, battery, specs and minutes."""
    functional = choice(form, "functional_pass", ("yes", "no"))
    specs = SpecsSummary(
        brand=text(form, "brand", limit=100),
        model=text(form, "model", limit=100),
        processor=text(form, "processor", limit=200),
        memory_gb=whole(form, "memory_gb", 0, 4096) or 0,
        storage_gb=whole(form, "storage_gb", 0, 100_000) or 0,
        screen_inches=_decimal(form, "screen_inches", 100.0) or 0.0,
        operating_system=text(form, "operating_system", limit=100),
    )
    grade = choice(form, "grade", GRADES)  # left blank, it says "choose", as the radios ask
    return read_form(
        GradeGiven, form, grade=grade, functional_pass=functional == "yes", specs=specs
    )


PART_ROWS = (1, 2, 3)  # the dismantling form's harvested parts; the JSON API takes up to 30


def part_from(form: Mapping[str, str], suffix: str = "") -> PartCreate:
    """One line of parts as typed: ``part_name``, ``part_kind``, ``part_condition`` and
    ``part_quantity`` (each ending in ``suffix``)."""
    names = {name: f"part_{name}{suffix}" for name in PartCreate.__struct_fields__}
    return read_form(PartCreate, form, names)


def dismantling_from(form: Mapping[str, str]) -> Dismantling:
    """Why the device is dismantled and the parts kept (lines left without a name are
    skipped)."""
    parts = [
        part_from(form, f"_{row}") for row in PART_ROWS if form.get(f"part_name_{row}", "").strip()
    ]
    return read_form(Dismantling, form, parts=parts)


STORAGE_ROWS = (1, 2)  # the diagnosis form's storage media; the JSON API takes up to 8


def diagnosis_from(form: Mapping[str, str]) -> Diagnosis:
    """The diagnosis as typed: specs, a result per functional test, cosmetic notes."""
    storage = []
    for row in STORAGE_ROWS:
        size = whole(form, f"storage_gb_{row}", 0, 100_000)
        kind = form.get(f"storage_kind_{row}", "").strip()
        if size is None and not kind:
            continue
        if size is None:
            raise FieldProblem(f"storage_gb_{row}", "form.field.required")
        medium_kind: Any = choice(form, f"storage_kind_{row}", STORAGE_KINDS)
        storage.append(StorageSpec(kind=medium_kind, size_gb=size))
    tests: dict[Any, Any] = {}
    for check in FUNCTIONAL_CHECKS:
        outcome = choice(form, f"test_{check}", ("", "pass", "fail"))
        if outcome:
            tests[check] = outcome
    inches = _decimal(form, "screen_inches", 100.0)
    return read_form(Diagnosis, form, storage=storage, tests=tests, screen_inches=inches)


def diagnosis_form(diagnosis: Diagnosis) -> dict[str, str]:
    """A saved diagnosis as the form's fields, to correct it."""
    fields = {
        name: str(value)
        for name, value in msgspec.to_builtins(diagnosis).items()
        if isinstance(value, str | int | float) and value != "" and name != "minutes"
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
    typed = form.get(name, "").strip()
    if not typed:
        return None
    cents = cents_of(typed)
    if cents is None:
        raise FieldProblem(name, "bench.field.decimal")
    return cents


def repair_from(form: Mapping[str, str]) -> Repair:
    """One repair as typed: an action, at most one part, the minutes spent."""
    description = text(form, "description", required=True, limit=500)
    if len(description) < 3:
        raise FieldProblem("description", "bench.field.reason_short")
    kind: Any = choice(form, "kind", REPAIR_KINDS)
    action = RepairAction(kind=kind, description=description)
    parts = []
    part_name = text(form, "part_name", limit=200)
    if part_name:
        source: Any = choice(form, "part_source", PART_SOURCES)
        parts.append(PartUsed(name=part_name, source=source, cost_cents=_cents(form, "part_cost")))
    minutes = whole(form, "minutes", 1, 10_000)
    if minutes is None:
        raise FieldProblem("minutes", "form.field.required")
    repair = Repair(actions=[action], parts=parts, minutes=minutes)
    return checked(repair, {"parts[0].cost_cents": "part_cost", "parts[0].name": "part_name"})


def choices(t: Any) -> dict[str, list[tuple[str, str]]]:
    """The options of the diagnosis and repair forms, in the person's language."""
    return {
        "functional_checks": [(check, t(f"bench.test.{check}")) for check in FUNCTIONAL_CHECKS],
        "keyboard_layouts": [
            (layout, t(f"bench.keyboard.{layout}")) for layout in KEYBOARD_LAYOUTS
        ],
        "storage_kinds": [(kind, t(f"bench.storage_kind.{kind}")) for kind in STORAGE_KINDS],
        "repair_kinds": [(kind, t(f"bench.repair.kind.{kind}")) for kind in REPAIR_KINDS],
        "part_kinds": [(kind, t(f"parts.kind.{kind}")) for kind in PART_KINDS],
        "part_conditions": [
            (condition, t(f"parts.condition.{condition}")) for condition in PART_CONDITIONS
        ],
    }
