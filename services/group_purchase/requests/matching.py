"""Proposing, for each open need, the best ready device, with the reasons in plain words.

Needs are served one after the other, the most urgent first: higher priority, then longer
waiting, then need id. Each device is proposed to at most one need. A device fits a need when it
is of the same type, has at least the memory, storage and screen asked, and was not already
refused for this need. Among the devices that fit, a need gets:

1. one already at its pick-up place, when it named one;
2. then one at the nearest place, by distance bands from the pick-up place (as the crow flies):
   within 3 km (a walk or a few stops), within 10 km (across town), within 25 km (across the
   metropolis), then farther or of unknown position; within a band, distance does not count,
   so a household close enough still gets the device that suits it best;
3. then the smallest sufficient device: the least memory, then the least storage, then the
   smallest screen (compared in that order), so a modest need does not take a powerful machine
   that a more demanding household may need;
4. then the better grade (A, then B, then C);
5. then the lower label, then the lower device id, so the result never depends on input order.

Nothing here reserves a device: a person confirms each proposal. Devices are grouped by type
(and by type and place) into (memory, storage) groups, each sorted by screen, so finding a
need's device visits only the groups that can fit it, never every device. For each pick-up
place, the places devices are at are sorted into bands once; a need probes its own place, then
the places of one band after the other, and stops at the first band where a device fits.
"""

from __future__ import annotations

import functools
import math
import uuid
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

import msgspec

from shared.grades import GRADES

LARGER_SCREEN_INCHES = 15.0  # the minimum screen of a "larger screen" accessibility need
DISTANCE_BANDS_KM = (3.0, 10.0, 25.0)  # nearer bands first; beyond the last: farther or unknown
EARTH_RADIUS_KM = 6371.0088  # mean radius

Values = dict[str, str | int | float]
Location = tuple[str, float | None, float | None]  # a place name and its position, if known

# The Structs below are gc=False: they hold ids, numbers, strings and tuples of each other,
# never a cycle, so the garbage collector need not walk them; with 100,000 needs it spent a
# fifth of a match doing so.


