"""The attention watch's rules, pure: how long a device may stay in each state, and what
changed since the last look (only a rise is news; a fall is only remembered)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import msgspec

from services.inventory.lifecycle.domain import State
from shared.config import InventorySettings

DEAD_LETTERS = "dead_letters"
# a reserved device is stuck once its reservation should have lapsed, and a day more (the
# expiry job runs every minute: past that, it is not doing its work)
RESERVATION_GRACE = timedelta(days=1)


class Seen(msgspec.Struct, frozen=True, kw_only=True):
    """One watched thing as seen now. ``level`` is what is compared with the last look: the
    last dead letter's number, or the number of devices stuck in a state; ``count`` is how
    many there are (dead letters kept, devices stuck). ``fresh``, for a state, is how many of
    its stuck devices were not stuck at the last look (they entered the state since, or
    crossed its threshold since): what is new, even when as many left it meanwhile."""

    watched: str
    level: int
    count: int
    fresh: int | None = None
    state: str = ""
    threshold: timedelta = timedelta(0)
    oldest_since: datetime | None = None


class News(msgspec.Struct, frozen=True, kw_only=True):
    seen: Seen
    new: int
    """How many more than at the last look (new dead letters, devices newly stuck)."""


def stuck_key(state: State | str) -> str:
    return f"stuck:{State(state).value}"


def stuck_thresholds(settings: InventorySettings) -> dict[State, timedelta]:
    """How long a device may stay in each state before a person should look at it. Ready
    devices wait for a household (the shortage is the other side of it), and the end states
    are ends: neither is watched."""
    days = timedelta(days=settings.stuck_after_days)
    return {
        State.RECEIVED: days,
        State.IN_TRANSIT: days,
        State.RETURNED: days,
        State.IN_REFURBISHMENT: timedelta(days=settings.refurbishment_stuck_after_days),
        State.RESERVED: timedelta(hours=settings.reservation_hours) + RESERVATION_GRACE,
    }


def news(kept: Mapping[str, int], seen: Sequence[Seen]) -> list[News]:
    """What is new since the last look: dead letters beyond the level ``kept`` (nothing kept
    counts as 0), devices newly stuck in a state (``fresh``, when the look counted them; else
    a rise of the level). The same look twice is no news; a level that fell and rises again
    is news again."""
    found = []
    for now in seen:
        if now.count == 0:
            continue
        if now.fresh is not None:
            new = now.fresh
        else:
            new = min(now.level - kept.get(now.watched, 0), now.count)
        if new > 0:
            found.append(News(seen=now, new=new))
    return found
