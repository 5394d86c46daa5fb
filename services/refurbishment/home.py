"""What awaits a person of a workshop on the service's home: devices to erase and erasures to
validate for the erasure officers, work orders to grade and release and shipments to receive
for the refurbishers; coordinators see those of every workshop."""

from __future__ import annotations

import uuid
from collections import Counter

from services.refurbishment import units
from services.refurbishment.bench.views import next_step
from services.refurbishment.roles import BENCH, OFFICERS
from shared.auth import COORDINATION, Principal
from shared.web.app import Runtime
from shared.web.home import Awaiting

# board column → (message key, the roles it awaits)
_STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "to_erase": ("home.awaiting.to_erase", (*OFFICERS, *COORDINATION)),
    "to_validate": ("home.awaiting.to_validate", (*OFFICERS, *COORDINATION)),
    "to_grade": ("home.awaiting.to_grade", ("refurbisher", *COORDINATION)),
    "to_release": ("home.awaiting.to_release", ("refurbisher", *COORDINATION)),
}


async def awaiting(runtime: Runtime, principal: Principal) -> list[Awaiting] | None:
    if not principal.has_any(BENCH):
        return None
    workshops = principal.scoped_ids("workshop")
    board = _board_of(workshops)
    reads = units.reads(runtime)
    steps = Counter(next_step(order) for order in await reads.open_orders_in(workshops))
    found = [
        Awaiting(key, steps[column], board)
        for column, (key, roles) in _STEPS.items()
        if principal.has_any(roles)
    ]
    arrivals = f"{board}/arrivages" if board != "/atelier" else board
    shipments = await reads.awaited_count(workshops)
    found.append(Awaiting("home.awaiting.shipments", shipments, arrivals))
    return found


def _board_of(workshops: list[uuid.UUID] | None) -> str:
    """One workshop's board, or the list of workshops to choose from."""
    if workshops is not None and len(workshops) == 1:
        return f"/atelier/{workshops[0]}"
    return "/atelier"
