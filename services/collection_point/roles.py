"""Who may use what at a collection point: the role groups its routes allow."""

from __future__ import annotations

from shared.auth import COORDINATION

COUNTER: tuple[str, ...] = ("collector", *COORDINATION)  # the counter, labels, shipments
MANAGERS = COORDINATION  # the places themselves: opening, hours, closing
