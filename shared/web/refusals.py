"""A refusal said in the reader's language next to what it concerns.

A domain error names its refusal by a stable code; its text is the catalog's message
``refusal.<code>`` filled with the error's values. A refusal not yet in the catalogs is shown
as raised, marked English."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
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
    "roles": "role.{}",
    "state": "state.{}",
}


@dataclass(frozen=True)
class Refusal:
    text: str
    field: str = GENERAL
    lang: str = ""  # empty: the page's language


def refusal_text(error: DomainError, language: str, **values: Any) -> tuple[str, str]:
    """The refusal's text in ``language`` and the language it is really in (English when the
    catalogs do not know its code yet); ``values`` fill what the error does not carry."""
    return _from_catalogs(error.code, error.details, language, values) or (str(error), "en")


def items_said(items: list[Any], language: str) -> list[Any]:
    """The ``errors`` of a refusal (a file's lines, say), each one that has a ``code`` with
    its ``message`` said in ``language`` from its ``values``."""
    return [_item_said(item, language) for item in items]


def _item_said(item: Any, language: str) -> Any:
    if not isinstance(item, dict) or not item.get("code"):
        return item
    text = _from_catalogs(item["code"], item.get("values") or {}, language)
    return {**item, "message": text[0]} if text else item


def _from_catalogs(
    code: str, details: Mapping[str, Any], language: str, values: Mapping[str, Any] | None = None
) -> tuple[str, str] | None:
    t = translator(language)
    key = f"refusal.{code}"
    if not t.has(key):
        return None
    shown = {name: _shown(name, value, t) for name, value in details.items()}
    try:
        return t(key, **{**(values or {}), **shown}), t.language
    except (KeyError, TypeError, ValueError):
        return None  # a value missing: say it as raised rather than fail


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
    if isinstance(value, datetime):
        return formats.day_and_time(value, language=t.language)
    if isinstance(value, date):
        return formats.day(value, language=t.language)
    if isinstance(value, list | tuple):
        return ", ".join(str(_shown(name, item, t)) for item in value)
    return value
