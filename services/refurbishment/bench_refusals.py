"""A refusal of the bench, said in the person's language next to the field it concerns."""

from __future__ import annotations

from services.refurbishment.bench import ReleaseRefused, WorkOrder
from shared.errors import DomainError
from shared.labels import LabelCheckSymbolMismatch, LabelError, format_code
from shared.web.i18n import Translator
from shared.web.refusals import GENERAL, Refusal, said

__all__ = ["GENERAL", "Refusal", "explain"]

# the bench form's field each refusal concerns; any other is said above the form
FIELDS = {
    "bench.label_unknown": "label",
    "bench.checked_in_elsewhere": "label",
    "bench.flash_overwrite": "method",
    "bench.method_level": "method",
    "bench.end_before_start": "ended_at",
    "bench.log_hash": "tool_log_sha256",
    "bench.phone_checklist": "phone_checklist",
    "bench.not_lshw": "lshw",
    "bench.parts_bin_empty": "part_name",
    "bench.battery_fails": "battery_health",
    "bench.battery_not_a": "battery_health",
}


def explain(
    error: DomainError, t: Translator, order: WorkOrder | None = None, label: str = ""
) -> Refusal:
    """What to tell the person, and next to which field."""
    if isinstance(error, LabelCheckSymbolMismatch):
        return Refusal(t("bench.refusal.check_symbol", label=format_code(error.label)), "label")
    if isinstance(error, LabelError):
        return Refusal(t("bench.refusal.label_malformed"), "label")
    if isinstance(error, ReleaseRefused) and order is not None:
        return Refusal(_release_refusal(order, t))
    return said(error, t, FIELDS, label=label.strip()[:40])


def _release_refusal(order: WorkOrder, t: Translator) -> str:
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
