"""What the bench pages show, computed from the work orders as stored: the board's columns
and one work order's steps (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec

from services.refurbishment.bench.diagnosis import Diagnosis, grade_prefill
from services.refurbishment.bench.domain import WorkOrder
from services.refurbishment.erasure.domain import PHONE_LIKE
from shared.auth import Principal
from shared.labels import format_code

COLUMNS = ("to_erase", "to_validate", "to_grade", "to_release")
# Each form of the work order page → the step it belongs to.
FORM_STEPS = {
    "erasure": "erasure",
    "validation": "erasure",
    "no_storage": "erasure",
    "diagnosis": "diagnosis",
    "repair": "repair",
    "grade": "grade",
    "release": "release",
    "recycling": "recycle",
    "dismantling": "dismantle",
}


def next_step(order: Mapping[str, Any]) -> str:
    """Where an open work order stands on the board: the first step still missing."""
    if not order["erased"]:
        return "to_validate" if order["awaiting_validation"] else "to_erase"
    if not order["graded"] or not order["functional_pass"]:
        return "to_grade"
    return "to_release"


def board_columns(orders: Iterable[Mapping[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    columns: dict[str, list[dict[str, Any]]] = {column: [] for column in COLUMNS}
    for order in orders:
        columns[next_step(order)].append(
            {
                "id": order["id"],
                "label": format_code(order["label"]),
                "device_type": order["device_type"],
                "opened_at": order["opened_at"],
                "graded": order["graded"],
                "failed_tests": order["graded"] and not order["functional_pass"],
                "assigned_to": order["assigned_to"],
                "minutes_spent": order["minutes_spent"],
            }
        )
    return list(columns.items())


@dataclass(frozen=True)
class OrderView:
    label: str
    is_phone: bool
    is_officer: bool
    person: str
    closed: bool
    outcome: str
    barrier: str
    opened_at: Any
    closed_at: Any
    certificates: list[Mapping[str, Any]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    grading: Mapping[str, Any] | None = None
    diagnosis: Diagnosis | None = None
    diagnosed_at: Any = None
    repairs: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def erasure_done(self) -> bool:
        return bool(self.certificates)

    @property
    def current_step(self) -> str:
        """The step the person who opens the work order has to do now: erasing first (its
        officers), then diagnosing, grading, repairing what failed, releasing."""
        if not self.erasure_done and self.is_officer:
            return "erasure"
        if self.grading is None:
            return "grade" if self.diagnosis is not None else "diagnosis"
        if not self.grading["functional_pass"]:
            return "repair"
        return "release" if self.erasure_done else "erasure"

    def step_state(self, step: str) -> str:
        """Where ``step`` stands, as its folded title says it: done, to do now, waiting for
        a second officer, to do later, or only if needed."""
        if step == "erasure" and self.pending and not self.erasure_done:
            return "pending"
        finished = {
            "erasure": self.erasure_done,
            "diagnosis": self.diagnosis is not None,
            "grade": self.grading is not None and bool(self.grading["functional_pass"]),
        }
        if finished.get(step):
            return "done"
        if step == self.current_step:
            return "now"
        return "missing" if step in ("erasure", "grade", "release") else "optional"

    def opens(self, step: str, active: str) -> bool:
        """Only one step is open: the one whose form was just refused, else the one to do now
        (the others are folded, each a click away)."""
        return FORM_STEPS.get(active, self.current_step) == step

    @property
    def minutes_spent(self) -> int:
        return sum(int(repair["minutes"]) for repair in self.repairs)

    @property
    def grade_defaults(self) -> dict[str, str]:
        """What the grade form starts from: the grade given, else the diagnosis."""
        if self.grading is not None:
            specs = self.grading["specs"] or {}
            given = {name: str(value) for name, value in specs.items() if value}
            given["grade"] = self.grading["grade"]
            given["functional_pass"] = "yes" if self.grading["functional_pass"] else "no"
            if self.grading["battery_health"] is not None:
                given["battery_health"] = str(self.grading["battery_health"])
            return given
        return grade_prefill(self.diagnosis) if self.diagnosis is not None else {}


def order_view(
    order: WorkOrder,
    stay: Mapping[str, Any] | None,
    erasures: Sequence[Mapping[str, Any]],
    grading: Mapping[str, Any] | None,
    principal: Principal,
    diagnosis: Mapping[str, Any] | None = None,
    repairs: Sequence[Mapping[str, Any]] = (),
) -> OrderView:
    outcome = (stay or {}).get("outcome") or ""
    kind, _, barrier = outcome.partition(":")
    issued = [erasure for erasure in erasures if erasure["issued_at"] is not None]
    pending = [
        {**erasure, "mine": erasure["performed_by"] == principal.sub}
        for erasure in erasures
        if erasure["issued_at"] is None
    ]
    return OrderView(
        label=format_code(order.label),
        is_phone=order.device_type in PHONE_LIKE,
        is_officer="erasure_officer" in principal.roles,
        person=principal.sub,
        closed=order.closed,
        outcome=kind,
        barrier=barrier,
        opened_at=(stay or {}).get("opened_at"),
        closed_at=(stay or {}).get("closed_at"),
        certificates=issued,
        pending=pending,
        grading=grading,
        diagnosis=msgspec.convert(diagnosis["body"], Diagnosis) if diagnosis else None,
        diagnosed_at=diagnosis["diagnosed_at"] if diagnosis else None,
        repairs=list(repairs),
    )
