"""Matching reasons and priorities in plain words, French first, English available."""

from __future__ import annotations

from services.group_purchase.requests.matching import Reason
from services.group_purchase.requests.priority import WAITING, Priority, PriorityPolicy
from shared.contracts.collection import DeviceType
from shared.grades import grade_condition
from shared.web import formats
from shared.web.i18n import LANGUAGES, translator

DEVICE_TYPES: tuple[str, ...] = DeviceType.__args__  # type: ignore[attr-defined]
DEVICE_TYPE_NAMES: dict[str, dict[str, str]] = {
    language: {kind: translator(language)(f"type.{kind}").lower() for kind in DEVICE_TYPES}
    for language in LANGUAGES
}
# reasons that count something: their text agrees with ``count``
COUNTED = frozenset({"excluded", "all_proposed"})


def reason_text(reason: Reason, language: str) -> str:
    """The reason in plain words; French for any language other than English."""
    t = translator(_language(language))
    values = _shown_values(reason, t.language)
    key = _text_key(reason)
    count = reason.values.get("count")
    try:
        if reason.code in COUNTED and isinstance(count, int):
            return t.plural(key, f"{key}.plural", count, **values)
        if t.has(key):
            return t(key, **values)
    except (KeyError, TypeError, ValueError):
        pass  # values missing: say what is known rather than fail
    details = ", ".join(f"{key} = {value}" for key, value in sorted(values.items()))
    return f"{reason.code} ({details})" if details else reason.code


def priority_text(priority: Priority, policy: PriorityPolicy, language: str) -> list[str]:
    """One line per part of the priority, e.g. "Enfants scolarisés : 2 × 15 = 30 points"."""
    language = _language(language)
    t = translator(language)
    colon = " : " if language == "fr" else ": "
    criteria = {criterion.key: criterion for criterion in policy.criteria}
    lines = []
    for part in priority.parts:
        points = t.plural("reason.points", "reason.points.plural", part.points)
        criterion = criteria.get(part.key)
        if part.key == WAITING:
            days = t.plural("reason.days", "reason.days.plural", part.units)
            lines.append(f"{t('reason.waiting')}{colon}{days} = {points}")
        elif criterion is None:
            lines.append(f"{part.key}{colon}{points}")
        else:
            label = criterion.label_fr if language == "fr" else criterion.label_en
            if criterion.per_unit:
                points = f"{part.units} × {criterion.points} = {points}"
            lines.append(f"{label}{colon}{points}")
    return lines


def device_type_name(device_type: str, language: str) -> str:
    return DEVICE_TYPE_NAMES[_language(language)].get(device_type, device_type)


def _language(language: str) -> str:
    return "en" if language == "en" else "fr"


def _text_key(reason: Reason) -> str:
    if reason.code in ("place", "other_place") and not reason.values.get("place"):
        return f"reason.{reason.code}.nowhere"
    return f"reason.{reason.code}"


def _shown_values(reason: Reason, language: str) -> dict[str, str]:
    values = {key: _number(value, language) for key, value in reason.values.items()}
    device_type = reason.values.get("device_type")
    if isinstance(device_type, str):
        values["type"] = device_type_name(device_type, language)
    grade = reason.values.get("grade")
    if isinstance(grade, str):
        condition = grade_condition(grade, language)
        values["condition"] = f" ({condition})" if condition else ""
    return values


def _number(value: str | int | float, language: str) -> str:
    """Numbers as people write them: 15 rather than 15.0, 15,6 in French."""
    if isinstance(value, float):
        return formats.decimal(value, 1, language=language)
    return str(value)
