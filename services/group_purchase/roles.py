"""Who may use what in households' requests and group purchases: the role groups their
routes allow."""

from __future__ import annotations

from shared.auth import COORDINATION

REQUESTERS: tuple[str, ...] = ("social_worker", *COORDINATION)
