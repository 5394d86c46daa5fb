"""Specs read from ``lshw -json`` taken on the device: the bench fills a diagnosis in seconds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

import msgspec

from shared.errors import DomainError

MediumType = Literal["hdd", "ssd", "nvme", "emmc", "unknown"]
_GB = 1000**3
_GIB = 1024**3


class NotLshwOutput(DomainError):
    code = "bench.not_lshw"

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"This file is not the JSON that `lshw -json` prints ({reason}). On the device, "
            "run `sudo lshw -json > specs.json` and upload specs.json."
        )


class StorageMedium(msgspec.Struct, frozen=True, kw_only=True):
    kind: MediumType
    size_gb: int
    vendor: str = ""
    model: str = ""
    serial: str = ""


class Specs(msgspec.Struct, frozen=True, kw_only=True):
    vendor: str = ""
    model: str = ""
    serial: str = ""
    cpu: str = ""
    ram_gib: int = 0
    storage: list[StorageMedium] = msgspec.field(default_factory=list)


def parse_lshw(raw: bytes) -> Specs:
    """Read the machine, CPU, memory and storage media out of an ``lshw -json`` document."""
    try:
        document = msgspec.json.decode(raw)
    except msgspec.DecodeError as error:
        raise NotLshwOutput("it is not valid JSON") from error
    if isinstance(document, list) and len(document) == 1:
        document = document[0]  # recent lshw versions print a one-element list
    if not isinstance(document, dict) or document.get("class") != "system":
        raise NotLshwOutput("its top level is not a 'system' node")
    nodes = list(_walk(document))
    return Specs(
        vendor=str(document.get("vendor", "")),
        model=str(document.get("product", "")),
        serial=str(document.get("serial", "")),
        cpu=next((str(n.get("product", "")) for n in nodes if n.get("class") == "processor"), ""),
        ram_gib=round(_system_memory(nodes) / _GIB),
        storage=[_medium(node) for node in nodes if _is_medium(node)],
    )


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("children", []) or []:
        if isinstance(child, dict):
            yield from _walk(child)


def _system_memory(nodes: list[dict[str, Any]]) -> int:
    sizes = [
        int(n.get("size", 0))
        for n in nodes
        if n.get("class") == "memory" and str(n.get("id", "")).startswith("memory")
    ]
    return max(sizes, default=0)


def _is_medium(node: dict[str, Any]) -> bool:
    return (
        node.get("class") == "disk"
        and int(node.get("size", 0) or 0) > 0
        and ("cdrom" not in str(node.get("id", "")))
    )


def _medium(node: dict[str, Any]) -> StorageMedium:
    text = " ".join(
        str(node.get(key, "")) for key in ("description", "product", "logicalname", "businfo")
    ).lower()
    capabilities = node.get("capabilities") or {}
    if "nvme" in text:
        kind: MediumType = "nvme"
    elif "mmc" in text:
        kind = "emmc"
    elif "ssd" in text or "solid state" in text:
        kind = "ssd"
    elif "rotational" in capabilities or "rpm" in text:
        kind = "hdd"
    else:
        kind = "unknown"
    return StorageMedium(
        kind=kind,
        size_gb=round(int(node["size"]) / _GB),
        vendor=str(node.get("vendor", "")),
        model=str(node.get("product", "")),
        serial=str(node.get("serial", "")),
    )
