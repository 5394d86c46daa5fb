"""A refusal said in the reader's language next to what it concerns.

A domain error names its refusal by a stable code; its text is the catalog's message
``refusal.<code>`` filled with the error's values. A refusal not yet in the catalogs is shown
as raised, marked English."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.errors import DomainError
from shared.web import formats
from shared.web.i18n import Translator, translator

GENERAL = "_"  # about the whole form, not one field

# Values shown in the reader's words rather than as raised: the message key each is read under.
WORDS = {
    "status": "campaigns.status.{}",
    "type": "type.{}",
    "need": "type.{}",
    "bought": "type.{}",
}


@dataclass(frozen=True)
class Refusal:
    text: str
    field: str = GENERAL
    lang: str = ""  # empty: the page's language


def refusal_text(error: DomainError, language: str, **values: Any) -> tuple[str, str]:
    """The refusal's text in ``language`` and the language it is really in (English when the
    catalogs do not know its code yet); ``values`` fill what the error does not carry."""
    t = translator(language)
    key = f"refusal.{error.code}"
    if t.has(key):
        shown = {name: _shown(name, value, t) for name, value in error.details.items()}
        try:
            return t(key, **{**values, **shown}), t.language
        except (KeyError, TypeError, ValueError):
            pass  # a value missing: say it as raised rather than fail
    return str(error), "en"


def said(
    error: DomainError, t: Translator, fields: Mapping[str, str] | None = None, **values: Any
) -> Refusal:
    """The refusal for a page in ``t``'s language, next to the field ``fields`` names for its
    code (above the form when none)."""
    text, language = refusal_text(error, t.language, **values)
    field = (fields or {}).get(error.code, GENERAL)
    return Refusal(text, field, "" if language == t.language else language)


def _shown(name: str, value: Any, t: Translator) -> Any:
    if isinstance(value, str) and name in WORDS and t.has(WORDS[name].format(value)):
        return t(WORDS[name].format(value)).lower()
    if isinstance(value, float):
        return formats.decimal(value, 2, language=t.language)
    return value
