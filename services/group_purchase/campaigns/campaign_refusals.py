"""A refusal of the group-purchase pages, said in the person's language next to what it
concerns."""

from __future__ import annotations

from services.group_purchase.requests.request_refusals import Refusal
from shared.errors import DomainError, NotFound
from shared.web.form_reading import FieldProblem
from shared.web.i18n import translator
from shared.web.refusals import said

# the campaign form's field each refusal concerns; any other is said above the form (its
# field may not be on the page)
FIELDS = {
    "campaigns.gap": "tiers",
    "campaigns.overlap": "tiers",
    "campaigns.first": "tiers",
    "campaigns.backwards": "tiers",
    "campaigns.open_ended": "tiers",
    "campaigns.rising": "tiers",
    "campaigns.short": "tiers",
    "campaigns.no_tiers": "tiers",
    "campaigns.minimum": "minimum_quantity",
    "campaigns.maximum": "maximum_quantity",
    "campaigns.deadline_passed": "need_id",
    "campaigns.wrong_type": "need_id",
    "campaigns.already_pledged": "need_id",
    "campaigns.not_waiting": "need_id",
    "campaigns.memory": "need_id",
    "campaigns.storage": "need_id",
    "campaigns.full": "need_id",
    "campaigns.count_differs": "delivered",
    "campaigns.supplier_exists": "name",
}


def explain(error: DomainError, language: str) -> Refusal:
    """What to tell the person, and next to which field."""
    return said(error, translator(language), FIELDS)


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
