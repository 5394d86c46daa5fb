"""Reading a submitted form field by field: each field that cannot be read becomes a
``FieldProblem`` (a message key and the field's name), said next to that field."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import msgspec

Checked = TypeVar("Checked", bound=msgspec.Struct)
ERROR_PATH = re.compile(r"at `\$\.?([^`]*)`")
EUROS = re.compile(r"^(\d{1,6})(?:[.,](\d{1,2}))?$")
SPACES = re.compile(r"[\s\u00a0\u202f]")


class FieldProblem(Exception):
    """One field of a form that cannot be read: the message key and the field's name."""

    def __init__(self, field: str, key: str, **values: Any) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key
        self.values = values


def text(
    form: Mapping[str, str], name: str, required: bool = False, limit: int = 200, least: int = 0
) -> str:
    value = form.get(name, "").strip()
    if required and not value:
        raise FieldProblem(name, "form.field.required")
    if len(value) > limit:
        raise FieldProblem(name, "form.field.too_long", limit=limit)
    if value and len(value) < least:
        raise FieldProblem(name, "form.field.too_short", least=least)
    return value


def choice(form: Mapping[str, str], name: str, choices: Sequence[str], blank: bool = False) -> str:
    value = form.get(name, "").strip()
    if value not in choices and not (blank and not value):
        raise FieldProblem(name, "form.field.choose")
    return value


def whole(form: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    """A whole number between ``low`` and ``high``; ``None`` when left blank."""
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise FieldProblem(name, "form.field.number", low=low, high=high) from None
    if not low <= number <= high:
        raise FieldProblem(name, "form.field.number", low=low, high=high)
    return number


def cents_of(typed: str) -> int | None:
    """``"249"``, ``"249,90"``, ``"249.90"``, ``"1 249,9 €"`` → cents, exactly (no float);
    ``None`` when it is not an amount in euros."""
    found = EUROS.match(SPACES.sub("", typed).removesuffix("€").removeprefix("€"))
    if not found:
        return None
    euros, decimals = found.group(1), (found.group(2) or "").ljust(2, "0")
    return int(euros) * 100 + int(decimals)


def typed_back(form: Mapping[str, str]) -> dict[str, str]:
    """The form as typed, to show it again with the refusal (never the security token)."""
    return {key: value for key, value in form.items() if not key.startswith("_")}


def checked(value: Checked, fields: Mapping[str, str]) -> Checked:
    """``value`` held to the limits its Struct declares, as the API holds what it decodes (a
    Struct built field by field is not checked): the limits are written once, on the Struct,
    and a value beyond them is a problem of the form field ``fields`` names for its path
    (``"parts[0].cost_cents"``)."""
    try:
        return msgspec.convert(msgspec.to_builtins(value), type(value))
    except msgspec.ValidationError as error:
        found = ERROR_PATH.search(str(error))
        path = found.group(1) if found else ""
        raise FieldProblem(fields.get(path, path or "_"), "form.field.beyond_limits") from error
