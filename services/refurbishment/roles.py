"""Who may use what at a workshop: the role groups its routes allow."""

from __future__ import annotations

from shared.auth import COORDINATION

BENCH: tuple[str, ...] = ("refurbisher", "erasure_officer", *COORDINATION)
OFFICERS: tuple[str, ...] = ("erasure_officer",)  # erasures and their validation
