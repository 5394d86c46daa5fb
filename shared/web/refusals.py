"""A refusal said in the person's language next to what it concerns.

Use cases refuse in English; each page family knows the refusals its people meet (a kind of
error, words of its message, a message key, the field it concerns) and says them in French
or English; any other refusal is shown as it is, marked English."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.errors import DomainError

GENERAL = "_"  # about the whole form, not one field

# (kind of refusal, words of its message, message key, field it concerns)
Known = tuple[type[DomainError], str, str, str]


@dataclass(frozen=True)
class Refusal:
    text: str
    field: str = GENERAL
    lang: str = ""  # empty: the page's language


def said(error: DomainError, known: Sequence[Known], t: Any, **values: Any) -> Refusal:
    """The first known refusal the error matches, its message filled with ``values`` and the
    error's details; else the error's own English words."""
    message = str(error)
    for kind, words, key, field in known:
        if isinstance(error, kind) and words in message:
            return Refusal(t(key, **{**values, **error.details}), field)
    return Refusal(message, lang="en")
