"""Which lifecycle intention each fact stated by another service stands for (pure).

Reservation requests are not here: they are answered (confirmed or rejected), not applied
or refused; see ``Lifecycle.reserve``.
"""

from __future__ import annotations

from services.inventory.lifecycle.domain import NotYet
from services.inventory.lifecycle.intentions import Erasure, Grading, Lifecycle
from shared.contracts.purchase import DeviceHandedOver, DeviceReturned, ReservationReleased
from shared.contracts.refurbishment import (
    DeviceCheckedIn,
    DeviceDismantled,
    DeviceErased,
    DeviceGraded,
    DeviceRecycled,
    DeviceReleased,
)
from shared.events import Event

WORKSHOP_FACTS: tuple[type[Event], ...] = (
    DeviceCheckedIn,
    DeviceErased,
    DeviceGraded,
    DeviceReleased,
    DeviceRecycled,
    DeviceDismantled,
)
DEVICE_FACTS: tuple[type[Event], ...] = (
    *WORKSHOP_FACTS,
    ReservationReleased,
    DeviceHandedOver,
    DeviceReturned,
)


def apply_fact(lifecycle: Lifecycle, event: Event) -> Lifecycle:
    """The lifecycle once ``event`` is applied; raises ``TransitionRefused`` or ``NotYet``."""
    at = event.occurred_at
    match event:
        case DeviceCheckedIn():
            return lifecycle.check_in(at)
        case DeviceErased():
            erasure = Erasure(
                certificate_id=event.certificate_id, no_storage=event.no_storage, stated_at=at
            )
            return lifecycle.erase(erasure)
        case DeviceGraded():
            grading = Grading(
                grade=event.grade, functional_pass=event.functional_pass, stated_at=at
            )
            return lifecycle.grade(grading)
        case DeviceReleased():
            return lifecycle.release(at)
        case DeviceRecycled():
            return lifecycle.recycle(at)
        case DeviceDismantled():
            return lifecycle.dismantle(at)
        case ReservationReleased():
            return lifecycle.cancel_reservation(event.request_id, at)
        case DeviceHandedOver():
            return lifecycle.hand_over(event.request_id, at)
        case DeviceReturned():
            return lifecycle.take_back(at)
    raise TypeError(f"{event.subject} is not a fact about a device's lifecycle")


def require_in_sequence(seen: int, number: int) -> None:
    """Workshop facts about a device may be numbered 1, 2, 3… (their ``aggregate_version``):
    one whose predecessor has not been seen yet waits for it, so that a release never
    overtakes the erasure stated before it. Unnumbered facts (all 1) are taken as they come."""
    if number > seen + 1:
        raise NotYet(f"workshop fact {number - 1} about this device has not been applied yet")
