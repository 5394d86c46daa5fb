"""Whether a new JSON Schema of an event still reads the events its old schema described."""

from __future__ import annotations

import json
from typing import Any

Schema = dict[str, Any]

RULE = "a field never changes type; a new meaning gets a new event name"
ANNOTATIONS = frozenset({"title", "description", "default", "examples", "deprecated", "$comment"})
NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
UNORDERED = frozenset({"required", "enum"})


def breaking_changes(before: Schema, after: Schema) -> list[str]:
    """Each way in which ``after`` breaks consumers of ``before``, as a sentence; [] if none.

    Breaking: a property removed, a property whose value space changed (type, format, enum,
    constraint, nullability), a property that becomes required, a new required property, or
    a new property where unknown ones are refused. Nested objects are compared field by field.
    """
    old, new = _Document(before), _Document(after)
    where = str(before.get("title") or after.get("title") or "event")
    return _object_changes(old, new, old.resolve(before), new.resolve(after), where)


def _object_changes(
    old: _Document, new: _Document, before: Schema, after: Schema, where: str
) -> list[str]:
    before_properties: dict[str, Schema] = before.get("properties", {})
    after_properties: dict[str, Schema] = after.get("properties", {})
    before_required = set(before.get("required", ()))
    after_required = set(after.get("required", ()))
    problems: list[str] = []
    for name, before_property in before_properties.items():
        field = f"{where}: field {name!r}"
        if name not in after_properties:
            problems.append(f"{field} was removed ({RULE})")
            continue
        was, now = old.resolve(before_property), new.resolve(after_properties[name])
        if _is_object(was) and _is_object(now):
            problems += _object_changes(old, new, was, now, f"{where}.{name}")
        elif old.shape(was) != new.shape(now):
            change = f"from {_compact(old.shape(was))} to {_compact(new.shape(now))}"
            problems.append(f"{field} changed type {change} ({RULE})")
        if name in after_required and name not in before_required:
            problems.append(f"{field} became required; events without it can no longer be read")
    for name in after_properties.keys() - before_properties.keys():
        field = f"{where}: field {name!r}"
        if name in after_required:
            problems.append(f"{field} is new and required without a default ({RULE})")
        elif before.get("additionalProperties") is False:
            problems.append(f"{field} is new but consumers refuse unknown fields ({RULE})")
    return problems


def _compact(shape: Any) -> str:
    return json.dumps(shape, sort_keys=True, separators=(",", ":"))


def _is_object(schema: Schema) -> bool:
    return schema.get("type") == "object" and "properties" in schema


class _Document:
    """One schema document: follows its local ``$ref``s and reduces a property to its shape."""

    def __init__(self, root: Schema) -> None:
        self.root = root

    def resolve(self, schema: Schema) -> Schema:
        seen: set[str] = set()
        while "$ref" in schema and schema["$ref"] not in seen:
            seen.add(schema["$ref"])
            schema = self._target(schema["$ref"])
        return schema

    def shape(self, schema: Any, expanding: frozenset[str] = frozenset()) -> Any:
        """What values ``schema`` accepts, without annotations, with references expanded."""
        if isinstance(schema, list):
            return [self.shape(item, expanding) for item in schema]
        if not isinstance(schema, dict):
            return schema
        reference = schema.get("$ref")
        if reference is not None:
            if reference in expanding:  # a recursive type: its name stands for itself
                return {"$ref": reference.rsplit("/", 1)[-1]}
            return self.shape(self._target(reference), expanding | {reference})
        shape: dict[str, Any] = {}
        for key, value in sorted(schema.items()):
            if key in ANNOTATIONS:
                continue
            if key in NAMED_SCHEMAS:  # keys are names (a field may be called "title")
                shape[key] = {name: self.shape(item, expanding) for name, item in value.items()}
            elif key in UNORDERED:
                shape[key] = sorted(value, key=repr)
            else:
                shape[key] = self.shape(value, expanding)
        return shape

    def _target(self, reference: str) -> Schema:
        if not reference.startswith("#/"):
            raise ValueError(f"only local references can be compared, not {reference}")
        target: Any = self.root
        for part in reference[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return dict(target)
