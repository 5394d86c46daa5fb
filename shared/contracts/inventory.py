"""Events published by ``inventory`` on ``inventory.>``."""

from __future__ import annotations

from shared.contracts.collection import LabelCode
from shared.events import Event, registry


@registry.register
class DeviceStateChanged(Event, frozen=True, kw_only=True):
    """The register moved a device to a new lifecycle state (``from_state`` empty when new)."""

    subject = "inventory.device.state_changed"
    description = "The register moved a device to a new lifecycle state."

    label: LabelCode
    from_state: str = ""
    to_state: str
    cause_event_id: str = ""
