"""A diagnosis filled from the JSON of ``lshw -json``; anything else is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.refurbishment.bench.lshw import NotLshwOutput, parse_lshw

LAPTOP = (Path(__file__).parent / "data" / "lshw-laptop.json").read_bytes()


def test_the_machine_cpu_memory_and_every_storage_medium_are_read() -> None:
    specs = parse_lshw(LAPTOP)
    assert (specs.vendor, specs.model, specs.serial) == ("LENOVO", "20HRCTO1WW", "PF0XXXXX")
    assert specs.cpu.startswith("Intel(R) Core(TM) i5-7300U")
    assert specs.ram_gib == 8
    assert [(m.kind, m.size_gb, m.serial) for m in specs.storage] == [
        ("nvme", 256, "S35ENX0J000000"),
        ("hdd", 500, "W62000000"),
    ]


def test_the_one_element_list_printed_by_recent_lshw_is_accepted() -> None:
    assert parse_lshw(b"[" + LAPTOP + b"]").ram_gib == 8


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (b"\x89PNG\r\n", "not valid JSON"),
        (b'{"name": "my holiday photos"}', "not a 'system' node"),
        (b"[1, 2, 3]", "not a 'system' node"),
    ],
)
def test_a_malformed_or_unrelated_file_is_refused_with_what_to_do(
    upload: bytes, reason: str
) -> None:
    with pytest.raises(NotLshwOutput, match=reason) as refused:
        parse_lshw(upload)
    assert "sudo lshw -json" in str(refused.value)
