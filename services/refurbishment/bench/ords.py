"""Repair records as open data in the Open Repair Data Standard (ORDS) CSV."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from enum import IntEnum
from typing import Annotated, Any

import msgspec

from shared.spreadsheets import DictWriter

COLUMNS = (
    "id",
    "data_provider",
    "country",
    "partner_product_category",
    "product_category",
    "product_category_id",
    "brand",
    "year_of_manufacture",
    "product_age",  # v0.3 (v0.2 had no age; "product_age_estimate" is no ORDS name)
    "repair_status",
    "repair_barrier_if_end_of_life",
    "group_identifier",
    "problem",
    "event_date",
    "record_date",
)
REQUIRED = (
    "id",
    "data_provider",
    "country",
    "partner_product_category",
    "repair_status",
    "problem",
    "event_date",
)
CATEGORIES = {  # our device type → ORDS product category
    "laptop": "Laptop",
    "desktop": "Desktop computer",
    "smartphone": "Mobile",
    "tablet": "Tablet",
    "monitor": "Flat screen",
    "printer": "Printer/scanner",
    "peripheral": "PC accessory",
}


class RepairStatus(IntEnum):
    UNKNOWN = 0
    FIXED = 1
    REPAIRABLE = 2
    END_OF_LIFE = 3


class RepairBarrier(IntEnum):
    SPARE_PARTS_NOT_AVAILABLE = 1
    SPARE_PARTS_TOO_EXPENSIVE = 2
    NO_WAY_TO_OPEN_PRODUCT = 3
    REPAIR_INFORMATION_NOT_AVAILABLE = 4
    LACK_OF_EQUIPMENT = 5
    ITEM_TOO_WORN_OUT = 6


class RepairRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One device's stay at a workshop, as published: never a person, never a label."""

    id: str
    device_type: str
    brand: str = ""
    year_of_manufacture: int | None = None
    status: RepairStatus
    barrier: RepairBarrier | None = None
    problem: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    workshop_id: str
    event_date: date


def ords_row(record: RepairRecord, data_provider: str, recorded: date) -> dict[str, str]:
    if record.status is RepairStatus.END_OF_LIFE and record.barrier is None:
        raise ValueError(f"record {record.id}: an end-of-life repair states its barrier")
    return {
        "id": record.id,
        "data_provider": data_provider,
        "country": "FRA",
        "partner_product_category": record.device_type,
        "product_category": CATEGORIES.get(record.device_type, ""),
        "brand": record.brand,
        "year_of_manufacture": str(record.year_of_manufacture or ""),
        "repair_status": str(int(record.status)),
        "repair_barrier_if_end_of_life": str(int(record.barrier)) if record.barrier else "",
        "group_identifier": record.workshop_id,
        "problem": record.problem,
        "event_date": record.event_date.isoformat(),
        "record_date": recorded.isoformat(),
    }


def ords_csv(records: Sequence[RepairRecord], data_provider: str, recorded: date) -> str:
    buffer = io.StringIO()
    writer = DictWriter(buffer, fieldnames=COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(ords_row(record, data_provider, recorded))
    return buffer.getvalue()


def record_of(row: Mapping[str, Any]) -> RepairRecord:
    """A finished work order as a repair record: released is fixed, recycled or dismantled
    is end of life; the kinds of repairs made are added to the problem (ORDS has no column
    for parts or time)."""
    outcome = str(row["outcome"])
    recycled = outcome.startswith(("recycled", "dismantled"))
    barrier = RepairBarrier(int(outcome.split(":", 1)[1])) if recycled and ":" in outcome else None
    problem = str(row["outcome_note"]) or (
        f"Refurbished: data erased under certificate, graded {row['grade']}"
        if row["grade"]
        else "Refurbished"
    )
    repair_kinds = list(row.get("repair_kinds") or ())
    if repair_kinds:  # the kinds only: what a volunteer typed is never published
        problem = f"{problem}; repaired: {', '.join(repair_kinds)}"
    return RepairRecord(
        id=str(row["id"]),
        device_type=str(row["device_type"]),
        brand=str(row["brand"]),
        status=RepairStatus.END_OF_LIFE if recycled else RepairStatus.FIXED,
        barrier=barrier,
        problem=problem,
        workshop_id=str(row["workshop_id"]),
        event_date=row["closed_at"].date(),
    )
