"""Reading a submitted form field by field: each field that cannot be read becomes a
``FieldProblem`` (a message key and the field's name), said next to that field."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import msgspec
import msgspec.inspect as types

Checked = TypeVar("Checked", bound=msgspec.Struct)
Read = TypeVar("Read", bound=msgspec.Struct)
TICKED = frozenset({"on", "true", "1", "oui", "yes"})
MANY = (types.ListType, types.SetType, types.FrozenSetType, types.VarTupleType)
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


def read_form(
    kind: type[Read],
    form: Mapping[str, Any],
    names: Mapping[str, str] | None = None,
    **given: Any,
) -> Read:
    """The submitted ``form`` as a ``kind``, held to the limits the Struct declares (written
    once, there): text is stripped, a blank field takes the Struct's default (or is
    required), a ticked box is ``True`` and an unticked one ``False``, a field of several
    values is read with ``getall``. A field is the one named as the Struct's, or as ``names``
    maps it; ``given`` values (read by the page itself, such as an amount in euros) replace
    what the form says. A value the Struct refuses is a ``FieldProblem`` of its field, saying
    which limit it passes."""
    names = names or {}
    info = types.type_info(kind)
    assert isinstance(info, types.StructType)
    data: dict[str, Any] = {}
    for field in info.fields:
        name, shape = field.encode_name, _without_none(field.type)
        if name in given:
            data[name] = given[name]
            continue
        typed = _typed(form, names.get(name, name), shape)
        if typed is None:
            if field.required:
                raise FieldProblem(names.get(name, name), "form.field.required")
            continue
        data[name] = typed
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as error:
        found = ERROR_PATH.search(str(error))
        top = re.split(r"[.\[]", found.group(1))[0] if found else ""
        refused = next((f for f in info.fields if f.encode_name == top), None)
        if refused is None:
            raise FieldProblem(names.get(top, top or "_"), "form.field.invalid") from error
        key, values = _limit_passed(_without_none(refused.type), data.get(top))
        raise FieldProblem(names.get(top, top), key, **values) from error


def _typed(form: Mapping[str, Any], name: str, shape: types.Type) -> Any:
    """What the form holds for one field, as typed (``None`` when left blank)."""
    if isinstance(shape, types.BoolType):
        return str(form.get(name, "")).strip().lower() in TICKED
    if isinstance(shape, MANY):
        getall = getattr(form, "getall", None)
        values = getall(name, []) if getall is not None else [form.get(name, "")]
        kept = [str(value).strip() for value in values if str(value).strip()]
        return kept or None
    value = form.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _without_none(shape: types.Type) -> types.Type:
    if isinstance(shape, types.UnionType):
        kept = [kind for kind in shape.types if not isinstance(kind, types.NoneType)]
        if len(kept) == 1:
            return kept[0]
    return shape


def _limit_passed(shape: types.Type, value: Any) -> tuple[str, dict[str, Any]]:
    """The message key (and its values) for a field's value its type refuses."""
    if isinstance(shape, types.StrType):
        if shape.max_length is not None and len(str(value)) > shape.max_length:
            return "form.field.too_long", {"limit": shape.max_length}
        if shape.min_length is not None and len(str(value)) < shape.min_length:
            return "form.field.too_short", {"least": shape.min_length}
        return "form.field.invalid", {}
    if isinstance(shape, types.IntType | types.FloatType):
        low = shape.ge if shape.ge is not None else shape.gt
        high = shape.le if shape.le is not None else shape.lt
        if low is not None and high is not None:
            key = "form.field.number" if isinstance(shape, types.IntType) else "form.field.between"
            return key, {"low": low, "high": high}
        return "form.field.not_a_number", {}
    if isinstance(shape, types.EnumType | types.LiteralType | types.UUIDType):
        return "form.field.choose", {}
    return "form.field.invalid", {}
