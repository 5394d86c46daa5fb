"""A refusal of the request pages, said in the person's language next to what it concerns.

The use cases refuse with messages in English; the pages say the refusals a social worker
meets in French (or English), and show any other one as it is, marked English."""

from __future__ import annotations

from typing import Any

from services.group_purchase.requests.domain import NoLongerValid, RequestRefused
from shared.errors import Conflict, DomainError
from shared.web.refusals import GENERAL, Known, Refusal, said

__all__ = ["GENERAL", "Refusal", "explain"]

# first match wins
KNOWN: tuple[Known, ...] = (
    (RequestRefused, "consent is required", "requests.refusal.consent", "consent"),
    (RequestRefused, "asked to be forgotten", "requests.refusal.erased", GENERAL),
    (NoLongerValid, "not waiting for a confirmation", "requests.refusal.not_proposed", GENERAL),
    (NoLongerValid, "proposal is no longer open", "requests.refusal.proposal_closed", GENERAL),
    (NoLongerValid, "promised to another household", "requests.refusal.taken", GENERAL),
    (NoLongerValid, "Only a reserved device", "requests.refusal.not_reserved", GENERAL),
    (NoLongerValid, "reservation of this device has ended", "requests.refusal.ended", GENERAL),
    (Conflict, "already handed over", "requests.refusal.already_handed_over", GENERAL),
    (Conflict, "This need is already", "requests.refusal.already_ended", GENERAL),
    (Conflict, "Only a device handed over", "requests.refusal.not_handed_over", GENERAL),
    (Conflict, "has used its quota", "requests.refusal.quota", GENERAL),
    (Conflict, "exists already", "requests.refusal.organisation_exists", "name"),
)


def explain(error: DomainError, t: Any, **values: Any) -> Refusal:
    """What to tell the person, and next to which field (``values`` fill the message)."""
    return said(error, KNOWN, t, **values)
