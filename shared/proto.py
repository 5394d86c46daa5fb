"""``proto/``: one JSON Schema per event and an AsyncAPI 3 document, generated from the Structs."""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from shared.contracts import CONSUMERS, STREAMS
from shared.events import Event, registry

ASYNCAPI_FILE = "asyncapi.yaml"


def event_schema(event_type: type[Event]) -> dict[str, Any]:
    schema = msgspec.json.schema(event_type)
    _require_generated_envelope_fields(schema)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://boucle.eu/proto/events/{event_type.subject}.schema.json",
        "title": event_type.subject,
        "description": event_type.description,
        **schema,
    }
    return schema


def _require_generated_envelope_fields(schema: dict[str, Any]) -> None:
    """Producers always send ``event_id`` and ``occurred_at``, but their defaults are made by a
    factory, which JSON Schema cannot express: the contract states them as required."""
    body = schema["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    generated = {
        field.encode_name
        for field in msgspec.structs.fields(Event)
        if field.default_factory is not msgspec.NODEFAULT
    }
    required = generated | set(body.get("required", ()))
    body["required"] = [name for name in body["properties"] if name in required]


def asyncapi_document() -> dict[str, Any]:
    """AsyncAPI 3.0: one channel per subject, the producing service sends, consumers receive."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for subject, event_type in registry.types().items():
        key = subject.replace(".", "_")
        stream = next(s for s in STREAMS if subject.startswith(s.subjects[0].rstrip(">")))
        messages[key] = {
            "name": subject,
            "title": event_type.__name__,
            "summary": event_type.description,
            "contentType": "application/json",
            "headers": {
                "type": "object",
                "properties": {
                    "Nats-Msg-Id": {"type": "string", "description": "= event_id"},
                    "Correlation-Id": {"type": "string"},
                },
            },
            "payload": {"$ref": f"events/{subject}.schema.json"},
        }
        channels[key] = {
            "address": subject,
            "description": f"Stream {stream.name}.",
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
        }
        operations[f"{stream.producer}_sends_{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "summary": f"{stream.producer} publishes {subject} (via its outbox).",
        }
        for consumption in CONSUMERS:
            prefix = consumption.filter_subject.rstrip(">")
            if subject == consumption.filter_subject or subject.startswith(prefix):
                operations[f"{consumption.consumer}_receives_{key}"] = {
                    "action": "receive",
                    "channel": {"$ref": f"#/channels/{key}"},
                    "summary": f"durable pull consumer {consumption.consumer} on "
                    f"{consumption.stream}",
                }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Boucle events",
            "version": "1.0.0",
            "description": "Events between Boucle's services over NATS JetStream. Streams: "
            + "; ".join(f"{s.name} ({', '.join(s.subjects)})" for s in STREAMS)
            + "; DLQ (max-deliveries and terminated advisories).",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": dict(sorted(operations.items())),
        "components": {"messages": messages},
    }


def render() -> dict[str, str]:
    """Every file of ``proto/`` by relative path. The AsyncAPI document is written in JSON,
    which is valid YAML 1.2, so it needs no YAML library."""
    files = {
        f"events/{subject}.schema.json": event_file(event_type)
        for subject, event_type in registry.types().items()
    }
    files[ASYNCAPI_FILE] = _dump(asyncapi_document())
    return files


def event_file(event_type: type[Event]) -> str:
    """The text of one event's JSON Schema file, as ``proto/`` holds it."""
    return _dump(event_schema(event_type))


PROSE_KEYS = frozenset({"description", "summary"})


def _dump(document: dict[str, Any]) -> str:
    """The same bytes whatever the Python and msgspec versions: prose taken from docstrings is
    dedented the one way (Python 3.13 strips docstring indentation at compile time, earlier
    versions keep it, and msgspec releases differ in what they strip) and keys are sorted."""
    return json.dumps(_normalised(document), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _normalised(node: Any, key: str = "") -> Any:
    if isinstance(node, dict):
        return {name: _normalised(value, name) for name, value in node.items()}
    if isinstance(node, list):
        return [_normalised(item) for item in node]
    if isinstance(node, str) and key in PROSE_KEYS:
        return inspect.cleandoc(node)
    return node


def stale_files(out: Path) -> list[str]:
    expected = render()
    present = (
        {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} if out.exists() else set()
    )
    stale = [
        name
        for name, text in expected.items()
        if not (out / name).exists() or (out / name).read_text() != text
    ]
    stale += sorted(present - set(expected) - {"README.md"})
    return stale


def write_or_check(out: Path, check: bool = False) -> int:
    if check:
        stale = stale_files(out)
        if stale:
            print("proto/ is out of date: " + ", ".join(stale), file=sys.stderr)
            print("run `boucle contracts` and commit the result", file=sys.stderr)
            return 1
        print("proto/ matches the event Structs")
        return 0
    for name, text in render().items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"wrote {len(render())} files to {out}")
    return 0
