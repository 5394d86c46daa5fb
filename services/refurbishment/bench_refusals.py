"""A refusal of the bench, said in the person's language next to the field it concerns.

The use cases refuse with messages in English; the bench pages say the refusals a volunteer
meets every day in French (or English), and show any other one as it is, marked English."""

from __future__ import annotations

from typing import Any

from services.refurbishment.bench import (
    DismantleRefused,
    GradeRefused,
    ReleaseRefused,
    WorkOrder,
)
from services.refurbishment.erasure import ErasureRefused
from services.refurbishment.lshw import NotLshwOutput
from services.refurbishment.parts_bin import PartsBinEmpty
from shared.errors import Conflict, DomainError, NotFound
from shared.labels import LabelCheckSymbolMismatch, LabelError, format_code
from shared.web.refusals import GENERAL, Known, Refusal, said

__all__ = ["GENERAL", "Refusal", "explain"]

# first match wins
KNOWN: tuple[Known, ...] = (
    (NotFound, "No collection point has registered", "bench.refusal.label_unknown", "label"),
    (Conflict, "is already checked in", "bench.refusal.checked_in_elsewhere", "label"),
    (Conflict, "work order is closed", "bench.refusal.closed", GENERAL),
    (Conflict, "already validated", "bench.refusal.already_validated", GENERAL),
    (NotFound, "waiting for validation", "bench.refusal.no_pending", GENERAL),
    (ErasureRefused, "not by the person who did it", "bench.refusal.own_erasure", GENERAL),
    (ErasureRefused, "erasure officer", "bench.refusal.officers_only", GENERAL),
    (ErasureRefused, "overwriting does not reach", "bench.refusal.flash_overwrite", "method"),
    (ErasureRefused, "method (use", "bench.refusal.method_level", "method"),
    (ErasureRefused, "end after it started", "bench.refusal.end_before_start", "ended_at"),
    (ErasureRefused, "SHA-256", "bench.refusal.log_hash", "tool_log_sha256"),
    (ErasureRefused, "phone or tablet", "bench.refusal.phone_checklist", "phone_checklist"),
    (NotLshwOutput, "", "bench.refusal.not_lshw", "lshw"),
    (DismantleRefused, "cannot be dismantled yet", "bench.refusal.dismantle_needs", GENERAL),
    (PartsBinEmpty, "", "bench.refusal.parts_bin_empty", "part_name"),
    (GradeRefused, "to pass its tests", "bench.refusal.battery_fails", "battery_health"),
    (GradeRefused, "grade A needs", "bench.refusal.battery_not_a", "battery_health"),
)


def explain(error: DomainError, t: Any, order: WorkOrder | None = None, label: str = "") -> Refusal:
    """What to tell the person, and next to which field."""
    if isinstance(error, LabelCheckSymbolMismatch):
        return Refusal(t("bench.refusal.check_symbol", label=format_code(error.code)), "label")
    if isinstance(error, LabelError):
        return Refusal(t("bench.refusal.label_malformed"), "label")
    if isinstance(error, ReleaseRefused) and order is not None:
        return Refusal(_release_refusal(order, t))
    return said(error, KNOWN, t, label=label.strip()[:40])


def _release_refusal(order: WorkOrder, t: Any) -> str:
    missing = [
        t(key)
        for key, done in (
            ("bench.missing.certificate", order.erased),
            ("bench.missing.grade", order.graded),
        )
        if not done
    ]
    if missing:
        return t("bench.refusal.release_needs", what=t("bench.and").join(missing))
    return t("bench.refusal.failed_tests")
