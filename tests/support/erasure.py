"""Erasure officers, a start time and a flash medium's erasure, for the erasure rules and
certificates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.refurbishment.erasure.domain import (
    MediumErasure,
    Officer,
)

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

AMINA = Officer(id="amina", name="Amina", roles=("erasure_officer",))

BRUNO = Officer(id="bruno", name="Bruno", roles=("refurbisher", "erasure_officer"))


def ssd(**changes: object) -> MediumErasure:
    values: dict[str, object] = {
        "media_type": "flash",
        "serial": "S35ENX0J000000",
        "level": "purge",
        "method": "crypto_erase",
        "tool": "nvme-cli",
        "tool_version": "2.8",
        "verification": "full",
        "started_at": START,
        "ended_at": START + timedelta(minutes=3),
    }
    values.update(changes)
    return MediumErasure(**values)  # type: ignore[arg-type]
