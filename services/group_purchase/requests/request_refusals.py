"""A refusal of the request pages, said in the person's language next to what it concerns.

The use cases refuse with messages in English; the pages say the refusals a social worker
meets in French (or English), and show any other one as it is, marked English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.group_purchase.requests.domain import NoLongerValid, RequestRefused
from shared.errors import Conflict, DomainError

GENERAL = "_"


@dataclass(frozen=True)
class Refusal:
    text: str
    field: str = GENERAL
    lang: str = ""  # empty: the page's language


# (kind of refusal, words of its message, message key, field it concerns); first match wins.
KNOWN: tuple[tuple[type[DomainError], str, str, str], ...] = (
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
    message = str(error)
    for kind, words, key, field in KNOWN:
        if isinstance(error, kind) and words in message:
            return Refusal(t(key, **{**values, **error.details}), field)
    return Refusal(message, lang="en")