class ReadyDevice(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A refurbished device ready for a household, as matching sees it."""

    device_id: uuid.UUID
    label: str  # the device's label code (e.g. "K7Q2M9XB4")
    device_type: str  # e.g. "laptop", "desktop", "tablet", "smartphone", "monitor"...
    grade: str  # "A" | "B" | "C"
    memory_gb: int = 0
    storage_gb: int = 0
    screen_inches: float = 0.0
    place_name: str = ""  # where it can be picked up from (a workshop or place name)
    latitude: float | None = None  # of that place, when known
    longitude: float | None = None


class OpenNeed(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One need of a household's request still waiting for a device."""

    need_id: uuid.UUID
    device_type: str
    min_memory_gb: int = 0
    min_storage_gb: int = 0
    min_screen_inches: float = 0.0  # a "larger screen" need sets LARGER_SCREEN_INCHES
    pickup_place: str = ""  # preferred pick-up place name ("" = no preference)
    pickup_latitude: float | None = None  # of that place, when known
    pickup_longitude: float | None = None
    priority: int = 0
    waiting_since: datetime
    excluded: frozenset[uuid.UUID] = frozenset()  # devices already refused for this need


class Reason(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One reason, as a code and its values; ``reasons.reason_text`` puts it in words.

    Proposals share equal reasons (a large run repeats the same few many times): read them,
    never change their values.
    """

    code: str
    values: Values = msgspec.field(default_factory=dict)


class Proposal(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A device proposed for a need, for a person to confirm."""

    need_id: uuid.UUID
    device_id: uuid.UUID
    label: str
    reasons: tuple[Reason, ...]


class Unmatched(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A need no ready device fits now, and why."""

    need_id: uuid.UUID
    reasons: tuple[Reason, ...]


class MatchResult(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    proposals: tuple[Proposal, ...]
    unmatched: tuple[Unmatched, ...]


def match(needs: Iterable[OpenNeed], devices: Iterable[ReadyDevice]) -> MatchResult:
    """Propose at most one device per need and one need per device, the most urgent first."""
    stock = _Stock(devices)
    proposals: list[Proposal] = []
    unmatched: list[Unmatched] = []
    for need in sorted(needs, key=urgency):
        device = stock.take_best(need)
        if device is None:
            unmatched.append(Unmatched(need_id=need.need_id, reasons=stock.why_none_fits(need)))
        else:
            proposals.append(
                Proposal(
                    need_id=need.need_id,
                    device_id=device.device_id,
                    label=device.label,
                    reasons=proposal_reasons(need, device),
                )
            )
    return MatchResult(proposals=tuple(proposals), unmatched=tuple(unmatched))


def urgency(need: OpenNeed) -> tuple[int, datetime, int]:
    """The order needs are served in: higher priority, then longer waiting, then need id."""
    return (-need.priority, need.waiting_since, need.need_id.int)


def fits(device: ReadyDevice, need: OpenNeed) -> bool:
    """The device meets the need and was not already refused for it."""
    return meets(device, need) and device.device_id not in need.excluded


def meets(device: ReadyDevice, need: OpenNeed) -> bool:
    """The device is of the type asked, with at least the memory, storage and screen asked."""
    return (
        device.device_type == need.device_type
        and device.memory_gb >= need.min_memory_gb
        and device.storage_gb >= need.min_storage_gb
        and device.screen_inches >= need.min_screen_inches
    )


def preference(device: ReadyDevice) -> tuple[int, int, float, int, str, uuid.UUID]:
    """Smaller is preferred, once the pick-up place and the distance band are accounted for."""
    grade = GRADES.index(device.grade) if device.grade in GRADES else len(GRADES)
    return (
        device.memory_gb,
        device.storage_gb,
        device.screen_inches,
        grade,
        device.label,
        device.device_id,
    )


def distance_km(
    latitude_from: float, longitude_from: float, latitude_to: float, longitude_to: float
) -> float:
    """The great-circle distance between two points in degrees (haversine), in kilometres."""
    latitude_a, latitude_b = math.radians(latitude_from), math.radians(latitude_to)
    half_latitude = (latitude_b - latitude_a) / 2
    half_longitude = math.radians(longitude_to - longitude_from) / 2
    haversine = (
        math.sin(half_latitude) ** 2
        + math.cos(latitude_a) * math.cos(latitude_b) * math.sin(half_longitude) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(haversine)))


_known_distance_km = functools.lru_cache(maxsize=65536)(distance_km)  # few places, many pairs


def distance_band(km: float | None) -> int:
    """0 within the first of ``DISTANCE_BANDS_KM`` (limit included), 1 within the second…,
    ``len(DISTANCE_BANDS_KM)`` farther or when the distance is unknown."""
    return len(DISTANCE_BANDS_KM) if km is None else bisect_left(DISTANCE_BANDS_KM, km)


def pickup_distance_km(need: OpenNeed, device: ReadyDevice) -> float | None:
    """How far the device's place is from the need's pick-up place, when both are located."""
    if need.pickup_latitude is None or need.pickup_longitude is None:
        return None
    if device.latitude is None or device.longitude is None:
        return None
    return _known_distance_km(
        need.pickup_latitude, need.pickup_longitude, device.latitude, device.longitude
    )


def proposal_reasons(need: OpenNeed, device: ReadyDevice) -> tuple[Reason, ...]:
    """Type, each spec asked with what the device has, place, grade, the need's priority."""
    reasons = [_reason("type", ("device_type", device.device_type))]
    asked = (
        ("memory", need.min_memory_gb, device.memory_gb),
        ("storage", need.min_storage_gb, device.storage_gb),
        ("screen", need.min_screen_inches, device.screen_inches),
    )
    for code, minimum, value in asked:
        if minimum > 0:
            reasons.append(_reason(code, ("value", value), ("asked", minimum)))
    if len(reasons) == 1:
        reasons.append(_reason("no_specs"))
    km = pickup_distance_km(need, device) if device.place_name else None
    if need.pickup_place and device.place_name == need.pickup_place:
        reasons.append(_reason("same_place", ("place", device.place_name)))
    elif need.pickup_place and km is not None:
        reasons.append(
            _reason(
                "place_distance",
                ("km", round(km, 1)),
                ("asked", need.pickup_place),
                ("place", device.place_name),
            )
        )
    elif need.pickup_place:
        reasons.append(
            _reason("other_place", ("place", device.place_name), ("asked", need.pickup_place))
        )
    elif device.place_name:
        reasons.append(_reason("place", ("place", device.place_name)))
    reasons.append(_reason("grade", ("grade", device.grade)))
    reasons.append(_reason("priority", ("points", need.priority)))
    return tuple(reasons)


@functools.lru_cache(maxsize=65536)
def _reason(code: str, *values: tuple[str, str | int | float]) -> Reason:
    """One shared Reason per code and values: a large match repeats the same few many times."""
    return Reason(code=code, values=dict(values))


class _Pool:
    """Devices of one type (anywhere, or at one place) in (memory, storage) groups.

    A group holds ``(screen, rank)`` pairs sorted by screen, where ``rank`` is the device's
    position in the stock sorted by preference; within a group, that order is the preference.
    """

    def __init__(self) -> None:
        self.groups: dict[tuple[int, int], list[tuple[float, int]]] = {}
        self.memories: list[int] = []  # sorted, only those with a non-empty group
        self.storages: dict[int, list[int]] = {}  # per memory, sorted, non-empty groups only
        self.exhausted: set[tuple[int, int, float]] = set()  # minimums nothing here meets now

    def add(self, device: ReadyDevice, rank: int) -> None:
        """Add devices in rank order, then call ``index``."""
        key = (device.memory_gb, device.storage_gb)
        self.groups.setdefault(key, []).append((device.screen_inches, rank))

    def index(self) -> None:
        for memory, storage in self.groups:
            self.storages.setdefault(memory, []).append(storage)
        self.memories = sorted(self.storages)
        for storages in self.storages.values():
            storages.sort()

    def copy(self) -> _Pool:
        pool = _Pool()
        pool.groups = {key: group[:] for key, group in self.groups.items()}
        pool.memories = self.memories[:]
        pool.storages = {memory: storages[:] for memory, storages in self.storages.items()}
        return pool

    def candidates(self, need: OpenNeed) -> Iterator[tuple[int, list[tuple[float, int]]]]:
        """The groups that may fit the need, preferred first, with where their fit starts."""
        for memory in self.memories[bisect_left(self.memories, need.min_memory_gb) :]:
            storages = self.storages[memory]
            for storage in storages[bisect_left(storages, need.min_storage_gb) :]:
                group = self.groups[(memory, storage)]
                start = bisect_left(group, (need.min_screen_inches, -1))
                if start < len(group):
                    yield start, group

    def best(self, need: OpenNeed, devices: list[ReadyDevice]) -> int | None:
        """The rank of the preferred device fitting the need, if any (the hot path)."""
        if not self.memories:
            return None
        minimums = (need.min_memory_gb, need.min_storage_gb, need.min_screen_inches)
        if minimums in self.exhausted:
            return None  # the pool only shrinks: what nothing met before, nothing meets now
        excluded, screen = need.excluded, (need.min_screen_inches, -1)
        memories, groups = self.memories, self.groups
        for memory_at in range(bisect_left(memories, need.min_memory_gb), len(memories)):
            memory = memories[memory_at]
            storages = self.storages[memory]
            for storage_at in range(bisect_left(storages, need.min_storage_gb), len(storages)):
                group = groups[(memory, storages[storage_at])]
                for position in range(bisect_left(group, screen), len(group)):
                    rank = group[position][1]
                    if not excluded or devices[rank].device_id not in excluded:
                        return rank
        if not excluded:
            self.exhausted.add(minimums)
        return None

    def remove(self, device: ReadyDevice, rank: int) -> None:
        memory, storage = key = (device.memory_gb, device.storage_gb)
        group = self.groups[key]
        del group[bisect_left(group, (device.screen_inches, rank))]
        if group:
            return
        del self.groups[key]
        self.storages[memory].remove(storage)
        if not self.storages[memory]:
            del self.storages[memory]
            self.memories.remove(memory)


class _Tier:
    """Pools looked at together: those at a need's pick-up place, or those of one distance band
    from it. The preferred device among them is the one of lowest rank."""

    def __init__(self, pools: list[_Pool]) -> None:
        self.pools = pools
        self.exhausted: set[tuple[int, int, float]] = set()  # minimums nothing here meets now

    def best(self, need: OpenNeed, devices: list[ReadyDevice]) -> int | None:
        minimums = (need.min_memory_gb, need.min_storage_gb, need.min_screen_inches)
        if minimums in self.exhausted:
            return None  # its pools only shrink
        rank, emptied = None, False
        for pool in self.pools:
            if not pool.memories:
                emptied = True
                continue
            found = pool.best(need, devices)
            if found is not None and (rank is None or found < rank):
                rank = found
        if emptied:
            self.pools = [pool for pool in self.pools if pool.memories]
        if rank is None and not need.excluded:
            self.exhausted.add(minimums)
        return rank


class _Stock:
    """The ready devices not proposed yet, and a census of all of them to explain a miss."""

    def __init__(self, devices: Iterable[ReadyDevice]) -> None:
        self.devices = _unique(sorted(devices, key=preference))
        self.by_type: defaultdict[str, _Pool] = defaultdict(_Pool)
        self.by_place: defaultdict[tuple[str, Location], _Pool] = defaultdict(_Pool)
        self.place_pool_of: list[_Pool] = []  # by rank: the pool of the device's place
        for rank, device in enumerate(self.devices):
            self.by_type[device.device_type].add(device, rank)
            at_place = self.by_place[(device.device_type, location_of(device))]
            at_place.add(device, rank)
            self.place_pool_of.append(at_place)
        for pool in (*self.by_type.values(), *self.by_place.values()):
            pool.index()
        self.places_of_type: defaultdict[str, list[tuple[Location, _Pool]]] = defaultdict(list)
        for (device_type, location), pool in self.by_place.items():
            self.places_of_type[device_type].append((location, pool))
        self.tiers: dict[tuple[str, str, float | None, float | None], list[_Tier]] = {}
        self.census = {kind: pool.copy() for kind, pool in self.by_type.items()}  # never shrinks
        # keyed by the id's integer: hashing a UUID is a Python call, an int's is not
        self.rank_of = {device.device_id.int: rank for rank, device in enumerate(self.devices)}
        self.shortfalls: dict[tuple[str, int, int, float], tuple[Reason | None, int]] = {}

    def take_best(self, need: OpenNeed) -> ReadyDevice | None:
        """The preferred fitting device, no longer available to anyone else."""
        devices, rank = self.devices, None
        for tier in self._tiers_of(need):
            rank = tier.best(need, devices)
            if rank is not None:
                break
        else:  # nothing at the pick-up place nor within the bands: farther or unknown
            of_type = self.by_type.get(need.device_type)
            rank = of_type.best(need, devices) if of_type is not None else None
        if rank is None:
            return None
        device = devices[rank]
        self.by_type[device.device_type].remove(device, rank)
        self.place_pool_of[rank].remove(device, rank)
        return device

    def _tiers_of(self, need: OpenNeed) -> list[_Tier]:
        """The pools of the need's type to look at in turn: those at its pick-up place, then
        those of each distance band (worked out once per type and pick-up place)."""
        key = (need.device_type, need.pickup_place, need.pickup_latitude, need.pickup_longitude)
        tiers = self.tiers.get(key)
        if tiers is None:
            tiers = self.tiers[key] = self._tiers_from(need)
        return tiers

    def _tiers_from(self, need: OpenNeed) -> list[_Tier]:
        same_place: list[_Pool] = []
        bands: list[list[_Pool]] = [[] for _ in DISTANCE_BANDS_KM]
        latitude, longitude = need.pickup_latitude, need.pickup_longitude
        for (name, at_latitude, at_longitude), pool in self.places_of_type[need.device_type]:
            if need.pickup_place and name == need.pickup_place:
                same_place.append(pool)
            elif (
                latitude is not None
                and longitude is not None
                and at_latitude is not None
                and at_longitude is not None
            ):
                band = distance_band(distance_km(latitude, longitude, at_latitude, at_longitude))
                if band < len(bands):
                    bands[band].append(pool)
        return [_Tier(pools) for pools in (same_place, *bands) if pools]

    def why_none_fits(self, need: OpenNeed) -> tuple[Reason, ...]:
        """Which constraint empties the pool: type, memory, storage, screen, refusals, others."""
        missing, fitting = self._shortfall(need)
        if missing is not None:
            return (missing,)
        refused = self._refused(need)
        if refused == fitting:
            return (_reason("excluded", ("count", refused)),)
        proposed = _reason(
            "all_proposed", ("device_type", need.device_type), ("count", fitting - refused)
        )
        return (proposed, _reason("excluded", ("count", refused))) if refused else (proposed,)

    def _refused(self, need: OpenNeed) -> int:
        """How many devices meeting the need were already refused for it."""
        if not need.excluded:
            return 0
        rank_of, devices = self.rank_of, self.devices
        ranks = (rank_of.get(device_id.int) for device_id in need.excluded)
        return sum(1 for rank in ranks if rank is not None and meets(devices[rank], need))

    def _shortfall(self, need: OpenNeed) -> tuple[Reason | None, int]:
        """The constraint no device meets, or how many devices meet them all (before refusals)."""
        key = (need.device_type, need.min_memory_gb, need.min_storage_gb, need.min_screen_inches)
        if key not in self.shortfalls:
            self.shortfalls[key] = _census_shortfall(self.census.get(need.device_type), need)
        return self.shortfalls[key]


def location_of(device: ReadyDevice) -> Location:
    """The device's place name, with its position when both coordinates are known."""
    if device.latitude is None or device.longitude is None:
        return (device.place_name, None, None)
    return (device.place_name, device.latitude, device.longitude)


def _unique(devices: list[ReadyDevice]) -> list[ReadyDevice]:
    """The devices without repeats of the same device id, in the same order."""
    seen: set[int] = set()  # the ids' integers, quicker to hash than UUIDs
    unique = []
    for device in devices:
        if device.device_id.int not in seen:
            seen.add(device.device_id.int)
            unique.append(device)
    return unique


def _census_shortfall(census: _Pool | None, need: OpenNeed) -> tuple[Reason | None, int]:
    kind = need.device_type
    if census is None:
        return Reason(code="no_type", values={"device_type": kind}), 0
    memories = census.memories[bisect_left(census.memories, need.min_memory_gb) :]
    if not memories:
        values: Values = {"device_type": kind, "asked": need.min_memory_gb}
        values["best"] = census.memories[-1]
        return Reason(code="no_memory", values=values), 0
    best_storage = max(census.storages[memory][-1] for memory in memories)
    if best_storage < need.min_storage_gb:
        values = {"device_type": kind, "asked": need.min_storage_gb, "best": best_storage}
        return Reason(code="no_storage", values=values), 0
    fitting = sum(len(group) - start for start, group in census.candidates(need))
    if fitting:
        return None, fitting
    best_screen = max(
        census.groups[(memory, storage)][-1][0]
        for memory in memories
        for storage in census.storages[memory]
        if storage >= need.min_storage_gb
    )
    values = {"device_type": kind, "asked": need.min_screen_inches, "best": best_screen}
    return Reason(code="no_screen", values=values), 0
