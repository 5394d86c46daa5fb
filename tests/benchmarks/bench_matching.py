"""Time matching a metropolis-sized backlog: 100,000 open needs against 50,000 ready devices.

Run with ``python -m tests.benchmarks.bench_matching``; the target is under 1 s.
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from services.group_purchase.requests.matching import (
    LARGER_SCREEN_INCHES,
    MatchResult,
    OpenNeed,
    ReadyDevice,
    match,
)
from tests.benchmarks import machine
from tests.benchmarks.report import verdict

TARGET_SECONDS = 1.0
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
COMMUNES = (
    "Lille", "Roubaix", "Tourcoing", "Villeneuve-d'Ascq", "Wattrelos", "Marcq-en-Barœul",
    "Lambersart", "Armentières", "Loos", "Mons-en-Barœul", "Hem", "Croix", "Faches-Thumesnil",
    "Wasquehal", "Seclin",
)  # fmt: skip
CENTRES = (
    (50.6372, 3.0633), (50.6942, 3.1746), (50.7236, 3.1609), (50.6233, 3.1450),
    (50.7011, 3.2167), (50.6711, 3.0950), (50.6500, 3.0250), (50.6883, 2.8800),
    (50.6133, 3.0144), (50.6417, 3.1083), (50.6550, 3.1881), (50.6783, 3.1500),
    (50.5833, 3.0667), (50.6700, 3.1300), (50.5489, 3.0297),
)  # fmt: skip  # (latitude, longitude) of each commune's centre, in COMMUNES order
POSITIONS: dict[str, tuple[float, float]] = {
    **{f"Mairie de {c}": CENTRES[i] for i, c in enumerate(COMMUNES[:12])},
    **{f"Médiathèque de {c}": (CENTRES[i][0] + 0.004, CENTRES[i][1] - 0.006)
       for i, c in enumerate(COMMUNES[:15])},
    "Atelier Fives": (50.6280, 3.0900),
    "Atelier Moulins": (50.6190, 3.0700),
    "Atelier Épeule": (50.6880, 3.1560),
}  # fmt: skip
PLACES = tuple(POSITIONS)
TYPE_SHARES = {"laptop": 45, "smartphone": 20, "tablet": 15, "desktop": 15, "monitor": 5}
SPECS: dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[float, ...]]] = {
    "laptop": ((4, 8, 8, 16, 16, 32), (128, 256, 256, 512, 1000), (11.6, 13.3, 14.0, 15.6, 17.3)),
    "desktop": ((4, 8, 8, 16, 32), (250, 500, 500, 1000, 2000), (0.0,)),
    "tablet": ((2, 3, 4, 6, 8), (32, 64, 64, 128, 256), (8.0, 10.1, 10.9, 12.9)),
    "smartphone": ((2, 3, 4, 4, 6, 8), (32, 64, 128, 128, 256), (5.5, 6.1, 6.7)),
    "monitor": ((0,), (0,), (19.0, 21.5, 24.0, 27.0)),
}
GRADE_SHARES = {"A": 30, "B": 50, "C": 20}


def random_device(rng: random.Random) -> ReadyDevice:
    kind = rng.choices(list(TYPE_SHARES), weights=list(TYPE_SHARES.values()))[0]
    memories, storages, screens = SPECS[kind]
    return ReadyDevice(
        device_id=uuid.UUID(int=rng.getrandbits(128)),
        label="".join(rng.choices("0123456789ABCDEFGHJKMNPQRSTVWXYZ", k=9)),
        device_type=kind,
        grade=rng.choices(list(GRADE_SHARES), weights=list(GRADE_SHARES.values()))[0],
        memory_gb=rng.choice(memories),
        storage_gb=rng.choice(storages),
        screen_inches=rng.choice(screens),
        **at_place(rng.choice(PLACES)),
    )


class Place(TypedDict):
    place_name: str
    latitude: float | None
    longitude: float | None


class Pickup(TypedDict):
    pickup_place: str
    pickup_latitude: float | None
    pickup_longitude: float | None


def at_place(place: str) -> Place:
    latitude, longitude = POSITIONS[place]
    return {"place_name": place, "latitude": latitude, "longitude": longitude}


def random_need(rng: random.Random, device_ids: Sequence[uuid.UUID]) -> OpenNeed:
    """Most needs ask for no minimum; some ask a modest one, a few a larger screen."""
    kind = rng.choices(list(TYPE_SHARES), weights=list(TYPE_SHARES.values()))[0]
    memories, storages, _ = SPECS[kind]
    asks = rng.random() < 0.4
    larger_screen = kind == "laptop" and rng.random() < 0.1
    refused = rng.sample(device_ids, rng.randint(1, 2)) if rng.random() < 0.02 else []
    return OpenNeed(
        need_id=uuid.UUID(int=rng.getrandbits(128)),
        device_type=kind,
        min_memory_gb=rng.choice(memories[:4]) if asks else 0,
        min_storage_gb=rng.choice(storages[:3]) if asks else 0,
        min_screen_inches=LARGER_SCREEN_INCHES if larger_screen else 0.0,
        **pickup_at(rng.choice(PLACES) if rng.random() < 0.7 else ""),
        priority=rng.randint(0, 120),
        waiting_since=NOW - timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
        excluded=frozenset(refused),
    )


def pickup_at(place: str) -> Pickup:
    latitude, longitude = POSITIONS.get(place, (None, None))
    return {"pickup_place": place, "pickup_latitude": latitude, "pickup_longitude": longitude}


def territory(seed: int, needs: int, devices: int) -> tuple[list[OpenNeed], list[ReadyDevice]]:
    rng = random.Random(seed)
    ready = [random_device(rng) for _ in range(devices)]
    device_ids = [device.device_id for device in ready]
    return [random_need(rng, device_ids) for _ in range(needs)], ready


def timed(needs: list[OpenNeed], devices: list[ReadyDevice]) -> tuple[float, MatchResult]:
    started = time.perf_counter()
    result = match(needs, devices)
    return time.perf_counter() - started, result


def print_machine() -> None:
    info = machine.machine()
    busy = machine.busy_seconds()
    time.sleep(1.0)
    print(
        f"Machine: {info.cpus} CPUs ({info.usable_cpus} usable), {info.cpu_model}, "
        f"{info.ram_bytes / 2**30:.1f} GiB RAM; {info.system}; CPU busy with other work: "
        f"{(machine.busy_seconds() - busy) * 100:.0f}% of {info.usable_cpus * 100}%"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3, help="the best run counts")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print_machine()
    needs, devices = territory(args.seed, args.needs, args.devices)
    print(
        f"Territory (seed {args.seed}): {len(needs):,} open needs, {len(devices):,} ready "
        f"devices, {len(PLACES)} located places, one process (matching is single-threaded)"
    )
    runs = [timed(needs, devices) for _ in range(args.runs)]
    best, result = min(runs, key=lambda run: run[0])
    shuffled_needs, shuffled_devices = needs[:], devices[:]
    random.Random(args.seed + 1).shuffle(shuffled_needs)
    random.Random(args.seed + 2).shuffle(shuffled_devices)
    deterministic = (
        all(run[1] == result for run in runs) and match(shuffled_needs, shuffled_devices) == result
    )
    print(
        f"match: best of {len(runs)} {best:.3f} s (runs: "
        f"{', '.join(f'{seconds:.3f}' for seconds, _ in runs)} s); "
        f"{len(result.proposals):,} proposals, {len(result.unmatched):,} unmatched"
    )
    print(f"Same result on every run and on shuffled inputs: {'yes' if deterministic else 'NO'}")
    print(f"Target: under {TARGET_SECONDS:g} s: {verdict(best < TARGET_SECONDS)}")
    return 0 if deterministic else 1


if __name__ == "__main__":
    raise SystemExit(main())
