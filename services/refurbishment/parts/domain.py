"""A workshop's parts bin (pure): spare parts harvested from dismantled devices or added by
hand, taken one at a time by repairs."""

from __future__ import annotations

import typing
import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from shared.errors import Conflict

PartKind = Literal[
    "battery", "memory", "storage", "screen", "keyboard", "charger", "motherboard", "other"
]
PART_KINDS: tuple[str, ...] = typing.get_args(PartKind)
PartCondition = Literal["working", "untested"]
PART_CONDITIONS: tuple[str, ...] = typing.get_args(PartCondition)

PartName = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=1000)]


class PartCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Parts put in the bin: harvested from a device, or added by hand."""

    name: PartName
    kind: PartKind
    condition: PartCondition = "untested"
    quantity: Quantity = 1


class Part(msgspec.Struct, frozen=True, kw_only=True):
    """Parts of one kind in stock, as they went into the bin."""

    id: uuid.UUID
    workshop_id: uuid.UUID
    name: str
    kind: PartKind
    condition: PartCondition
    quantity: int
    from_work_order_id: uuid.UUID | None = None
    added_by: str
    added_at: datetime


class PartsBinEmpty(Conflict):
    """A repair took a part "from the bin" that the bin does not hold."""

    code = "bench.parts_bin_empty"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"The parts bin holds no {name!r}: add it to the bin first, or record it as bought.",
            name=name,
        )
