"""A refusal of the bench, said in the person's language next to the field it concerns."""

from __future__ import annotations

from shared.errors import DomainError
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
    "labels.length": "label",
    "labels.characters": "label",
    "labels.check_symbol": "label",
    "arrival.closed": "label",
}


def explain(error: DomainError, t: Translator, label: str = "") -> Refusal:
    """What to tell the person, and next to which field."""
    return said(error, t, FIELDS, label=label.strip()[:40])
