"""A household's priority, computed from published criteria plus the time it has waited.

The criteria and their points are public (``priority-criteria.json`` beside this module), so a
household and its social worker can check how a priority was reached. Waiting points are not
capped: whoever waits long enough ends on top, so nobody waits forever.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

DEFAULT_POLICY_PATH = Path(__file__).with_name("priority-criteria.json")
WAITING = "waiting"  # the key of the waiting-time part of a priority


class Situation(msgspec.Struct, frozen=True, kw_only=True):
    """What the social worker declares about the household (nothing more is kept)."""

    school_age_children: int = 0  # children at school in the household
    job_seeking: bool = False
    disability: bool = False  # disability or accessibility needs in the household
    no_computer: bool = False  # no computer at home (existing equipment)
    no_home_internet: bool = False  # goes online only with a phone, or not at all
    single_parent: bool = False
    low_income: bool = False  # minimum social benefits


def situation_of(stored: object) -> Situation:
    """A household's situation as stored (jsonb); an erased one reads as nothing declared."""
    return msgspec.convert(stored, Situation)


class Criterion(msgspec.Struct, frozen=True, kw_only=True):
    """One published criterion: a field of the situation and the points it gives."""

    key: str  # a Situation field name
    points: int  # points given (per unit when per_unit)
    per_unit: bool = False
    max_units: int = 0  # 0 = no cap (only with per_unit)
    label_fr: str
    label_en: str


class PriorityPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """The published policy: its version, its criteria and the points of one day of waiting."""

    version: str
    criteria: tuple[Criterion, ...]
    points_per_waiting_day: int


class PriorityPart(msgspec.Struct, frozen=True, kw_only=True):
    """What one criterion, or the waiting time, added to a household's priority."""

    key: str  # criterion key, or "waiting" for waiting time
    units: int  # children counted, days waited, or 1
    points: int


class Priority(msgspec.Struct, frozen=True, kw_only=True):
    """A household's priority and how it was reached, part by part."""

    points: int
    parts: tuple[PriorityPart, ...]


def load_policy(path: Path | None = None) -> PriorityPolicy:
    """The policy in ``path``, or the published one beside this module (read once)."""
    if path is None:
        return _published_policy()
    return _read_policy(path)


@functools.cache
def _published_policy() -> PriorityPolicy:
    return _read_policy(DEFAULT_POLICY_PATH)


def _read_policy(path: Path) -> PriorityPolicy:
    try:
        policy = msgspec.json.decode(path.read_bytes(), type=PriorityPolicy)
    except msgspec.ValidationError as error:
        raise ValueError(f"priority policy {path.name}: {error}") from error
    check_policy(policy)
    return policy


def check_policy(policy: PriorityPolicy) -> None:
    """Refuse a policy that could not be applied, with a message saying what to correct."""
    known = Situation.__struct_fields__
    where = f"priority policy {policy.version!r}"
    keys = [criterion.key for criterion in policy.criteria]
    for key in keys:
        if key not in known:
            raise ValueError(
                f"{where}: unknown criterion key {key!r}; a key must be one of: {', '.join(known)}"
            )
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise ValueError(f"{where}: criterion keys given twice: {', '.join(twice)}")
    for criterion in policy.criteria:
        if criterion.max_units < 0 or (criterion.max_units and not criterion.per_unit):
            raise ValueError(
                f"{where}: {criterion.key!r} max_units must be 0 (no cap) or, with per_unit, "
                "a positive number"
            )
    if policy.points_per_waiting_day < 0:
        raise ValueError(f"{where}: points_per_waiting_day cannot be negative")


def priority_of(
    situation: Situation, waiting_since: datetime, now: datetime, policy: PriorityPolicy
) -> Priority:
    """The household's priority: the criteria it meets, then whole days waited (uncapped)."""
    parts = [part for criterion in policy.criteria if (part := _part(situation, criterion))]
    days = waiting_days(waiting_since, now)
    parts.append(PriorityPart(key=WAITING, units=days, points=days * policy.points_per_waiting_day))
    return Priority(points=sum(part.points for part in parts), parts=tuple(parts))


def waiting_days(waiting_since: datetime, now: datetime) -> int:
    """Whole days between ``waiting_since`` and ``now``; 0 when less than a day, or in future."""
    return max(0, (now - waiting_since) // timedelta(days=1))


def _part(situation: Situation, criterion: Criterion) -> PriorityPart | None:
    value = getattr(situation, criterion.key)
    if criterion.per_unit:
        units = max(0, int(value))
        if criterion.max_units:
            units = min(units, criterion.max_units)
    else:
        units = 1 if value else 0
    if units == 0:
        return None
    return PriorityPart(key=criterion.key, units=units, points=units * criterion.points)
