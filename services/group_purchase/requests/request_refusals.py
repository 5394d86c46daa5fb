"""A refusal of the request pages, said in the person's language next to what it concerns."""

from __future__ import annotations

from typing import Any

from shared.errors import DomainError
from shared.web.i18n import Translator
from shared.web.refusals import GENERAL, Refusal, said

__all__ = ["GENERAL", "Refusal", "explain"]

# the request form's field each refusal concerns; any other is said above the form
FIELDS = {"requests.consent": "consent", "requests.organisation_exists": "name"}


def explain(error: DomainError, t: Translator, **values: Any) -> Refusal:
    """What to tell the person, and next to which field (``values`` fill the message)."""
    return said(error, t, FIELDS, **values)
