"""A refusal of the group-purchase pages, said in the person's language next to what it
concerns.

The campaign rules refuse in English with the numbers in the sentence; the pages recognise the
refusals coordinators and social workers meet, say them in French (or English) with the same
numbers, and show any other one as it is, marked English."""

from __future__ import annotations

import re
from typing import Any

from services.group_purchase.requests.reasons import device_type_name
from services.group_purchase.requests.request_refusals import GENERAL, Refusal
from shared.errors import DomainError, NotFound
from shared.web.form_reading import FieldProblem
from shared.web.i18n import translator

NUMBER = r"(?P<{}>\d+)"
STATUS = r"This campaign is (?P<status>\w+): "

# (pattern of the English message, message key, field it concerns); first match wins.
KNOWN: tuple[tuple[str, str, str], ...] = (
    (r"Tiers leave a gap: nothing prices (?P<low>\d+) to (?P<high>\d+)", "gap", "tiers"),
    (
        r"Tiers overlap: (?P<low>\d+)-(?P<high>\d+) and the one from (?P<next>\d+)",
        "overlap",
        "tiers",
    ),
    (
        r"The first tier starts at (?P<first>\d+).*minimum quantity \((?P<minimum>\d+)\)",
        "first",
        "tiers",
    ),
    (r"The tier from (?P<low>\d+) ends at (?P<high>\d+), before", "backwards", "tiers"),
    (r"The tier from (?P<low>\d+) has no upper bound", "open_ended", "tiers"),
    (r"From (?P<low>\d+) devices the unit price rises", "rising", "tiers"),
    (r"The tiers stop at (?P<high>\d+) devices but .* up to (?P<maximum>\d+)", "short", "tiers"),
    (r"Give the supplier's price tiers", "no_tiers", "tiers"),
    (r"The minimum quantity \((?P<minimum>\d+)\) must be", "minimum", "minimum_quantity"),
    (
        r"The maximum quantity \((?P<maximum>\d+)\) is below the minimum \((?P<minimum>\d+)\)",
        "maximum",
        "maximum_quantity",
    ),
    (r"Choose the supplier before opening", "no_supplier", GENERAL),
    (r"Set a deadline in the future before opening", "no_deadline", GENERAL),
    (STATUS + r"only a draft can be edited", "not_draft", GENERAL),
    (STATUS + r"pledges are taken only", "not_open", GENERAL),
    (STATUS + r"a pledge can be withdrawn only", "withdraw_closed", GENERAL),
    (STATUS + r"it cannot be ordered", "not_orderable", GENERAL),
    (STATUS + r"only an ordered campaign", "not_ordered", GENERAL),
    (STATUS + r"it is closed once", "not_received", GENERAL),
    (STATUS + r"only a draft or an open", "not_cancellable", GENERAL),
    (r"The deadline of this campaign has passed", "deadline_passed", "need_id"),
    (
        r"This need is for an? (?P<need>\w+); the campaign buys (?P<bought>\w+?)s\.",
        "wrong_type",
        "need_id",
    ),
    (r"This need is already pledged", "already_pledged", "need_id"),
    (r"Only a waiting need can be pledged", "not_waiting", "need_id"),
    (
        r"at least (?P<asked>\d+) GB of memory; the campaign buys devices with (?P<bought>\d+)",
        "memory",
        "need_id",
    ),
    (
        r"at least (?P<asked>\d+) GB of storage; the campaign buys devices with (?P<bought>\d+)",
        "storage",
        "need_id",
    ),
    (r"The campaign is full: (?P<maximum>\d+) devices", "full", "need_id"),
    (
        r"(?P<pledged>\d+) of the (?P<minimum>\d+) devices needed are pledged",
        "below_minimum",
        GENERAL,
    ),
    (
        r"(?P<delivered>\d+) devices delivered but (?P<ordered>\d+) ordered",
        "count_differs",
        "delivered",
    ),
    (r"This pledge is already (?P<status>\w+)", "pledge_ended", GENERAL),
    (r"A supplier named .* exists already", "supplier_exists", "name"),
    (r"No need of type (?P<type>\w+) is waiting", "nothing_waiting", GENERAL),
)
PATTERNS = tuple((re.compile(words), key, field) for words, key, field in KNOWN)


def explain(error: DomainError, language: str) -> Refusal:
    """What to tell the person, and next to which field."""
    t = translator(language)
    message = str(error)
    for pattern, key, field in PATTERNS:
        found = pattern.search(message)
        if found:
            return Refusal(
                t(f"campaigns.refusal.{key}", **_shown(found.groupdict(), t, language)), field
            )
    return Refusal(message, lang="en")  # above the form: its field may not be on the page


def _shown(values: dict[str, str], t: Any, language: str) -> dict[str, str]:
    shown = dict(values)
    for name in ("need", "bought", "type"):
        if name in shown and not shown[name].isdigit():
            shown[name] = device_type_name(shown[name], language)
    if "status" in shown:
        shown["status"] = t(f"campaigns.status.{shown['status']}").lower()
    return shown


def refusal_of(problem: Exception, language: str) -> tuple[Refusal, int]:
    """A form's problem or a campaign rule's refusal in words, and the status to answer with.
    Something out of reach (another organisation's need, a campaign unknown) stays a 404."""
    if isinstance(problem, FieldProblem):
        t = translator(language)
        return Refusal(t(problem.key, **problem.values), field=problem.field), 422
    if isinstance(problem, NotFound):
        raise problem
    assert isinstance(problem, DomainError)
    return explain(problem, language), problem.status_code
