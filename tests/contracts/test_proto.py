"""proto/ is the published contract: it matches the Structs and never breaks a consumer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

from shared.contracts import CONSUMERS, STREAMS
from shared.events import Event, registry
from shared.proto import ASYNCAPI_FILE, event_file, render, stale_files
from tests.contracts.compat import RULE, Schema, breaking_changes

PROTO = Path(__file__).resolve().parents[2] / "proto"
SUBJECTS = sorted(registry.types())
ENVELOPE = tuple(Event.__struct_fields__)


def committed_schema(subject: str) -> Schema:
    document: Schema = json.loads((PROTO / "events" / f"{subject}.schema.json").read_text())
    return document


def event_object(schema: Schema) -> Schema:
    """The object a schema's top-level ``$ref`` names (msgspec puts each Struct in $defs)."""
    body: Schema = schema["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return body


@pytest.fixture(scope="module")
def asyncapi() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((PROTO / ASYNCAPI_FILE).read_text())
    return document


# (a) no drift


def test_proto_on_disk_is_exactly_what_the_event_structs_render() -> None:
    stale = stale_files(PROTO)
    assert not stale, (
        f"proto/ has drifted from the event Structs ({', '.join(stale)}): "
        "run `boucle contracts` and commit the result"
    )


# (b) every event is published in the contract


@pytest.mark.parametrize("subject", SUBJECTS)
def test_every_registered_event_has_a_json_schema_in_proto(subject: str) -> None:
    path = PROTO / "events" / f"{subject}.schema.json"
    assert path.exists(), f"no JSON Schema for {subject}: run `boucle contracts`"
    assert committed_schema(subject)["title"] == subject


def test_the_asyncapi_document_is_asyncapi_3(asyncapi: dict[str, Any]) -> None:
    assert asyncapi["asyncapi"] == "3.0.0"


def test_every_registered_event_is_a_channel_of_the_asyncapi_document(
    asyncapi: dict[str, Any],
) -> None:
    addresses = sorted(channel["address"] for channel in asyncapi["channels"].values())
    assert addresses == SUBJECTS


def test_every_reference_in_the_asyncapi_document_leads_somewhere(
    asyncapi: dict[str, Any],
) -> None:
    for reference in references(asyncapi):
        file, _, pointer = reference.partition("#")
        if file:
            assert (PROTO / file).is_file(), f"asyncapi.yaml refers to a missing file {file}"
        else:
            assert follow(asyncapi, pointer) is not None, f"dangling reference {reference}"


def test_each_channel_is_sent_by_the_service_that_owns_its_stream(
    asyncapi: dict[str, Any],
) -> None:
    for key, channel in asyncapi["channels"].items():
        senders = [
            name
            for name, operation in asyncapi["operations"].items()
            if operation["action"] == "send" and operation["channel"]["$ref"] == f"#/channels/{key}"
        ]
        owner = next(s for s in STREAMS if channel["address"].startswith(s.subjects[0][:-1]))
        assert senders == [f"{owner.producer}_sends_{key}"], channel["address"]


def test_each_durable_consumer_receives_the_channels_it_filters(
    asyncapi: dict[str, Any],
) -> None:
    for consumption in CONSUMERS:
        prefix = consumption.filter_subject.removesuffix(">")
        for key, channel in asyncapi["channels"].items():
            if channel["address"] == consumption.filter_subject or (
                consumption.filter_subject.endswith(">") and channel["address"].startswith(prefix)
            ):
                operation = asyncapi["operations"][f"{consumption.consumer}_receives_{key}"]
                assert operation["action"] == "receive"


# (c) the envelope


@pytest.mark.parametrize("subject", SUBJECTS)
def test_every_event_schema_requires_or_defaults_the_envelope_fields(subject: str) -> None:
    body = event_object(committed_schema(subject))
    for name in ENVELOPE:
        assert name in body["properties"], f"{subject} lacks the envelope field {name}"
        assert name in body.get("required", ()) or "default" in body["properties"][name], (
            f"{subject}: a consumer cannot count on {name}"
        )


# (d) backward compatibility


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_schema_rendered_now_reads_every_committed_event(subject: str) -> None:
    rendered = render().get(f"events/{subject}.schema.json")
    assert rendered is not None, f"{subject} was removed but consumers may still read it"
    problems = breaking_changes(committed_schema(subject), json.loads(rendered))
    assert not problems, "\n".join(problems)


def test_a_committed_schema_whose_event_disappeared_is_a_breaking_change() -> None:
    committed = {path.name for path in (PROTO / "events").glob("*.schema.json")}
    rendered = {Path(name).name for name in render() if name.startswith("events/")}
    assert committed <= rendered, f"events removed from the contract: {committed - rendered}"


def schema_of(*fields: tuple[str, Schema, bool]) -> Schema:
    """A hand-made event schema shaped like msgspec's: (name, property, required)."""
    return {
        "title": "test.thing.happened",
        "$ref": "#/$defs/ThingHappened",
        "$defs": {
            "ThingHappened": {
                "type": "object",
                "properties": {name: schema for name, schema, _ in fields},
                "required": [name for name, _, required in fields if required],
            },
            "Place": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }


LABEL = ("label", {"type": "string", "pattern": "^[0-9A-Z]{9}$"}, True)
NOTE = ("note", {"type": "string", "default": ""}, False)


def test_an_unchanged_schema_is_compatible() -> None:
    assert breaking_changes(schema_of(LABEL, NOTE), schema_of(LABEL, NOTE)) == []


def test_a_new_field_with_a_default_is_compatible() -> None:
    assert breaking_changes(schema_of(LABEL), schema_of(LABEL, NOTE)) == []


def test_a_changed_description_or_default_is_compatible() -> None:
    described = ("note", {"type": "string", "default": "-", "description": "Free text."}, False)
    assert breaking_changes(schema_of(LABEL, NOTE), schema_of(LABEL, described)) == []


def test_a_removed_field_breaks_consumers() -> None:
    problems = breaking_changes(schema_of(LABEL, NOTE), schema_of(LABEL))
    assert problems == [f"test.thing.happened: field 'note' was removed ({RULE})"]


def test_a_field_whose_type_changes_breaks_consumers() -> None:
    counted = ("note", {"type": "integer", "default": 0}, False)
    problems = breaking_changes(schema_of(LABEL, NOTE), schema_of(LABEL, counted))
    assert len(problems) == 1
    assert "'note' changed type" in problems[0]
    assert RULE in problems[0]


def test_a_field_that_becomes_nullable_or_loses_an_enum_value_changes_type() -> None:
    kinds = ("kind", {"enum": ["laptop", "tablet"]}, True)
    fewer_kinds = ("kind", {"enum": ["laptop"]}, True)
    nullable = ("label", {"anyOf": [LABEL[1], {"type": "null"}]}, True)
    assert breaking_changes(schema_of(LABEL, kinds), schema_of(LABEL, fewer_kinds))
    assert breaking_changes(schema_of(LABEL), schema_of(nullable))


def test_a_new_required_field_without_default_breaks_consumers() -> None:
    required_note = ("note", {"type": "string"}, True)
    problems = breaking_changes(schema_of(LABEL), schema_of(LABEL, required_note))
    assert problems == [
        f"test.thing.happened: field 'note' is new and required without a default ({RULE})"
    ]


def test_a_field_that_loses_its_default_breaks_consumers() -> None:
    required_note = ("note", {"type": "string"}, True)
    problems = breaking_changes(schema_of(LABEL, NOTE), schema_of(LABEL, required_note))
    assert problems == [
        "test.thing.happened: field 'note' became required; events without it can no longer be read"
    ]


def test_a_nested_struct_is_compared_field_by_field() -> None:
    place = ("place", {"$ref": "#/$defs/Place"}, True)
    before = schema_of(LABEL, place)
    after = schema_of(LABEL, place)
    after["$defs"]["Place"]["properties"]["postcode"] = {"type": "string", "default": ""}
    assert breaking_changes(before, after) == []
    after["$defs"]["Place"]["properties"]["city"] = {"type": "integer"}
    problems = breaking_changes(before, after)
    assert len(problems) == 1
    assert problems[0].startswith("test.thing.happened.place: field 'city' changed type")


def test_the_compatibility_check_sees_a_real_struct_change() -> None:
    """The check runs on what msgspec renders, not only on hand-made schemas."""

    class Before(Event, frozen=True, kw_only=True):
        quantity: int

    class After(Event, frozen=True, kw_only=True):
        quantity: str

    problems = breaking_changes(msgspec.json.schema(Before), msgspec.json.schema(After))
    assert len(problems) == 1
    assert "'quantity' changed type" in problems[0]


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in references(item)]
    return []


def follow(document: Any, pointer: str) -> Any:
    for part in pointer.lstrip("/").split("/"):
        if not isinstance(document, dict) or part not in document:
            return None
        document = document[part]
    return document


# (g) the same bytes whatever the Python and msgspec versions


def _sample_event(docstring: str) -> type[Event]:
    """One event type, its docstring given as the compiler of one Python version leaves it."""
    namespace: dict[str, Any] = {
        "__doc__": docstring,
        "subject": "sample.thing.happened",
        "description": docstring,
    }
    return msgspec.defstruct(  # type: ignore[no-any-return]
        "SampleHappened",
        [("label", str), ("weight_kg", float | None, None)],
        bases=(Event,),
        namespace=namespace,
        frozen=True,
        kw_only=True,
        module=__name__,
    )


INDENTED = """A sample happened at a collection point.

        ``aggregate_id`` is the sample's id; the weight is absent when nobody weighed it.
        """
FLUSH = """A sample happened at a collection point.

``aggregate_id`` is the sample's id; the weight is absent when nobody weighed it."""


def test_docstrings_indented_or_flush_give_the_same_contract_bytes() -> None:
    indented, flush = event_file(_sample_event(INDENTED)), event_file(_sample_event(FLUSH))
    assert indented == flush
    described = json.loads(flush)
    body = event_object(described)
    assert body["description"] == FLUSH
    assert described["description"] == FLUSH


def test_contract_keys_are_written_in_sorted_order() -> None:
    text = event_file(_sample_event(FLUSH))
    document = json.loads(text)
    assert list(document) == sorted(document)
    properties = event_object(document)["properties"]
    assert list(properties) == sorted(properties)
