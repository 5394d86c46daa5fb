"""Matching reasons and priorities in plain words, French first, English available."""

from __future__ import annotations

from services.group_purchase.requests.matching import Reason
from services.group_purchase.requests.priority import WAITING, Priority, PriorityPolicy
from shared.contracts.collection import DeviceType
from shared.grades import GRADE_CONDITIONS
from shared.web import formats
from shared.web.i18n import LANGUAGES, translator

DEVICE_TYPES: tuple[str, ...] = DeviceType.__args__  # type: ignore[attr-defined]
DEVICE_TYPE_NAMES: dict[str, dict[str, str]] = {
    language: {kind: translator(language)(f"type.{kind}").lower() for kind in DEVICE_TYPES}
    for language in LANGUAGES
}
# A code gets ".one" or ".other" when it counts something, ".nowhere" when no place is known.
TEXTS = {
    "fr": {
        "type": "Type demandé : {type}",
        "memory": "Mémoire : {value} Go (au moins {asked} Go demandés)",
        "storage": "Stockage : {value} Go (au moins {asked} Go demandés)",
        "screen": "Écran : {value} pouces (au moins {asked} pouces demandés)",
        "no_specs": "Aucune caractéristique minimale demandée",
        "same_place": "Déjà au lieu de retrait choisi : {place}",
        "place_distance": "À {km} km du lieu de retrait choisi ({asked}) : à retirer à {place}",
        "other_place": "À faire venir de {place} (autre lieu que celui demandé)",
        "other_place.nowhere": "À faire venir d'un autre lieu que celui demandé",
        "place": "À retirer à : {place}",
        "place.nowhere": "Lieu de retrait à convenir",
        "grade": "État : {grade}{condition}",
        "priority": "Priorité du foyer : {points} points",
        "no_type": "Aucun appareil prêt de ce type : {type}",
        "no_memory": "Aucun appareil prêt de type {type} n'a au moins {asked} Go de mémoire "
        "(le plus : {best} Go)",
        "no_storage": "Aucun appareil prêt de type {type} n'a au moins {asked} Go de stockage "
        "(le plus : {best} Go)",
        "no_screen": "Aucun appareil prêt de type {type} n'a un écran d'au moins {asked} pouces "
        "(le plus grand : {best} pouces)",
        "excluded.one": "Le seul appareil qui conviendrait a déjà été refusé pour ce besoin",
        "excluded.other": "Les {count} appareils qui conviendraient ont déjà été refusés pour "
        "ce besoin",
        "all_proposed.one": "Le seul appareil qui conviendrait ({type}) est déjà proposé à un "
        "foyer plus prioritaire",
        "all_proposed.other": "Les {count} appareils qui conviendraient ({type}) sont déjà "
        "proposés à des foyers plus prioritaires",
        "waiting": "Attente",
        "day.one": "jour",
        "day.other": "jours",
        "point.one": "point",
        "point.other": "points",
    },
    "en": {
        "type": "Type asked for: {type}",
        "memory": "Memory: {value} GB (at least {asked} GB asked for)",
        "storage": "Storage: {value} GB (at least {asked} GB asked for)",
        "screen": "Screen: {value} inches (at least {asked} inches asked for)",
        "no_specs": "No minimum specification asked for",
        "same_place": "Already at the chosen pick-up place: {place}",
        "place_distance": "{km} km from the chosen pick-up place ({asked}): to be picked up at "
        "{place}",
        "other_place": "To be brought from {place} (not the place asked for)",
        "other_place.nowhere": "To be brought from another place than the one asked for",
        "place": "To be picked up at: {place}",
        "place.nowhere": "Pick-up place to be agreed",
        "grade": "Condition: {grade}{condition}",
        "priority": "Household priority: {points} points",
        "no_type": "No ready device of this type: {type}",
        "no_memory": "No ready device of type {type} has at least {asked} GB of memory "
        "(the most: {best} GB)",
        "no_storage": "No ready device of type {type} has at least {asked} GB of storage "
        "(the most: {best} GB)",
        "no_screen": "No ready device of type {type} has a screen of at least {asked} inches "
        "(the largest: {best} inches)",
        "excluded.one": "The only device that would fit was already refused for this need",
        "excluded.other": "The {count} devices that would fit were already refused for this need",
        "all_proposed.one": "The only device that would fit ({type}) is already proposed to a "
        "more urgent household",
        "all_proposed.other": "The {count} devices that would fit ({type}) are already proposed "
        "to more urgent households",
        "waiting": "Waiting",
        "day.one": "day",
        "day.other": "days",
        "point.one": "point",
        "point.other": "points",
    },
}


def reason_text(reason: Reason, language: str) -> str:
    """The reason in plain words; French for any language other than English."""
    texts = TEXTS[_language(language)]
    template = texts.get(_text_key(reason))
    values = _shown_values(reason, _language(language))
    if template is not None:
        try:
            return template.format(**values)
        except KeyError:
            pass  # values missing: say what is known rather than fail
    details = ", ".join(f"{key} = {value}" for key, value in sorted(values.items()))
    return f"{reason.code} ({details})" if details else reason.code


def priority_text(priority: Priority, policy: PriorityPolicy, language: str) -> list[str]:
    """One line per part of the priority, e.g. "Enfants scolarisés : 2 × 15 = 30 points"."""
    language = _language(language)
    texts = TEXTS[language]
    colon = " : " if language == "fr" else ": "
    criteria = {criterion.key: criterion for criterion in policy.criteria}
    lines = []
    for part in priority.parts:
        points = f"{part.points} {texts[_plural('point', part.points, language)]}"
        criterion = criteria.get(part.key)
        if part.key == WAITING:
            days = f"{part.units} {texts[_plural('day', part.units, language)]}"
            lines.append(f"{texts['waiting']}{colon}{days} = {points}")
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


def _plural(key: str, count: int | float, language: str) -> str:
    singular = count <= 1 if language == "fr" else count == 1
    return f"{key}.one" if singular else f"{key}.other"


def _text_key(reason: Reason) -> str:
    count = reason.values.get("count")
    if isinstance(count, int):
        return f"{reason.code}.one" if count == 1 else f"{reason.code}.other"
    if reason.code in ("place", "other_place") and not reason.values.get("place"):
        return f"{reason.code}.nowhere"
    return reason.code


def _shown_values(reason: Reason, language: str) -> dict[str, str]:
    values = {key: _number(value, language) for key, value in reason.values.items()}
    device_type = reason.values.get("device_type")
    if isinstance(device_type, str):
        values["type"] = device_type_name(device_type, language)
    grade = reason.values.get("grade")
    if isinstance(grade, str):
        condition = GRADE_CONDITIONS[language].get(grade)
        values["condition"] = f" ({condition})" if condition else ""
    return values


def _number(value: str | int | float, language: str) -> str:
    """Numbers as people write them: 15 rather than 15.0, 15,6 in French."""
    if isinstance(value, float):
        return formats.decimal(value, 1, language=language)
    return str(value)
